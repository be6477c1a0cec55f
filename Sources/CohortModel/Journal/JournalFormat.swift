/// The on-disk layout of a run journal (`run-<id>.journal`).
///
/// ```
/// file    = header record*
/// header  = "COHORTJL" (8 bytes) version (UInt16 LE) reserved (UInt16, zero)
/// record  = length (UInt32 LE, payload bytes) crc (UInt32 LE, CRC-32C of type byte + payload)
///           type (UInt8, JournalRecordKind) payload (length bytes of UTF-8 JSON object)
/// ```
/// Records are only ever appended. A record is whole when its length, type and payload are all on
/// disk and its checksum matches; a reader stops at the first record that is not.
public enum JournalFormat {
    /// The magic bytes at the start of every journal.
    public static let magic: [UInt8] = Array("COHORTJL".utf8)
    /// The format version this code writes and reads.
    public static let version: UInt16 = 1
    /// Bytes before the first record.
    public static let headerSize = 12
    /// Bytes before each payload: length, checksum and type.
    public static let recordHeaderSize = 9
    /// The largest payload a writer produces and a reader accepts (a longer length means corruption).
    public static let maximumPayloadSize = 64 << 20

    /// The file header.
    public static var header: [UInt8] {
        var bytes = magic
        appendLittleEndian(UInt16(version), to: &bytes)
        appendLittleEndian(UInt16(0), to: &bytes)
        return bytes
    }

    /// Appends one framed record to `buffer`.
    public static func appendRecord(kind: JournalRecordKind, payload: [UInt8], to buffer: inout [UInt8]) {
        precondition(payload.count <= maximumPayloadSize, "journal payloads are limited before framing")
        let type = kind.rawValue
        var crc = withUnsafeBytes(of: type) { CRC32C.checksum($0) }
        crc = payload.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        appendLittleEndian(UInt32(payload.count), to: &buffer)
        appendLittleEndian(crc, to: &buffer)
        buffer.append(type)
        buffer.append(contentsOf: payload)
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }
}
