public import CohortModel

/// One GraphQL request as W&B's clients send it: `{"query", "operationName", "variables"}`, with
/// `variables` left out when there are none (as `Viewer` and `ServerFeaturesQuery` are sent).
///
/// ```swift
/// let viewer = GraphQLOperation(name: "Viewer", document: "query Viewer { viewer { id entity } }")
/// let body = viewer.body()   // {"operationName":"Viewer","query":"query Viewer { viewer { id entity } }"}
/// ```
public struct GraphQLOperation: Sendable, Equatable {
    /// The operation's name, equal to the name in ``document``.
    public var name: String
    /// The GraphQL document holding one operation.
    public var document: String
    /// The variables; `nil` values are left out (a missing nullable variable is null to GraphQL).
    public var variables: [String: JSONValue]

    /// Creates an operation.
    public init(name: String, document: String, variables: [String: JSONValue] = [:]) {
        self.name = name
        self.document = document
        self.variables = variables
    }

    /// The JSON request body.
    public func body() -> [UInt8] {
        var envelope: [String: JSONValue] = ["query": .string(document), "operationName": .string(name)]
        if !variables.isEmpty { envelope["variables"] = .object(variables) }
        return JSONWriter.bytes(.object(envelope))
    }
}

extension JSONValue {
    /// `.string(value)`, or `.null` for `nil` (optional variables and input fields).
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// `.int(value)`, or `.null` for `nil`.
    static func optional(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The members without `.null` values (optional variables left out rather than sent as null).
    func droppingNulls() -> [String: JSONValue] { filter { $0.value != .null } }
}
