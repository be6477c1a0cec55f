import CohortModel

/// Reads a GraphQL answer (`data`) field by field; a missing or mistyped required field throws a
/// ``WandbAPIError/Kind/malformedAnswer`` that names its path.
struct GraphQLAnswer {
    let value: JSONValue
    let path: String
    let operation: String

    init(_ value: JSONValue, path: String = "data", operation: String) {
        self.value = value
        self.path = path
        self.operation = operation
    }

    /// The member `key` (null when absent).
    subscript(key: String) -> GraphQLAnswer {
        GraphQLAnswer(value[key] ?? .null, path: path + "." + key, operation: operation)
    }

    var isNull: Bool { value == .null }

    /// `nil` when null, else the answer itself.
    var nonNull: GraphQLAnswer? { isNull ? nil : self }

    func string() throws(WandbAPIError) -> String {
        guard let text = value.stringValue else { throw malformed("a string") }
        return text
    }

    var optionalString: String? { value.stringValue }

    func int() throws(WandbAPIError) -> Int {
        guard let number = value.intValue else { throw malformed("a whole number") }
        return Int(number)
    }

    var optionalInt: Int? { value.intValue.map { Int($0) } }

    var optionalBool: Bool? { value.boolValue }

    func array() throws(WandbAPIError) -> [GraphQLAnswer] {
        guard let items = value.arrayValue else { throw malformed("a list") }
        return items.enumerated().map { GraphQLAnswer($1, path: "\(path)[\($0)]", operation: operation) }
    }

    /// A list of strings; null is the empty list.
    func strings() throws(WandbAPIError) -> [String] {
        if isNull { return [] }
        return try array().map { (item) throws(WandbAPIError) -> String in try item.string() }
    }

    /// A `JSONString` field decoded: `nil` when null or empty.
    func jsonString() throws(WandbAPIError) -> JSONValue? {
        guard let text = value.stringValue else {
            if isNull { return nil }
            throw malformed("JSON text in a string")
        }
        if text.isEmpty { return nil }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw malformed("JSON text in a string (\(error))")
        }
    }

    /// A `JSONString` field holding an object; null, empty or `{}` give an empty dictionary.
    func jsonObject() throws(WandbAPIError) -> [String: JSONValue] {
        guard let decoded = try jsonString() else { return [:] }
        guard let object = decoded.objectValue else { throw malformed("a JSON object in a string") }
        return object
    }

    func malformed(_ expected: String) -> WandbAPIError {
        .malformed(operation, "\(path) is not \(expected)")
    }
}
