public import CohortModel

/// A nested dictionary whose values have different types, for `run.log`:
/// `run.log(["eval": ["f1": f1, "name": "val"] as NestedLog])`.
///
/// A nested literal whose values share one type, such as `["f1": f1, "p": p]`, needs no annotation.
public struct NestedLog: Loggable, ExpressibleByDictionaryLiteral {
    /// The wrapped items.
    public let items: [String: any Loggable]

    /// Wraps `items`.
    public init(_ items: [String: any Loggable]) { self.items = items }

    public init(dictionaryLiteral elements: (String, any Loggable)...) {
        var items: [String: any Loggable] = [:]
        for (key, value) in elements { items[key] = value }
        self.items = items
    }

    public var jsonValue: JSONValue { .object(jsonObject(items)) }

    public func write(to tape: inout LogTape) { tape.writeRow(items) }

    public var containsMedia: Bool { items.values.contains { $0.containsMedia } }
}
