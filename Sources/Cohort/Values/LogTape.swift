public import CohortModel

/// A compact byte encoding of logged values, written on the caller's thread and read back on the
/// journal writer's thread.
///
/// `log` copies a row into the tape instead of keeping the caller's dictionary alive, so queued
/// rows cost a few bytes per key and the queue's memory is bounded in bytes. Conforming a custom type
/// to `Loggable` needs only `jsonValue`; `write(to:)` is an optional fast path.
///
/// Layout: a tag byte, then `null`/`false`/`true` (nothing), `int` and `double` (8 bytes, little
/// endian), `string` (UInt32 length and UTF-8 bytes), `array` (UInt32 count, elements), `object`
/// (UInt32 count, then each key as a string without its tag, and its value).
public struct LogTape: Sendable {
    enum Tag: UInt8 {
        case null = 0, `false`, `true`, int, double, string, array, object
    }

    private(set) var storage = TapeStorage()
    /// Whether a value written since `beginCall` holds media (`log` then writes it through the
    /// media path instead): media types say so from their `write(to:)`, so a row of plain values
    /// is not scanned twice.
    private(set) var sawMedia = false
    /// Whether the row being written is dropped if it holds media (so media need not write their JSON).
    private(set) var refusingMedia = false

    init() {}

    /// Starts a `log` call's row: clears `sawMedia`.
    mutating func beginCall(refusingMedia: Bool) {
        sawMedia = false
        self.refusingMedia = refusingMedia
    }

    /// How media values write themselves: they say they are media, and write their JSON only when
    /// the row is kept (in disabled mode, where nothing is written to files).
    mutating func writeMedia(_ value: some Loggable) {
        sawMedia = true
        if !refusingMedia { write(value.jsonValue) }
    }

    /// Drops what was written after `offset` (a row that turned out to hold media).
    mutating func truncate(to offset: Int) { storage.truncate(to: offset) }

    /// The number of encoded bytes.
    var count: Int { storage.count }

    /// The bytes the tape can hold before it grows.
    var capacity: Int { storage.capacity }

    /// Empties the tape, keeping its storage for reuse.
    mutating func reset() { storage.reset() }

    /// Writes `null`.
    public mutating func writeNull() { storage.append(Tag.null.rawValue) }

    /// Writes a boolean.
    public mutating func write(_ flag: Bool) { storage.append(flag ? Tag.true.rawValue : Tag.false.rawValue) }

    /// Writes an integer.
    public mutating func write(_ number: Int64) {
        storage.append(Tag.int.rawValue, UInt64(bitPattern: number))
    }

    /// Writes a floating-point number (NaN and infinities included).
    public mutating func write(_ number: Double) {
        storage.append(Tag.double.rawValue, number.bitPattern)
    }

    /// Writes a string.
    public mutating func write(_ text: String) {
        storage.append(Tag.string.rawValue)
        writeKey(text)
    }

    /// Starts an array of `count` elements; write each element next.
    public mutating func beginArray(count: Int) {
        storage.append(Tag.array.rawValue, UInt32(truncatingIfNeeded: count))
    }

    /// Starts an object of `count` members; write each as `writeKey` followed by the value.
    public mutating func beginObject(count: Int) {
        storage.append(Tag.object.rawValue, UInt32(truncatingIfNeeded: count))
    }

    /// Writes an object member's key.
    public mutating func writeKey(_ key: String) {
        var key = key
        key.withUTF8 { storage.appendString($0) }
    }

    /// Writes any JSON value.
    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeNull()
        case .bool(let flag): write(flag)
        case .int(let number): write(number)
        case .double(let number): write(number)
        case .string(let text): write(text)
        case .array(let elements):
            beginArray(count: elements.count)
            for element in elements { write(element) }
        case .object(let members):
            beginObject(count: members.count)
            for (key, member) in members {
                writeKey(key)
                write(member)
            }
        }
    }

    /// Writes a top-level row of loggable values as an object.
    mutating func writeRow(_ items: [String: any Loggable]) {
        storage.reserve(additional: 5 + items.count * 24)
        beginObject(count: items.count)
        for (key, value) in items {
            writeKey(key)
            value.write(to: &self)
        }
    }
}

