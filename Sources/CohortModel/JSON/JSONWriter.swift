/// Writes `JSONValue`s as compact UTF-8 JSON with object keys in sorted order, so the same value
/// always produces the same bytes. Non-finite doubles become `NaN`, `Infinity` and `-Infinity`.
public enum JSONWriter {
    /// Appends the encoding of `value` to `buffer`.
    public static func write(_ value: JSONValue, into buffer: inout [UInt8]) {
        switch value {
        case .null: buffer.append(contentsOf: nullBytes)
        case .bool(let flag): buffer.append(contentsOf: flag ? trueBytes : falseBytes)
        case .int(let number): writeInteger(number, into: &buffer)
        case .double(let number): writeDouble(number, into: &buffer)
        case .string(let text): writeString(text, into: &buffer)
        case .array(let elements):
            buffer.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                write(element, into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let members):
            writeObject(members, into: &buffer)
        }
    }

    /// Appends an object to `buffer`, with sorted keys unless `sortingKeys` is false (faster, for
    /// records whose byte form need not be repeatable). Nested objects are always sorted.
    public static func writeObject(_ members: [String: JSONValue], into buffer: inout [UInt8], sortingKeys: Bool = true) {
        buffer.append(UInt8(ascii: "{"))
        var first = true
        if sortingKeys {
            for key in members.keys.sorted() {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                write(members[key]!, into: &buffer)  // key comes from members.keys
            }
        } else {
            for (key, value) in members {
                if !first { buffer.append(UInt8(ascii: ",")) }
                first = false
                writeString(key, into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                write(value, into: &buffer)
            }
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// The encoding of `value` as bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(64)
        write(value, into: &buffer)
        return buffer
    }

    /// The encoding of `value` as a string.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    static func writeInteger(_ number: Int64, into buffer: inout [UInt8]) {
        if number >= 0 && number < 10 {
            buffer.append(UInt8(ascii: "0") &+ UInt8(number))
            return
        }
        buffer.append(contentsOf: String(number).utf8)
    }

    static func writeDouble(_ number: Double, into buffer: inout [UInt8]) {
        if number.isNaN {
            buffer.append(contentsOf: nanBytes)
        } else if number.isInfinite {
            buffer.append(contentsOf: number < 0 ? negativeInfinityBytes : infinityBytes)
        } else {
            // Swift prints the shortest text that reads back as the same double ("0.1", "5.0", "1e-05").
            buffer.append(contentsOf: number.description.utf8)
        }
    }

    static func writeString(_ text: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\\")); buffer.append(byte)
            case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\")); buffer.append(byte)
            case 0x0A: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "n"))
            case 0x0D: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "r"))
            case 0x09: buffer.append(UInt8(ascii: "\\")); buffer.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                buffer.append(contentsOf: "\\u00".utf8)
                buffer.append(hexDigits[Int(byte >> 4)])
                buffer.append(hexDigits[Int(byte & 0x0F)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nanBytes = Array("NaN".utf8)
    private static let infinityBytes = Array("Infinity".utf8)
    private static let negativeInfinityBytes = Array("-Infinity".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
