import Foundation

/// W&B's run filters (`Project.runs(filters:)`, `Project.runCount(filters:)`): a MongoDB-like JSON
/// object, evaluated in Swift over a project's runs (the store returns them all; cost O(runs ×
/// filter size) per query, with each run's config and summary parsed once).
///
/// - An object is the AND of its entries. `$and`, `$or` and `$nor` take lists of objects.
/// - A field is a run attribute (`name` is the run id, `display_name`/`displayName`, `group`,
///   `jobType`/`job_type`, `state`, `tags`, `notes`, `sweep`/`sweepName`, `host`, `createdAt`/
///   `created_at`, `heartbeatAt`/`heartbeat_at`), `config.KEY[.value][.SUB…]` or
///   `summary_metrics.KEY[.SUB…]` (also `summaryMetrics.`).
/// - A plain value means equality; an object holds operators `$eq $ne $gt $gte $lt $lte $in $nin
///   $exists $regex`. On `tags` (a list) equality and `$in` match when any tag matches.
/// - Unknown fields have no value: they match only `$exists: false`, `$ne`, `$nin`.
struct RunFilter {
    let root: [String: Any]

    /// Parses the `filters` JSON text; `nil`, empty or `{}` matches every run.
    init(json: String?) throws {
        guard let json, !json.trimmingCharacters(in: .whitespaces).isEmpty else {
            root = [:]
            return
        }
        guard let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw GraphQLFailure("filters must be JSON text of an object")
        }
        if object is NSNull { root = [:]; return }
        guard let dictionary = object as? [String: Any] else { throw GraphQLFailure("filters must be a JSON object") }
        root = dictionary
    }

    var isEmpty: Bool { root.isEmpty }

    func matches(_ run: RunView) throws -> Bool { try Self.matches(root, run) }

    private static func matches(_ filter: [String: Any], _ run: RunView) throws -> Bool {
        for (key, value) in filter {
            switch key {
            case "$and":
                guard let list = value as? [[String: Any]] else { throw GraphQLFailure("$and takes a list of objects") }
                for item in list where !(try matches(item, run)) { return false }
            case "$or":
                guard let list = value as? [[String: Any]] else { throw GraphQLFailure("$or takes a list of objects") }
                if !(try list.contains { try matches($0, run) }) { return false }
            case "$nor":
                guard let list = value as? [[String: Any]] else { throw GraphQLFailure("$nor takes a list of objects") }
                if try list.contains(where: { try matches($0, run) }) { return false }
            default:
                if key.hasPrefix("$") { throw GraphQLFailure("unsupported filter operator \(key)") }
                if !(try condition(value, on: run.value(of: key))) { return false }
            }
        }
        return true
    }

    /// Whether `field` (nil when absent) satisfies `condition` (a value or an operator object).
    private static func condition(_ condition: Any, on field: Any?) throws -> Bool {
        guard let operators = condition as? [String: Any], operators.keys.contains(where: { $0.hasPrefix("$") }) else {
            return equal(field, condition)
        }
        for (op, operand) in operators {
            let ok: Bool
            switch op {
            case "$eq": ok = equal(field, operand)
            case "$ne": ok = !equal(field, operand)
            case "$gt": ok = compare(field, operand).map { $0 > 0 } ?? false
            case "$gte": ok = compare(field, operand).map { $0 >= 0 } ?? false
            case "$lt": ok = compare(field, operand).map { $0 < 0 } ?? false
            case "$lte": ok = compare(field, operand).map { $0 <= 0 } ?? false
            case "$in":
                guard let list = operand as? [Any] else { throw GraphQLFailure("$in takes a list") }
                ok = list.contains { equal(field, $0) }
            case "$nin":
                guard let list = operand as? [Any] else { throw GraphQLFailure("$nin takes a list") }
                ok = !list.contains { equal(field, $0) }
            case "$exists":
                let wanted = (operand as? Bool) ?? ((operand as? NSNumber)?.boolValue ?? true)
                ok = (field != nil && !(field is NSNull)) == wanted
            case "$regex":
                guard let pattern = operand as? String else { throw GraphQLFailure("$regex takes a string") }
                let regex: NSRegularExpression
                do { regex = try NSRegularExpression(pattern: pattern) } catch { throw GraphQLFailure("invalid $regex \(pattern)") }
                let values = (field as? [Any]) ?? (field.map { [$0] } ?? [])
                ok = values.contains { value in
                    guard let text = value as? String else { return false }
                    return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                }
            default: throw GraphQLFailure("unsupported filter operator \(op)")
            }
            if !ok { return false }
        }
        return true
    }

    /// Equality; a list field (tags) equals a value when any element does.
    static func equal(_ field: Any?, _ value: Any) -> Bool {
        guard let field else { return value is NSNull }
        if let list = field as? [Any], !(value is [Any]) { return list.contains { scalarEqual($0, value) } }
        return scalarEqual(field, value)
    }

    private static func scalarEqual(_ a: Any, _ b: Any) -> Bool {
        if a is NSNull || b is NSNull { return a is NSNull && b is NSNull }
        if let x = a as? String, let y = b as? String { return x == y }
        if let x = number(a), let y = number(b) { return x == y }
        if let x = a as? [Any], let y = b as? [Any] { return x.count == y.count && zip(x, y).allSatisfy { scalarEqual($0, $1) } }
        return false
    }

    /// -1, 0 or 1 for two numbers or two strings; nil when they cannot be ordered.
    static func compare(_ a: Any?, _ b: Any?) -> Int? {
        guard let a, let b else { return nil }
        if let x = number(a), let y = number(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if let x = a as? String, let y = b as? String { return x < y ? -1 : (x > y ? 1 : 0) }
        return nil
    }

    static func number(_ value: Any) -> Double? {
        if type(of: value) == Bool.self { return nil }
        switch value {
        case is String: return nil
        case let n as NSNumber: return isBoolean(n) ? nil : n.doubleValue
        case let int as Int: return Double(int)
        case let double as Double: return double
        case let int as Int64: return Double(int)
        default: return nil
        }
    }

    /// Whether JSONSerialization made this number from `true`/`false`.
    static func isBoolean(_ n: NSNumber) -> Bool {
        String(cString: n.objCType) == "c" && (n.intValue == 0 || n.intValue == 1)
    }
}

