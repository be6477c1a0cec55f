public import CohortModel
import Synchronization

/// A run's config (W&B's `run.config`): hyperparameters and other inputs, kept as nested JSON.
///
/// Changing a key that already holds a different value is an error unless `allowValChange` is set,
/// as in W&B. Every change is journaled and written to `files/config.yaml`.
public struct Config: Sendable {
    let run: Run

    /// The value of a top-level key.
    public subscript(key: String) -> JSONValue? {
        run.state.withLock { $0.config[key] }
    }

    /// The value at a nested path, such as `["optimizer", "lr"]`.
    public func value(at path: [String]) -> JSONValue? {
        guard let first = path.first, var value = self[first] else { return nil }
        for key in path.dropFirst() {
            guard let next = value[key] else { return nil }
            value = next
        }
        return value
    }

    /// The whole config.
    public var values: [String: JSONValue] { run.state.withLock { $0.config } }

    /// Sets one key.
    /// - Throws: `CohortError` `.configValueChange` when the key holds a different value and
    ///   `allowValChange` is false; `.runFinished` after `finish`.
    public func set(_ key: String, _ value: some Loggable, allowValChange: Bool = false) throws(CohortError) {
        try update([key: value], allowValChange: allowValChange)
    }

    /// Sets several keys at once (all or none).
    /// - Throws: as `set(_:_:allowValChange:)`.
    public func update(_ values: [String: any Loggable], allowValChange: Bool = false) throws(CohortError) {
        let converted = jsonObject(values)
        try run.updateConfig(converted, allowValChange: allowValChange)
    }
}

extension Run {
    func updateConfig(_ values: [String: JSONValue], allowValChange: Bool) throws(CohortError) {
        for key in values.keys where key.isEmpty {
            throw .invalid("config keys must not be empty")
        }
        for (key, value) in values where value.nestingDepth > RunEngine.maximumNesting {
            throw .invalid("config key \"\(key)\" is nested more than \(RunEngine.maximumNesting) levels deep; flatten it")
        }
        try state.withLock { (state) throws(CohortError) in
            guard !state.finished else { throw .runFinished("config.update") }
            if !allowValChange {
                for (key, value) in values {
                    if let old = state.config[key], !Self.configValue(old, equals: value) {
                        throw CohortError(
                            .configValueChange,
                            "config key \"\(key)\" already holds \(old) and would change to \(value); pass allowValChange: true to change it")
                    }
                }
            }
            state.config.merge(values) { _, new in new }
            // Queued under the lock: two updates from different threads reach the journal in order.
            writer.enqueue(.config(state.config))
        }
    }

    /// Whether a config value counts as unchanged, as Python's `==` decides in W&B: numbers compare
    /// by value (`1` equals `1.0`, NaN equals nothing), containers element by element.
    static func configValue(_ old: JSONValue, equals new: JSONValue) -> Bool {
        switch (old, new) {
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double): return old.number == new.number
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { configValue($0, equals: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && a.allSatisfy { key, value in b[key].map { configValue(value, equals: $0) } ?? false }
        default: return old == new
        }
    }
}
