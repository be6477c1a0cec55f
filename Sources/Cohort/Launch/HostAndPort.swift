/// `host`, `host:port`, `[v6]` or `[v6]:port`, as `COHORT_LEADER` is written.
struct HostAndPort: Equatable {
    /// The host without brackets.
    var host: String
    /// The port text after the host, if any (unvalidated).
    var portText: String?

    /// Splits `text`; `nil` when it has no host or an unclosed bracket.
    init?(_ text: String) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                portText = nil
            } else {
                guard rest.hasPrefix(":") else { return nil }
                portText = String(rest.dropFirst())
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        } else {
            // No colon, or a bare IPv6 address (several colons): all host.
            host = text
            portText = nil
        }
        guard !host.isEmpty else { return nil }
    }

    /// A TCP port a leader can listen on: 1...65535.
    static func port(_ text: String) -> Int? {
        guard let port = Int(text), (1...65_535).contains(port) else { return nil }
        return port
    }
}
