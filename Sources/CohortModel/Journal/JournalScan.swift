/// How a journal's bytes ended, as found by `JournalScanner`.
public enum JournalTail: Sendable, Equatable {
    /// Every byte belongs to a whole record.
    case clean
    /// The file ends inside a record (a write cut short, e.g. by a crash): `droppedBytes` after `offset`.
    case torn(offset: Int, droppedBytes: Int)
    /// A record at `offset` fails its checksum or has an impossible length: it and everything after it
    /// (`droppedBytes`) cannot be trusted.
    case corrupt(offset: Int, droppedBytes: Int, reason: String)

    /// The byte count after which nothing could be read (the size of the valid prefix).
    public func validLength(fileSize: Int) -> Int {
        switch self {
        case .clean: fileSize
        case .torn(let offset, _), .corrupt(let offset, _, _): offset
        }
    }
}

/// Errors that make a whole journal unreadable.
public struct JournalFormatError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable { case notAJournal, unsupportedVersion(UInt16) }
    private let code: Code

    /// The file does not start with the journal magic bytes.
    public static let notAJournal = JournalFormatError(code: .notAJournal)
    /// The journal was written by a newer format version.
    public static func unsupportedVersion(_ version: UInt16) -> JournalFormatError {
        JournalFormatError(code: .unsupportedVersion(version))
    }

    public var description: String {
        switch code {
        case .notAJournal:
            "the file is not a Cohort run journal (its first bytes are not the journal header)"
        case .unsupportedVersion(let version):
            "the journal has format version \(version), newer than this Cohort reads (\(JournalFormat.version)); upgrade Cohort to read it"
        }
    }
}

/// Splits the bytes of a journal into whole records, stopping at a torn or corrupt tail.
public enum JournalScanner {
    /// The records of `bytes` and how the bytes end.
    ///
    /// A record whose checksum matches but whose payload is not a JSON object is reported as corrupt
    /// too: checksums make that impossible unless the writer was broken, so nothing after it is trusted.
    /// - Throws: `JournalFormatError` when the header is missing or from a newer version. A file shorter
    ///   than the header (a crash while creating it) reads as empty with a torn tail.
    public static func scan(_ bytes: [UInt8]) throws(JournalFormatError) -> (records: [JournalRecord], tail: JournalTail) {
        var records: [JournalRecord] = []
        let tail = try scan(bytes) { records.append($0) }
        return (records, tail)
    }

    /// Calls `body` with each whole record of `bytes` in order and returns how the bytes end.
    public static func scan(
        _ bytes: [UInt8], _ body: (JournalRecord) -> Void
    ) throws(JournalFormatError) -> JournalTail {
        let magic = JournalFormat.magic
        if bytes.count < JournalFormat.headerSize {
            // A header cut short is a journal created just before a crash; anything else is foreign.
            guard bytes.elementsEqual(magic.prefix(bytes.count)) else { throw .notAJournal }
            return bytes.isEmpty ? .clean : .torn(offset: 0, droppedBytes: bytes.count)
        }
        guard bytes[0..<magic.count].elementsEqual(magic) else { throw .notAJournal }
        let version = UInt16(bytes[8]) | UInt16(bytes[9]) << 8
        guard version <= JournalFormat.version else { throw .unsupportedVersion(version) }

        return scanRecords(bytes, from: JournalFormat.headerSize, body)
    }

    /// Calls `body` with each whole record of `bytes` from `start` (a record boundary) on, and
    /// returns how the bytes end. Offsets in the records and the tail are indices into `bytes`.
    ///
    /// A reader following a live journal calls this on the bytes it has so far: a `.torn` tail is
    /// then a record still being written, to read again when more bytes have arrived.
    public static func scanRecords(
        _ bytes: [UInt8], from start: Int, _ body: (JournalRecord) -> Void
    ) -> JournalTail {
        var offset = start
        return bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let remaining = raw.count - offset
                guard remaining >= JournalFormat.recordHeaderSize else {
                    return .torn(offset: offset, droppedBytes: remaining)
                }
                let length = Int(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian)
                let storedCRC = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self).littleEndian
                let type = raw[offset + 8]
                guard length <= JournalFormat.maximumPayloadSize else {
                    return .corrupt(offset: offset, droppedBytes: remaining, reason: "record length \(length) is impossible")
                }
                guard remaining >= JournalFormat.recordHeaderSize + length else {
                    return .torn(offset: offset, droppedBytes: remaining)
                }
                let framed = UnsafeRawBufferPointer(rebasing: raw[(offset + 8)..<(offset + JournalFormat.recordHeaderSize + length)])
                guard CRC32C.checksum(framed) == storedCRC else {
                    // A mismatch in the very last record is what a torn write looks like on some file
                    // systems (length written, payload not): report it as torn.
                    if remaining == JournalFormat.recordHeaderSize + length {
                        return .torn(offset: offset, droppedBytes: remaining)
                    }
                    return .corrupt(offset: offset, droppedBytes: remaining, reason: "checksum mismatch")
                }
                let payloadBytes = Array(framed.dropFirst())
                guard let payload = try? JSONParser.parse(payloadBytes), case .object = payload else {
                    // try? is deliberate: the reason is reported below as the corruption.
                    return .corrupt(offset: offset, droppedBytes: remaining, reason: "payload is not a JSON object")
                }
                body(JournalRecord(kind: JournalRecordKind(rawValue: type), payload: payload, offset: offset))
                offset += JournalFormat.recordHeaderSize + length
            }
            return .clean
        }
    }
}
