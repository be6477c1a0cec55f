public import CohortModel
import Foundation

/// Reads a run journal from disk.
///
/// ```swift
/// let journal = try RunJournal.read(path: "cohort/latest-run/run-abc123.journal")
/// for record in journal.records where record.kind == .history { print(record.payload) }
/// if journal.tail != .clean { print("the journal ends early: \(journal.tail)") }
/// ```
public struct RunJournal: Sendable {
    /// Every whole record, in order.
    public let records: [JournalRecord]
    /// How the file ended: cleanly, torn by a crash, or corrupt.
    public let tail: JournalTail
    /// The file size in bytes.
    public let fileSize: Int

    /// Reads and checks the journal at `path`.
    /// - Throws: `CohortError` with code `.journal` when the file cannot be read or is not a journal.
    public static func read(path: String) throws(CohortError) -> RunJournal {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CohortError(.journal, "cannot read the run journal \(path); check that it exists and is readable")
        }
        let bytes = [UInt8](data)
        do {
            let (records, tail) = try JournalScanner.scan(bytes)
            return RunJournal(records: records, tail: tail, fileSize: bytes.count)
        } catch {
            throw CohortError(.journal, "\(path): \(error)")
        }
    }

    /// The history rows, in order.
    public var historyRows: [[String: JSONValue]] {
        records.compactMap { $0.kind == .history ? $0.payload.objectValue : nil }
    }
}
