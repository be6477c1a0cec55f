/// Why a call of ``WandbAPIClient`` failed.
///
/// A struct around a private code, so new kinds can be added without breaking callers: compare
/// ``kind`` with the `static let`s of ``Kind``. ``description`` says what happened and what to do; it
/// never contains the API key, and names URLs without their query (signed URLs carry tokens there).
public struct WandbAPIError: Error, Sendable, CustomStringConvertible {
    fileprivate enum Code: Hashable, Sendable {
        case graphQL, unauthorized, forbidden, httpStatus, transport, malformedAnswer, fileUnreadable
    }

    /// A kind of failure, for comparisons (`error.kind == .unauthorized`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        fileprivate let code: Code
        /// The server answered with GraphQL `errors` (see ``WandbAPIError/messages``); not retried.
        public static let graphQL = Kind(code: .graphQL)
        /// The server refused the API key (HTTP 401).
        public static let unauthorized = Kind(code: .unauthorized)
        /// The key may not act on this entity or project (HTTP 403).
        public static let forbidden = Kind(code: .forbidden)
        /// Another HTTP error status, after the retries the policy allows (see ``WandbAPIError/status``).
        public static let httpStatus = Kind(code: .httpStatus)
        /// No answer arrived (see ``WandbAPIError/transportError``).
        public static let transport = Kind(code: .transport)
        /// The answer was not the JSON the operation expects.
        public static let malformedAnswer = Kind(code: .malformedAnswer)
        /// A local file to upload could not be read.
        public static let fileUnreadable = Kind(code: .fileUnreadable)

        public var description: String { "\(code)" }
    }

    private let code: Code
    /// The operation that failed: a GraphQL operation name, `file_stream`, `upload` or `download`.
    public let operation: String
    /// The GraphQL error messages (``Kind/graphQL``), else empty.
    public let messages: [String]
    /// The HTTP status for ``Kind/unauthorized``, ``Kind/forbidden`` and ``Kind/httpStatus``.
    public let status: Int?
    /// The transport failure behind ``Kind/transport`` and the status kinds.
    public let transportError: TransportError?
    /// More about the failure: what was malformed, the start of an error body, a file path.
    public let detail: String

    private init(
        _ code: Code, operation: String, messages: [String] = [], status: Int? = nil, transportError: TransportError? = nil,
        detail: String = ""
    ) {
        self.code = code
        self.operation = operation
        self.messages = messages
        self.status = status
        self.transportError = transportError
        self.detail = detail
    }

    /// The kind of failure.
    public var kind: Kind { Kind(code: code) }

    public var description: String {
        switch code {
        case .graphQL:
            return "\(operation) failed: \(messages.joined(separator: "; ")). The request was not retried."
        case .unauthorized:
            return "\(operation) was refused: the server does not accept the API key (HTTP 401). "
                + "Run `cohort login` (or set COHORT_API_KEY / WANDB_API_KEY) with a valid key for this server."
        case .forbidden:
            return "\(operation) was refused: the API key has no access to this entity or project (HTTP 403). "
                + "Check the entity and project, or log in with a key of that entity (`cohort login`)."
        case .httpStatus:
            return "\(operation) failed: \(transportError.map(String.init(describing:)) ?? "HTTP \(status ?? 0)")"
        case .transport:
            return "\(operation) failed: \(transportError.map(String.init(describing:)) ?? detail)"
        case .malformedAnswer:
            return "\(operation) got an answer it cannot read (\(detail)). Check that the base URL points at a W&B-compatible server."
        case .fileUnreadable:
            return "\(operation) could not read \(detail). Check that the file exists and is readable."
        }
    }
}

extension WandbAPIError {
    static func graphQL(_ operation: String, messages: [String]) -> Self {
        .init(.graphQL, operation: operation, messages: messages)
    }

    static func malformed(_ operation: String, _ detail: String) -> Self {
        .init(.malformedAnswer, operation: operation, detail: detail)
    }

    static func fileUnreadable(_ operation: String, path: String) -> Self {
        .init(.fileUnreadable, operation: operation, detail: path)
    }

    /// The error for a failed HTTP exchange: 401 and 403 get their own kinds.
    static func transport(_ operation: String, _ error: TransportError) -> Self {
        guard error.kind == .httpStatus else { return .init(.transport, operation: operation, transportError: error) }
        switch error.status {
        case 401: return .init(.unauthorized, operation: operation, status: 401, transportError: error)
        case 403: return .init(.forbidden, operation: operation, status: 403, transportError: error)
        default: return .init(.httpStatus, operation: operation, status: error.status, transportError: error, detail: error.detail)
        }
    }
}
