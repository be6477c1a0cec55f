/// Metric names as W&B reads them.
enum MetricPath {
    /// Splits a metric name on unescaped dots (`a\.b` is the one label `a.b`), as W&B's
    /// `splitEscapedDottedMetricName` does when it configures the summary: a backslash before anything
    /// else stays, a trailing backslash is dropped, and so is an empty last label (`"a."` is `["a"]`).
    static func split(_ name: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in name {
            if escaped {
                if character != "." { current.append("\\") }
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "." {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(current) }
        return parts
    }

    /// Splits a step-metric name on every dot, with no escaping, as W&B's step-sync code does.
    static func splitPlain(_ name: String) -> [String] {
        name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }
}
