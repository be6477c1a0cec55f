/// One whole record read back from a journal.
public struct JournalRecord: Sendable {
    /// What the record holds.
    public var kind: JournalRecordKind
    /// The record's JSON payload.
    public var payload: JSONValue
    /// Byte offset of the record's frame in the file.
    public var offset: Int

    public init(kind: JournalRecordKind, payload: JSONValue, offset: Int) {
        self.kind = kind
        self.payload = payload
        self.offset = offset
    }
}
