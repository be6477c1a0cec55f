import Foundation
import GraphQL

/// What every resolver gets: the shared services, the key that authenticated the request and the
/// request's clock reading (one `now` per request, so every record of one mutation agrees).
struct GraphQLContext: Sendable {
    let services: ServerServices
    let principal: APIKeyRecord
    let now: Date

    /// The entity a request means: the one it names, else the key's own. Throws "permission denied"
    /// when the key may not act there.
    func entity(_ requested: String?) throws -> String {
        let entity = (requested?.isEmpty == false ? requested : nil) ?? principal.entity
        guard principal.mayAct(in: entity) else {
            throw GraphQLFailure("permission denied: this API key may not act in entity \"\(entity)\"")
        }
        return entity
    }

    /// Runs a store call: `.unavailable` becomes `StoreUnavailable` (the route answers 503, so the
    /// client retries); every other store error becomes a GraphQL error with the store's message.
    func store<T: Sendable>(_ body: (any RunStore) async throws -> T) async throws -> T {
        do {
            return try await body(services.store)
        } catch let error as StoreError {
            throw Self.fieldError(for: error)
        }
    }
}

extension GraphQLContext {
    /// The error a field reports for a store failure: `.unavailable` becomes `StoreUnavailable`
    /// (HTTP 503, retried) unless the field's task was cancelled, which happens when a sibling
    /// field failed: then the sibling's error is the answer and this one is only a consequence.
    static func fieldError(for error: StoreError) -> any Error {
        if Task.isCancelled { return CancellationError() }
        if error.code == .unavailable { return StoreUnavailable(message: error.message) }
        return GraphQLFailure(error.message)
    }

    /// `store`, for the artifact store.
    func artifacts<T: Sendable>(_ body: (any ArtifactStore) async throws -> T) async throws -> T {
        do {
            return try await body(services.artifacts)
        } catch let error as StoreError {
            throw Self.fieldError(for: error)
        }
    }
}

/// A field error whose text is exactly the message the client sees (the executor adds the path
/// and location; a thrown `GraphQLError` would lose them).
struct GraphQLFailure: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// The store failed in a way that may pass: the request is answered with HTTP 503.
struct StoreUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { "the store is unavailable; retry later (\(message))" }
}

/// Typed access to resolver sources and arguments.
enum Resolve {
    /// A resolver for fields of `Source`; a wrong source or context is a server bug, reported as a
    /// GraphQL error rather than a crash.
    static func on<Source: Sendable>(
        _: Source.Type, _ body: @escaping @Sendable (Source, Map, GraphQLContext) async throws -> (any Sendable)?
    ) -> GraphQLFieldResolve {
        { source, args, context, info in
            guard let typed = source as? Source, let context = context as? GraphQLContext else {
                throw GraphQLFailure("internal error: unexpected source for \(info.parentType).\(info.fieldName)")
            }
            return try await body(typed, args, context)
        }
    }

    /// A resolver for root fields (the source is the unused root value).
    static func root(_ body: @escaping @Sendable (Map, GraphQLContext) async throws -> (any Sendable)?) -> GraphQLFieldResolve {
        { _, args, context, info in
            guard let context = context as? GraphQLContext else {
                throw GraphQLFailure("internal error: missing context for \(info.fieldName)")
            }
            return try await body(args, context)
        }
    }
}

extension Map {
    /// The string, or `nil` for null, absent or another kind of value.
    var stringOrNil: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The strings of a list, or `nil` when the value is not a list.
    var stringsOrNil: [String]? {
        guard case .array(let values) = self else { return nil }
        return values.compactMap(\.stringOrNil)
    }

    /// The integer value of a number (whole doubles included), or `nil`.
    var integerOrNil: Int64? {
        guard case .number(let number) = self else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return Int64(double)
    }
}

/// JSON text helpers for `JSONString` fields.
enum JSONText {
    /// JSON text of a list of strings (`historyTail` is a JSON list of JSON lines).
    static func encode(strings: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let data = try? encoder.encode(strings) else { return "[]" }
        return String(decoding: data, as: UTF8.self)
    }

    /// JSON text of a `Map` (for a `JSONString` sent as an object instead of a string).
    static func encode(_ map: Map) throws -> String {
        let data = try GraphQLJSONEncoder().encode(map)
        return String(decoding: data, as: UTF8.self)
    }

    /// The object `config["_wandb"]["value"]` (W&B's `wandbConfig`), limited to `keys` when given,
    /// as JSON text; `{}` when the config has none.
    static func wandbConfig(fromConfig config: String, keys: [String]?) -> String {
        guard let data = config.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let wandb = object["_wandb"] as? [String: Any],
            let value = wandb["value"] as? [String: Any]
        else { return "{}" }
        let selected = keys.map { keys in value.filter { keys.contains($0.key) } } ?? value
        guard let out = try? JSONSerialization.data(withJSONObject: selected, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Opaque ids in W&B's style: base64 of `Type:...`.
enum OpaqueID {
    static func make(_ type: String, _ parts: String...) -> String {
        Data(([type] + parts).joined(separator: ":").utf8).base64EncodedString()
    }
}
