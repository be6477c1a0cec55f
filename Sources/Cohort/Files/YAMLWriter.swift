import CohortModel

/// Writes JSON values as block-style YAML, the form of W&B's `config.yaml`.
///
/// Strings that YAML would read as something else are double-quoted (JSON escaping is valid YAML);
/// non-finite floats use YAML's `.nan`, `.inf` and `-.inf`.
enum YAMLWriter {
    /// W&B's `config.yaml`: every top-level key wrapped as `key: {value: …}`.
    static func config(_ config: [String: JSONValue]) -> String {
        var wrapped: [String: JSONValue] = [:]
        for (key, value) in config { wrapped[key] = .object(["value": value]) }
        return document(.object(wrapped))
    }

    /// A YAML document for `value`.
    static func document(_ value: JSONValue) -> String {
        var output = ""
        switch value {
        case .object(let members) where !members.isEmpty:
            writeMembers(members, indent: 0, into: &output)
        case .array(let elements) where !elements.isEmpty:
            writeElements(elements, indent: 0, into: &output)
        default:
            output = scalar(value) + "\n"
        }
        return output
    }

    private static func writeMembers(_ members: [String: JSONValue], indent: Int, into output: inout String) {
        let padding = String(repeating: " ", count: indent)
        for key in members.keys.sorted() {
            let value = members[key]!  // key comes from members.keys
            output += padding + quoted(key) + ":"
            writeNested(value, indent: indent, into: &output)
        }
    }

    private static func writeElements(_ elements: [JSONValue], indent: Int, into output: inout String) {
        let padding = String(repeating: " ", count: indent)
        for element in elements {
            output += padding + "-"
            writeNested(element, indent: indent, into: &output)
        }
    }

    private static func writeNested(_ value: JSONValue, indent: Int, into output: inout String) {
        switch value {
        case .object(let members) where !members.isEmpty:
            output += "\n"
            writeMembers(members, indent: indent + 2, into: &output)
        case .array(let elements) where !elements.isEmpty:
            output += "\n"
            writeElements(elements, indent: indent + 2, into: &output)
        default:
            output += " " + scalar(value) + "\n"
        }
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number):
            number.isNaN ? ".nan" : number.isInfinite ? (number < 0 ? "-.inf" : ".inf") : number.description
        case .string(let text): quoted(text)
        case .array: "[]"
        case .object: "{}"
        }
    }

    /// `text` as a plain scalar when YAML reads it back as the same string, else double-quoted.
    static func quoted(_ text: String) -> String {
        if isPlainSafe(text) { return text }
        return JSONWriter.string(.string(text))
    }

    private static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        let reserved: Set<String> = ["null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE",
            "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N"]
        if reserved.contains(text) { return false }
        if Double(text) != nil || text.hasPrefix(".") || text.hasPrefix("0x") || text.hasPrefix("0o") { return false }
        if " -?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first) || last == " " { return false }
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return false }
        }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") { return false }
        return true
    }
}