/// The bytes of a `LogTape`: a growable buffer written through a pointer, so appending a value costs
/// a capacity check and a copy.
final class TapeStorage: @unchecked Sendable {
    // SAFETY: a tape is written by one thread at a time: producers append only while holding the
    // journal writer's lock, and the writer thread reads a tape only after swapping it out of the
    // queue under that lock, after which no producer can reach it.
    // Exclusivity is guaranteed by the ownership rule above; skip the runtime checks on the hot path.
    @exclusivity(unchecked) private(set) var base: UnsafeMutableRawPointer
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = capacity
        base = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
    }

    deinit { base.deallocate() }

    func reset() { count = 0 }

    func truncate(to offset: Int) { count = min(count, offset) }

    @inline(__always)
    func reserve(additional: Int) {
        if count + additional > capacity { grow(toFit: count + additional) }
    }

    private func grow(toFit needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    func append(_ byte: UInt8) {
        reserve(additional: 1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func append<T: FixedWidthInteger>(_ tag: UInt8, _ value: T) {
        reserve(additional: 1 + MemoryLayout<T>.size)
        base.storeBytes(of: tag, toByteOffset: count, as: UInt8.self)
        (base + count + 1).storeBytes(of: value.littleEndian, as: T.self)
        count += 1 + MemoryLayout<T>.size
    }

    func appendString(_ utf8: UnsafeBufferPointer<UInt8>) {
        reserve(additional: 4 + utf8.count)
        (base + count).storeBytes(of: UInt32(truncatingIfNeeded: utf8.count).littleEndian, as: UInt32.self)
        if let source = utf8.baseAddress { (base + count + 4).copyMemory(from: source, byteCount: utf8.count) }
        count += 4 + utf8.count
    }

    /// Reads a little-endian integer at `offset`.
    func load<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    func byte(at offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }

    func string(at offset: Int, length: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(start: base + offset, count: length), as: UTF8.self)
    }
}

/// Reads values back from a `LogTape`.
struct LogTapeReader {
    private let storage: TapeStorage
    private var index: Int

    init(_ tape: LogTape, at offset: Int) {
        storage = tape.storage
        index = offset
    }

    /// The deepest nesting of the value that starts at the reader's position (the row object itself
    /// counts as 1), computed without recursion; the position does not move.
    func nestingDepth() -> Int {
        var position = index
        var open: [(remaining: Int, isObject: Bool)] = []  // containers still being read
        var deepest = 0
        var readFirst = false
        while true {
            while let top = open.last, top.remaining == 0 { open.removeLast() }
            if open.isEmpty && readFirst { return deepest }
            readFirst = true
            if !open.isEmpty {
                open[open.count - 1].remaining -= 1
                if open[open.count - 1].isObject {
                    position += 4 + Int(storage.load(UInt32.self, at: position))  // the member's key
                }
            }
            let tag = LogTape.Tag(rawValue: storage.byte(at: position))
            position += 1
            switch tag {
            case .int, .double: position += 8
            case .string: position += 4 + Int(storage.load(UInt32.self, at: position))
            case .array, .object:
                let count = Int(storage.load(UInt32.self, at: position))
                position += 4
                open.append((count, tag == .object))
                deepest = max(deepest, open.count)
            default: break
            }
        }
    }

    /// Calls `body` with each member of the object that starts at the reader's position.
    mutating func forEachMember(_ body: (String, JSONValue) -> Void) {
        guard index < storage.count, storage.byte(at: index) == LogTape.Tag.object.rawValue else { return }
        index += 1
        let count = Int(readRaw(UInt32.self))
        for _ in 0..<count {
            let key = readString()
            body(key, readValue())
        }
    }

    mutating func readValue() -> JSONValue {
        let tag = LogTape.Tag(rawValue: storage.byte(at: index))
        index += 1
        switch tag {
        case .null, nil: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .int: return .int(Int64(bitPattern: readRaw(UInt64.self)))
        case .double: return .double(Double(bitPattern: readRaw(UInt64.self)))
        case .string: return .string(readString())
        case .array:
            let count = Int(readRaw(UInt32.self))
            var elements: [JSONValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count { elements.append(readValue()) }
            return .array(elements)
        case .object:
            let count = Int(readRaw(UInt32.self))
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(count)
            for _ in 0..<count {
                let key = readString()
                members[key] = readValue()
            }
            return .object(members)
        }
    }

    private mutating func readString() -> String {
        let length = Int(readRaw(UInt32.self))
        let text = storage.string(at: index, length: length)
        index += length
        return text
    }

    private mutating func readRaw<T: FixedWidthInteger>(_: T.Type) -> T {
        let value = storage.load(T.self, at: index)
        index += MemoryLayout<T>.size
        return value
    }
}