/// A run as filters and orderings see it: attributes plus parsed config and summary.
struct RunView {
    let run: RunRecord
    let config: [String: Any]
    let summary: [String: Any]

    init(_ run: RunRecord) {
        self.run = run
        config = Self.object(run.config)
        summary = Self.object(run.summary)
    }

    private static func object(_ text: String) -> [String: Any] {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }

    /// The value a filter or order key names, or nil when the run has none.
    func value(of key: String) -> Any? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "config" where parts.count >= 2:
            var rest = Array(parts.dropFirst(2))
            if rest.first == "value" { rest.removeFirst() }
            guard let entry = config[parts[1]] else { return nil }
            // `{key: {"value": v}}` as the client sends it; a bare value is accepted too.
            let value = (entry as? [String: Any]).flatMap { $0["value"] } ?? entry
            return Self.descend(value, rest)
        case "summary_metrics", "summaryMetrics", "summary":
            guard parts.count >= 2 else { return nil }
            return Self.descend(summary[parts[1]], Array(parts.dropFirst(2)))
        default: break
        }
        guard parts.count == 1 else { return nil }
        switch key {
        case "name", "id": return run.key.name
        case "display_name", "displayName": return run.displayName
        case "group", "groupName": return run.groupName
        case "jobType", "job_type": return run.jobType
        case "state": return run.state.rawValue
        case "tags": return run.tags
        case "notes": return run.notes
        case "description": return run.description
        case "sweep", "sweepName", "sweep_name": return run.sweep
        case "host": return run.host
        case "createdAt", "created_at": return WandbTime.string(run.createdAt)
        case "heartbeatAt", "heartbeat_at", "updatedAt", "updated_at": return WandbTime.string(run.heartbeatAt)
        default: return nil
        }
    }

    private static func descend(_ value: Any?, _ path: [String]) -> Any? {
        var current = value
        for part in path {
            guard let object = current as? [String: Any] else { return nil }
            current = object[part]
        }
        if current is NSNull { return nil }
        return current
    }
}

/// Orders runs by W&B's `order` argument: `[+|-]created_at`, `heartbeat_at`, `display_name`,
/// `config.KEY.value`, `summary_metrics.KEY`; `-` is descending; missing values sort last.
/// Without an order, newest first.
enum RunOrder {
    static func sort(_ views: [RunView], by order: String?) -> [RunView] {
        guard var key = order?.trimmingCharacters(in: .whitespaces), !key.isEmpty else {
            return views.sorted { $0.run.createdAt > $1.run.createdAt }
        }
        var descending = false
        if key.hasPrefix("-") { descending = true; key.removeFirst() } else if key.hasPrefix("+") { key.removeFirst() }
        return views.enumerated().sorted { a, b in
            let x = a.element.value(of: key), y = b.element.value(of: key)
            if let result = RunFilter.compare(x, y), result != 0 { return descending ? result > 0 : result < 0 }
            if (x == nil) != (y == nil) { return y == nil }
            if a.element.run.createdAt != b.element.run.createdAt {
                return descending ? a.element.run.createdAt > b.element.run.createdAt : a.element.run.createdAt < b.element.run.createdAt
            }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// W&B's timestamp text: UTC, seconds, no zone suffix (`2024-05-01T12:34:56`).
enum WandbTime {
    static func string(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }
}
