/// A misbehaviour that ``FaultInjectingProxy`` applies to the requests that match a rule.
public struct ProxyFault: Sendable {
    enum Action: Sendable {
        case respond(status: Int, headers: [(String, String)], body: [UInt8])
        case close
        case delay(Duration)
    }

    let action: Action

    /// Answers with `status` itself (the request is not forwarded), for example
    /// `.respond(429, headers: [("Retry-After", "1")])`.
    public static func respond(_ status: Int, headers: [(String, String)] = [], body: String = "") -> ProxyFault {
        ProxyFault(action: .respond(status: status, headers: headers, body: Array(body.utf8)))
    }

    /// Closes the connection after reading the request, without answering.
    public static let closeConnection = ProxyFault(action: .close)

    /// Waits this long, then handles the request as usual (forwards it or answers it).
    public static func delay(_ duration: Duration) -> ProxyFault {
        ProxyFault(action: .delay(duration))
    }
}

/// A request as ``FaultInjectingProxy`` received it.
public struct RecordedRequest: Sendable {
    /// The method, for example `PUT`.
    public let method: String
    /// The request target as sent: path and query.
    public let uri: String
    /// The header fields in order.
    public let headers: [(name: String, value: String)]
    /// How many body bytes arrived.
    public let bodySize: Int
    /// Which TCP connection carried it: 1 for the first connection the proxy accepted, and so on.
    public let connection: Int
    /// When the proxy had read the whole request.
    public let receivedAt: ContinuousClock.Instant

    /// The path without the query.
    public var path: String { String(uri.prefix { $0 != "?" }) }

    /// The first header field called `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}
