/// The answer to an ``HTTPRequest``: any status, including 4xx and 5xx (``RetryingHTTPClient`` is what
/// turns those into errors).
public struct HTTPResponse: Sendable {
    /// The status code of the final answer (after redirects).
    public var status: Int
    /// The final answer's header fields, in the order received.
    public var headers: [HTTPHeader]
    /// The body for ``HTTPRequest/Destination/memory``; for a file destination, empty after a 2xx and
    /// the start of the error body otherwise.
    public var body: [UInt8]
    /// How many body bytes arrived (also those streamed into a file).
    public var bodyBytesReceived: Int64
    /// The HTTP major version of the answer (1, 2 or 3; 0 when not known, as for responses made by hand).
    public var httpVersion = 0

    /// Creates a response (used by the client, and by tests of code that consumes responses).
    public init(status: Int, headers: [HTTPHeader] = [], body: [UInt8] = [], bodyBytesReceived: Int64? = nil) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyBytesReceived = bodyBytesReceived ?? Int64(body.count)
    }

    /// The value of the first header field called `name` (case-insensitive), or `nil`.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body decoded as UTF-8 (invalid bytes repaired).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}
