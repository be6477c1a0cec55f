internal import Foundation

/// Why an HTTP exchange failed.
///
/// A struct around a private code, so new kinds can be added without breaking callers: compare with the
/// `static let`s (`error.code == .timedOut` is spelled `error.kind == .timedOut`), or read ``status`` for an
/// HTTP status failure. ``description`` says what happened and what to do; it names the host and path but
/// never the query (signed URLs carry tokens there), the headers or any key.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    fileprivate enum Code: Hashable, Sendable {
        case connectionFailed, connectionLost, timedOut, tls, nameResolution, httpStatus
        case cancelled, shutDown, fileUnreadable, fileUnwritable, responseTooLarge, invalidRequest, other
    }

    /// A kind of failure, for comparisons (`error.kind == .httpStatus`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let code: Code
        /// The server could not be reached (connection refused, no route).
        public static let connectionFailed = Kind(code: .connectionFailed)
        /// The connection broke mid-exchange (reset, empty reply, HTTP/2 stream error).
        public static let connectionLost = Kind(code: .connectionLost)
        /// The connect, low-speed or whole-request timeout expired.
        public static let timedOut = Kind(code: .timedOut)
        /// The TLS handshake or certificate verification failed.
        public static let tls = Kind(code: .tls)
        /// The host name did not resolve.
        public static let nameResolution = Kind(code: .nameResolution)
        /// The server answered with a status that is an error (see ``TransportError/status``).
        public static let httpStatus = Kind(code: .httpStatus)
        /// The calling task was cancelled.
        public static let cancelled = Kind(code: .cancelled)
        /// The client was shut down.
        public static let shutDown = Kind(code: .shutDown)
        /// A request body file could not be opened or was shorter than the region to send.
        public static let fileUnreadable = Kind(code: .fileUnreadable)
        /// A download file could not be created or written.
        public static let fileUnwritable = Kind(code: .fileUnwritable)
        /// An in-memory response body exceeded the client's limit.
        public static let responseTooLarge = Kind(code: .responseTooLarge)
        /// The request could not be set up (bad URL, unsupported option).
        public static let invalidRequest = Kind(code: .invalidRequest)
        /// Any other libcurl failure.
        public static let other = Kind(code: .other)

        public var description: String { "\(code)" }
    }

    private let code: Code
    /// The HTTP status for ``Kind/httpStatus`` failures, else `nil`.
    public let status: Int?
    /// Up to 512 characters of the error response body (``Kind/httpStatus``), or a detail such as
    /// libcurl's error text or the file path.
    public let detail: String
    /// `scheme://host[:port]/path` of the request: no user info, no query.
    public let target: String

    private init(_ code: Code, status: Int? = nil, detail: String = "", target: String = "") {
        self.code = code
        self.status = status
        self.detail = detail
        self.target = target
    }

    /// The kind of failure.
    public var kind: Kind { Kind(code: code) }

    /// Whether the failure is the network's or the server's rather than the request's: what
    /// ``RetryPolicy`` retries (connection failures, lost connections, timeouts, name resolution).
    public var isTransient: Bool {
        switch code {
        case .connectionFailed, .connectionLost, .timedOut, .nameResolution: true
        default: false
        }
    }

    public var description: String {
        let place = target.isEmpty ? "" : " (\(target))"
        let more = detail.isEmpty ? "" : ": \(detail)"
        switch code {
        case .connectionFailed:
            return "Could not connect to the server\(place)\(more). Check the URL and that the server is running."
        case .connectionLost:
            return "The connection to the server broke\(place)\(more). It is retried; if it persists, check proxies and the server's logs."
        case .timedOut:
            return "The request timed out\(place)\(more). Check the network, or raise the timeout in the transport configuration."
        case .tls:
            return "TLS failed\(place)\(more). Check the server's certificate and the system's CA bundle."
        case .nameResolution:
            return "The host name did not resolve\(place)\(more). Check the URL and DNS."
        case .httpStatus:
            let code = status.map(String.init) ?? "?"
            return "The server answered HTTP \(code)\(place)\(more). \(Self.advice(forStatus: status ?? 0))"
        case .cancelled:
            return "The request was cancelled\(place)."
        case .shutDown:
            return "The HTTP client was shut down before the request finished\(place)."
        case .fileUnreadable:
            return "Could not read the request body file\(more). Check that it exists and holds the region to send."
        case .fileUnwritable:
            return "Could not write the download file\(more). Check the directory's permissions and free space."
        case .responseTooLarge:
            return "The response body was larger than the in-memory limit\(place)\(more). Download it to a file instead."
        case .invalidRequest:
            return "The request could not be set up\(place)\(more)."
        case .other:
            return "The HTTP transfer failed\(place)\(more)."
        }
    }

    private static func advice(forStatus status: Int) -> String {
        switch status {
        case 401: "Check the API key."
        case 403: "The API key has no access to this resource."
        case 404: "Check the entity, project and names in the request."
        case 409, 410: "The resource changed or is gone; the request was not retried."
        case 429: "The server is rate limiting; try again later."
        case 500..<600: "The server failed; it was retried, and may be down."
        default: "The request was not retried."
        }
    }
}

extension TransportError {
    static func connectionFailed(_ detail: String, target: String) -> Self { .init(.connectionFailed, detail: detail, target: target) }
    static func connectionLost(_ detail: String, target: String) -> Self { .init(.connectionLost, detail: detail, target: target) }
    static func timedOut(_ detail: String, target: String) -> Self { .init(.timedOut, detail: detail, target: target) }
    static func tls(_ detail: String, target: String) -> Self { .init(.tls, detail: detail, target: target) }
    static func nameResolution(_ detail: String, target: String) -> Self { .init(.nameResolution, detail: detail, target: target) }
    static func cancelled(target: String) -> Self { .init(.cancelled, target: target) }
    static func shutDown(target: String) -> Self { .init(.shutDown, target: target) }
    static func fileUnreadable(_ detail: String) -> Self { .init(.fileUnreadable, detail: detail) }
    static func fileUnwritable(_ detail: String) -> Self { .init(.fileUnwritable, detail: detail) }
    static func responseTooLarge(_ detail: String, target: String) -> Self { .init(.responseTooLarge, detail: detail, target: target) }
    static func invalidRequest(_ detail: String, target: String) -> Self { .init(.invalidRequest, detail: detail, target: target) }
    static func other(_ detail: String, target: String) -> Self { .init(.other, detail: detail, target: target) }

    /// An HTTP error status, with the start of the body (at most 512 characters).
    package static func httpStatus(_ response: HTTPResponse, target: String) -> Self {
        let text = response.bodyText
        let excerpt = text.count > 512 ? String(text.prefix(512)) + "…" : text
        return .init(.httpStatus, status: response.status, detail: excerpt, target: target)
    }

    /// `scheme://host[:port]/path` of `url`, without user info or query, for messages.
    package static func redacted(_ url: String) -> String {
        var rest = Substring(url)
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<query] }
        guard let schemeEnd = rest.range(of: "://") else { return String(rest) }
        let afterScheme = rest[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(of: "/") ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        return String(rest[..<schemeEnd.upperBound]) + host + afterScheme[authorityEnd...]
    }
}
