import CohortModel

/// Journal records framed in memory, waiting for the writer to hand them to the file.
struct JournalBuffer: Sendable {
    private(set) var bytes: [UInt8] = []
    private var scratch: [UInt8] = []
    /// Records appended since the buffer was last cleared.
    private(set) var recordCount = 0

    init() {
        bytes.reserveCapacity(1 << 16)
        scratch.reserveCapacity(1 << 12)
    }

    var isEmpty: Bool { bytes.isEmpty }

    /// Frames a record with a JSON object payload.
    mutating func append(_ kind: JournalRecordKind, _ payload: [String: JSONValue]) {
        scratch.removeAll(keepingCapacity: true)
        JSONWriter.writeObject(payload, into: &scratch)
        JournalFormat.appendRecord(kind: kind, payload: scratch, to: &bytes)
        recordCount += 1
    }

    /// Frames a history row unless its encoding is longer than `limit`; returns whether it was added.
    mutating func appendRow(_ row: [String: JSONValue], limit: Int) -> Bool {
        scratch.removeAll(keepingCapacity: true)
        JSONWriter.writeObject(row, into: &scratch, sortingKeys: false)
        guard scratch.count <= limit else { return false }
        JournalFormat.appendRecord(kind: .history, payload: scratch, to: &bytes)
        recordCount += 1
        return true
    }

    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: bytes.capacity <= 1 << 22)
        recordCount = 0
    }

    /// Drops the first `count` bytes (after a partial write).
    mutating func removeFirst(_ count: Int) {
        bytes.removeFirst(count)
    }
}
