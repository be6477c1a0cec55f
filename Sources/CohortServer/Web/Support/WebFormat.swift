import CohortModel
import Foundation

/// How the web UI writes numbers, sizes, times and JSON values.
enum WebFormat {
    /// A metric value: integers as integers, others with up to 6 significant digits.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "∞" : "-∞" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-4 { return String(format: "%.4e", value) }
        return String(format: "%.6g", value)
    }

    /// A byte count: `1.2 MB`.
    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `2h 03m`, `4m 12s`, `9s`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
        if h > 0 { return String(format: "%dh %02dm", h, m) }
        if m > 0 { return String(format: "%dm %02ds", m, s) }
        return "\(s)s"
    }

    /// A timestamp in UTC, minute precision: `2026-11-29 10:57 UTC`.
    static func date(_ date: Date?) -> String {
        guard let date else { return "" }
        return display.string(from: date)
    }

    /// ISO 8601 for `datetime` attributes.
    static func iso(_ date: Date?) -> String {
        guard let date else { return "" }
        return ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
    }

    /// Configured once, never mutated (formatting is thread-safe).
    private static let display: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter
    }()

    /// A JSON value in a table cell: strings bare, numbers formatted, the rest as compact JSON.
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return Self.number(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        case .object(let members) where members["_type"]?.stringValue != nil:
            return "[" + (members["_type"]?.stringValue ?? "") + "]"  // a media value: shown in Media
        default:
            let text = JSONWriter.string(value)
            return text.count > 300 ? String(text.prefix(300)) + "…" : text
        }
    }

    /// The object parsed from JSON text (an empty object for anything else).
    static func object(_ text: String) -> [String: JSONValue] {
        // Stored JSON was validated on the way in; a row that is not an object shows as empty.
        (try? JSONParser.parse(text))?.objectValue ?? [:]
    }

    /// A W&B config (`{key: {"value": v}}`) as `key → v`, without W&B's and Cohort's internal keys
    /// (`_wandb`, `_cohort`) unless `internal` is set.
    static func config(_ text: String, includeInternal: Bool = false) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, entry) in object(text) where includeInternal || !key.hasPrefix("_") {
            result[key] = entry["value"] ?? entry
        }
        return result
    }

    /// Nested objects flattened to `a.b.c` keys (media descriptors kept whole), sorted by key.
    static func flatten(_ object: [String: JSONValue], prefix: String = "", depth: Int = 0) -> [(key: String, value: JSONValue)] {
        var rows: [(key: String, value: JSONValue)] = []
        for key in object.keys.sorted() {
            guard let value = object[key] else { continue }
            let name = prefix.isEmpty ? key : prefix + "." + key
            if case .object(let inner) = value, inner["_type"] == nil, depth < 4, !inner.isEmpty {
                rows += flatten(inner, prefix: name, depth: depth + 1)
            } else {
                rows.append((name, value))
            }
        }
        return rows
    }
}
