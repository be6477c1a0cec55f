public import CohortModel

/// A Swift value that `Run.log(_:step:commit:)`, `Config` and `Summary` accept as it is.
///
/// The standard numeric types, `Bool`, `String`, optionals, arrays and `[String: …]` dictionaries of
/// loggable values conform, so `run.log(["loss": loss, "eval": ["f1": f1]])` needs no wrapping.
/// `log` copies values into a compact `LogTape` on the caller's thread; the journal writer turns
/// them into rows. A conforming type needs only `jsonValue`.
public protocol Loggable: Sendable {
    /// The value in W&B's JSON form.
    var jsonValue: JSONValue { get }

    /// Writes the value to a tape; the default writes `jsonValue`.
    func write(to tape: inout LogTape)

    /// Whether the value holds media (`Image`, `Audio`, `Video`, `Object3D`, `Table`, `Html`) that `log` writes as files; the
    /// default is `false`, and a custom type needs no other answer.
    var containsMedia: Bool { get }
}

extension Loggable {
    public func write(to tape: inout LogTape) { tape.write(jsonValue) }

    public var containsMedia: Bool { false }
}

extension JSONValue: Loggable {
    public var jsonValue: JSONValue { self }
}

extension Double: Loggable {
    public var jsonValue: JSONValue { .double(self) }
    public func write(to tape: inout LogTape) { tape.write(self) }
}

extension Float: Loggable {
    /// Converted through its shortest decimal text so `Float(0.1)` logs as `0.1`, not `0.10000000149…`.
    public var jsonValue: JSONValue {
        guard isFinite else { return .double(Double(self)) }
        return .double(Double(description) ?? Double(self))
    }
}

extension Int: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
    public func write(to tape: inout LogTape) { tape.write(Int64(self)) }
}

extension Int8: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension Int16: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension Int32: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension Int64: Loggable {
    public var jsonValue: JSONValue { .int(self) }
    public func write(to tape: inout LogTape) { tape.write(self) }
}

extension UInt: Loggable {
    public var jsonValue: JSONValue { UInt64(self).jsonValue }
}

extension UInt8: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension UInt16: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension UInt32: Loggable {
    public var jsonValue: JSONValue { .int(Int64(self)) }
}

extension UInt64: Loggable {
    /// Values above `Int64.max` are logged as doubles, as JSON readers would read them anyway.
    public var jsonValue: JSONValue {
        self <= UInt64(Int64.max) ? .int(Int64(self)) : .double(Double(self))
    }
}

extension Bool: Loggable {
    public var jsonValue: JSONValue { .bool(self) }
    public func write(to tape: inout LogTape) { tape.write(self) }
}

extension String: Loggable {
    public var jsonValue: JSONValue { .string(self) }
    public func write(to tape: inout LogTape) { tape.write(self) }
}

extension Substring: Loggable {
    public var jsonValue: JSONValue { .string(String(self)) }
}

extension Optional: Loggable where Wrapped: Loggable {
    /// `nil` logs as JSON `null`.
    public var jsonValue: JSONValue { self?.jsonValue ?? .null }

    public func write(to tape: inout LogTape) {
        if let self { self.write(to: &tape) } else { tape.writeNull() }
    }

    public var containsMedia: Bool { self?.containsMedia ?? false }
}

extension Array: Loggable where Element: Loggable {
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
    public func write(to tape: inout LogTape) { writeElements(to: &tape) }
    public var containsMedia: Bool { elementsContainMedia }
}

extension ContiguousArray: Loggable where Element: Loggable {
    public var jsonValue: JSONValue { .array(map(\.jsonValue)) }
    public func write(to tape: inout LogTape) { writeElements(to: &tape) }
    public var containsMedia: Bool { elementsContainMedia }
}

extension Collection where Element: Loggable {
    /// The elements as a tape array.
    func writeElements(to tape: inout LogTape) {
        tape.beginArray(count: count)
        for element in self { element.write(to: &tape) }
    }

    /// Whether an element holds media. A list of numbers, flags or text holds none: answered without
    /// the scan, which costs ~90 ns per element unspecialised (62% of `log` for a 100,000-value
    /// `[Double]`).
    var elementsContainMedia: Bool {
        if isPlainValue(Element.self) { return false }
        return contains { $0.containsMedia }
    }
}

/// Whether `type` is one of the plain value types that never hold media (metatype comparisons only).
private func isPlainValue(_ type: Any.Type) -> Bool {
    type == Double.self || type == Float.self || type == Int.self || type == Int64.self || type == Int32.self
        || type == Bool.self || type == String.self || type == UInt8.self || type == UInt.self || type == UInt64.self
        || type == UInt32.self || type == Int16.self || type == Int8.self || type == UInt16.self || type == Substring.self
        || type == Optional<Double>.self || type == Optional<Float>.self || type == Optional<Int>.self
}


extension Dictionary: Loggable where Key == String, Value: Loggable {
    /// A nested dictionary stays a tree, as in W&B (its leaves show as `outer.inner`).
    public var jsonValue: JSONValue { .object(mapValues(\.jsonValue)) }

    public func write(to tape: inout LogTape) {
        tape.beginObject(count: count)
        for (key, value) in self {
            tape.writeKey(key)
            value.write(to: &tape)
        }
    }

    public var containsMedia: Bool {
        // As for arrays: a dictionary of plain values holds no media, and the unspecialised scan
        // cost ~0.3 µs for a nested row of five scalars.
        if isPlainValue(Value.self) { return false }
        return values.contains { $0.containsMedia }
    }
}

/// Converts a heterogeneous dictionary of loggable values.
package func jsonObject(_ items: [String: any Loggable]) -> [String: JSONValue] {
    var object: [String: JSONValue] = [:]
    object.reserveCapacity(items.count)
    for (key, value) in items { object[key] = value.jsonValue }
    return object
}
