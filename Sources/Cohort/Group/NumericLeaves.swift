import CohortModel

/// The numbers in a row or summary, as the group features use them: nested names joined with `.`,
/// `_` keys (`_step`, `_runtime`, …) and media descriptors left out.
enum NumericLeaves {
    /// Every numeric leaf of `object`; with `countingBooleans`, booleans count as 1 and 0.
    static func of(_ object: [String: JSONValue], countingBooleans: Bool = false) -> [String: Double] {
        var leaves: [String: Double] = [:]
        collect(object, prefix: nil, countingBooleans: countingBooleans, into: &leaves)
        return leaves
    }

    private static func collect(
        _ object: [String: JSONValue], prefix: String?, countingBooleans: Bool, into leaves: inout [String: Double]
    ) {
        for (key, value) in object where !key.hasPrefix("_") {
            let name = prefix.map { $0 + "." + key } ?? key
            switch value {
            case .object(let members) where members["_type"] == nil:
                collect(members, prefix: name, countingBooleans: countingBooleans, into: &leaves)
            case .int, .double:
                if let number = value.number { leaves[name] = number }
            case .bool(let flag) where countingBooleans:
                leaves[name] = flag ? 1 : 0
            default:
                break
            }
        }
    }
}
