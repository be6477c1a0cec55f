/// Metric names as W&B reads them: dots separate levels unless escaped with a backslash (`a\.b`).
enum MetricPath {
    /// Splits `name` on unescaped dots.
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
        if escaped { current.append("\\") }
        parts.append(current)
        return parts
    }

    /// Joins labels with dots, without escaping, as W&B's glob and step-sync matching do.
    static func join(_ path: [String]) -> String {
        path.count == 1 ? path[0] : path.joined(separator: ".")
    }
}
