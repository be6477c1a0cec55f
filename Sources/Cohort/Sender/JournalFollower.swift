import CohortModel
import Foundation

/// Reads a run journal while it grows: each `read` returns the whole records appended since the
/// last one. A record still being written (a torn tail) is read again once its bytes have arrived.
///
/// ```swift
/// var follower = JournalFollower(path: journalPath)
/// let batch = try follower.read()        // records so far
/// if batch.atEnd { … }                   // nothing more on disk right now
/// ```
struct JournalFollower: Sendable {
    /// A batch of records.
    struct Batch: Sendable {
        var records: [JournalRecord]
        /// The read reached the end of the file as it is now.
        var atEnd: Bool
    }

    let path: String
    /// The file offset of the next record to read.
    private(set) var offset = 0
    /// Bytes read after `offset` that do not yet form a whole record.
    private var pending: [UInt8] = []

    init(path: String) { self.path = path }

    /// Reads what was appended since the last call, at most about `maximumBytes` of it.
    /// - Throws: `CohortError` (`.journal`) when the file cannot be read, is not a journal, or has a
    ///   record that fails its checksum with more records after it (the journal is damaged there:
    ///   every record before it was returned).
    mutating func read(maximumBytes: Int = 4 << 20) throws(CohortError) -> Batch {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CohortError(.journal, "cannot open the run journal \(path) to send it; check that it exists and is readable")
        }
        defer { try? handle.close() }  // closing a read-only handle cannot lose data
        let chunk: [UInt8]
        do {
            try handle.seek(toOffset: UInt64(offset + pending.count))
            chunk = [UInt8](try handle.read(upToCount: maximumBytes) ?? Data())
        } catch {
            throw CohortError(.journal, "cannot read the run journal \(path): \(error.localizedDescription)")
        }
        pending += chunk
        let atEnd = chunk.count < maximumBytes
        if offset == 0 {
            guard pending.count >= JournalFormat.headerSize else { return Batch(records: [], atEnd: atEnd) }
            do {
                _ = try JournalScanner.scan(Array(pending.prefix(JournalFormat.headerSize)))
            } catch {
                throw CohortError(.journal, "\(path): \(error)")
            }
            pending.removeFirst(JournalFormat.headerSize)
            offset = JournalFormat.headerSize
        }
        var records: [JournalRecord] = []
        let base = offset
        let tail = JournalScanner.scanRecords(pending, from: 0) { record in
            var record = record
            record.offset += base
            records.append(record)
        }
        switch tail {
        case .clean:
            offset += pending.count
            pending.removeAll()
        case .torn(let at, _):
            offset += at
            pending.removeFirst(at)
        case .corrupt(let at, _, let reason):
            offset += at
            pending.removeFirst(at)
            if records.isEmpty {
                throw CohortError(.journal, "the run journal \(path) is damaged at byte \(offset) (\(reason)); records after it cannot be sent")
            }
        }
        return Batch(records: records, atEnd: atEnd)
    }
}
