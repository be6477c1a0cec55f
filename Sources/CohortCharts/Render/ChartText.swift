/// Escaping for text placed in SVG/XML (and HTML) and in a JSON `<script>` element.
public enum ChartText {
    /// `text` safe inside an XML or HTML element or a double-quoted attribute; control characters XML
    /// forbids become spaces.
    public static func xml(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if character.value < 0x20, character != "\n", character != "\t" { out += " " }
                else { out.unicodeScalars.append(character) }
            }
        }
        return out
    }

    /// `text` as a JSON string literal that is also safe inside `<script>` and in XML: `<`, `>` and `&`
    /// are written as `\u003c`, `\u003e` and `\u0026`.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if character.value < 0x20 || character.value == 0x2028 || character.value == 0x2029 {
                    let hex = String(character.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(character)
                }
            }
        }
        return out + "\""
    }
}
