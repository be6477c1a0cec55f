import Foundation

/// Reads one history line (a JSON object) for the numbers the charts need, without building a
/// JSON tree: numbers are parsed where they stand, strings and arrays are skipped, objects are
/// flattened (`a.b`) unless they carry a `_type`, in which case their text is kept as a media
/// value. W&B's bare `NaN`, `Infinity` and `-Infinity` are numbers. Returns `nil` for a line that
/// is not a well-formed object.
struct HistoryLineScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var row = HistoryRow()
    private static let maximumDepth = 4

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    static func scan(_ line: String) -> HistoryRow? {
        var line = line
        return line.withUTF8 { scan(bytes: $0) }
    }

    /// Scans the UTF-8 bytes of one line.
    static func scan(bytes: UnsafeBufferPointer<UInt8>) -> HistoryRow? {
        var scanner = HistoryLineScanner(bytes: bytes)
        return scanner.scanRow()
    }

    private mutating func scanRow() -> HistoryRow? {
        skipSpace()
        guard scanObject(prefix: "", depth: 0, topLevel: true) != nil else { return nil }
        skipSpace()
        return position == bytes.count ? row : nil
    }

    /// What an object turned out to be: plain (its numbers recorded) or media (a `_type` key).
    private enum ObjectKind { case plain, media }

    /// Scans an object at `position`; records numeric members under `prefix`. A media object's
    /// numbers are dropped again and its text is recorded by the caller.
    private mutating func scanObject(prefix: String, depth: Int, topLevel: Bool) -> ObjectKind? {
        guard consume(UInt8(ascii: "{")) else { return nil }
        let valuesBefore = row.values.count
        let mediaBefore = row.media.count
        var isMedia = false
        skipSpace()
        if consume(UInt8(ascii: "}")) { return .plain }
        while true {
            skipSpace()
            guard let key = scanString() else { return nil }
            skipSpace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            if key == "_type" { isMedia = true }
            let name = prefix.isEmpty ? key : prefix + "." + key
            guard scanValue(name: name, key: key, depth: depth, topLevel: topLevel) else { return nil }
            skipSpace()
            if consume(UInt8(ascii: ",")) { continue }
            guard consume(UInt8(ascii: "}")) else { return nil }
            break
        }
        if isMedia && !topLevel {
            row.values.removeSubrange(valuesBefore...)
            row.media.removeSubrange(mediaBefore...)
            return .media
        }
        return .plain
    }

    private mutating func scanValue(name: String, key: String, depth: Int, topLevel: Bool) -> Bool {
        guard position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            let start = position
            // `_wandb` and other internal objects are not charted; deep nesting is cut off.
            if depth >= Self.maximumDepth || (topLevel && key.utf8.first == UInt8(ascii: "_")) { return skipComposite() }
            guard let kind = scanObject(prefix: name, depth: depth + 1, topLevel: false) else { return false }
            if kind == .media {
                row.media.append((name, String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)))
            }
            return true
        case UInt8(ascii: "["):
            return skipComposite()
        case UInt8(ascii: "\""):
            return scanString() != nil
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            return skipLiteral()
        default:
            guard let number = scanNumber() else { return false }
            record(name: name, key: key, value: number, topLevel: topLevel)
            return true
        }
    }

    private mutating func record(name: String, key: String, value: Double, topLevel: Bool) {
        if topLevel && key.utf8.first == UInt8(ascii: "_") {
            switch key {
            case "_step": row.step = value
            case "_runtime": row.runtime = value
            case "_timestamp": row.timestamp = value
            default: break
            }
            return
        }
        row.values.append((name, value))
    }

    // MARK: Tokens

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// A string at `position` (decoded; escapes through Foundation's JSON reader, which is rare).
    private mutating func scanString() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var escaped = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<position])
                position += 1
                guard escaped else { return String(decoding: raw, as: UTF8.self) }
                let quoted = Data([UInt8(ascii: "\"")] + Array(raw) + [UInt8(ascii: "\"")])
                // A malformed escape makes the line unreadable (nil), as any other syntax error.
                return (try? JSONSerialization.jsonObject(with: quoted, options: [.fragmentsAllowed])) as? String
            }
            position += 1
        }
        return nil
    }

    private mutating func skipLiteral() -> Bool {
        for literal in ["true", "false", "null"] where matches(literal) {
            position += literal.utf8.count
            return true
        }
        return false
    }

    private func matches(_ literal: String) -> Bool {
        let utf8 = literal.utf8
        guard position + utf8.count <= bytes.count else { return false }
        return zip(utf8, bytes[position..<(position + utf8.count)]).allSatisfy { $0 == $1 }
    }

    /// Skips an array or object (strings inside may hold brackets).
    private mutating func skipComposite() -> Bool {
        var depth = 0
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                guard scanStringSkip() else { return false }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
                if depth == 0 {
                    position += 1
                    return true
                }
            default: break
            }
            position += 1
        }
        return false
    }

    private mutating func scanStringSkip() -> Bool {
        position += 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""):
                position += 1
                return true
            default: position += 1
            }
        }
        return false
    }

    /// A JSON number, or W&B's `NaN`, `Infinity`, `-Infinity`.
    private mutating func scanNumber() -> Double? {
        let first = bytes[position]
        if first == UInt8(ascii: "N") || first == UInt8(ascii: "I") || (first == UInt8(ascii: "-") && position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "I")) {
            return scanNamedNumber()
        }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            // digits, '+', '-', '.', 'e', 'E'
            guard (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E || byte == 0x65 || byte == 0x45 else {
                break
            }
            position += 1
        }
        return Self.parseDouble(UnsafeBufferPointer(rebasing: bytes[start..<position]))
    }

    private mutating func scanNamedNumber() -> Double? {
        if matches("NaN") {
            position += 3
            return .nan
        }
        if matches("Infinity") {
            position += 8
            return .infinity
        }
        if matches("-Infinity") {
            position += 9
            return -.infinity
        }
        return nil
    }

    /// Exact powers of ten (10^0 … 10^22 are exactly representable as doubles).
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { value, _ in value * 10 }
    }

    /// A number with a decimal exponent within ±22 and at most 19 significant digits. Up to 15
    /// digits the mantissa and the power of ten are exact doubles, so one multiplication or division
    /// rounds correctly (Clinger's fast path); with 16 to 19 (Python's `repr` of a float writes 17)
    /// the mantissa is rounded first, so the value may be one unit in the last place off, which no
    /// chart shows. `nil` for anything else (`strtod` reads it).
    static func fastDouble(_ digits: UnsafeBufferPointer<UInt8>) -> Double? {
        let count = digits.count
        var index = 0
        let negative = index < count && digits[index] == 0x2D
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        var sawDigit = false
        var fraction = false
        while index < count {
            let byte = digits[index]
            if byte >= 0x30 && byte <= 0x39 {
                mantissa = mantissa &* 10 &+ UInt64(byte - 0x30)  // at most 19 digits: no overflow
                if mantissa != 0 { significant += 1 }
                guard significant <= 19 else { return nil }
                if fraction { exponent -= 1 }
                sawDigit = true
            } else if byte == 0x2E && !fraction {
                fraction = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        if index < count {
            guard digits[index] == 0x65 || digits[index] == 0x45 else { return nil }
            index += 1
            var sign = 1
            if index < count && (digits[index] == 0x2B || digits[index] == 0x2D) {
                sign = digits[index] == 0x2D ? -1 : 1
                index += 1
            }
            var value = 0
            var exponentDigits = 0
            while index < count, digits[index] >= 0x30 && digits[index] <= 0x39, exponentDigits < 4 {
                value = value * 10 + Int(digits[index] - 0x30)
                exponentDigits += 1
                index += 1
            }
            guard exponentDigits > 0, index == count else { return nil }
            exponent += sign * value
        }
        let magnitude: Double
        if mantissa == 0 {
            magnitude = 0
        } else if exponent >= 0 && exponent <= 22 {
            magnitude = Double(mantissa) * powersOfTen[exponent]
        } else if exponent < 0 && exponent >= -22 {
            magnitude = Double(mantissa) / powersOfTen[-exponent]
        } else {
            return nil
        }
        return negative ? -magnitude : magnitude
    }

    /// The fast path, else `strtod` on a NUL-terminated copy (at most 63 characters: longer is not a
    /// JSON double).
    private static func parseDouble(_ digits: UnsafeBufferPointer<UInt8>) -> Double? {
        if let value = fastDouble(digits) { return value }
        guard !digits.isEmpty, digits.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            for (index, byte) in digits.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[digits.count] = 0
            guard let base = buffer.baseAddress else { return nil }
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(base, &end)
            guard let end, end - base == digits.count else { return nil }
            return value
        }
    }
}
