public import CohortModel

/// A run's history (W&B's older `run.history`): add rows as `log` does, and read back the rows
/// committed so far from the journal.
public struct History: Sendable {
    let run: Run

    /// Adds a row; the same as `run.log(_:step:commit:)`.
    public func add(_ row: [String: any Loggable], step: Int? = nil, commit: Bool? = nil) throws(CohortError) {
        try run.log(row, step: step, commit: commit)
    }

    /// Every committed row, in order, each with `_step`, `_runtime` and `_timestamp`.
    ///
    /// Waits until everything logged before the call is in the journal, then reads it back.
    /// A pending (uncommitted) row is not included.
    /// - Throws: `CohortError` when the journal cannot be read.
    public func rows() async throws(CohortError) -> [[String: JSONValue]] {
        if run.mode == .disabled { return [] }
        if !run.isFinished, let error = await run.writer.barrier(sync: false) { throw error }
        return try RunJournal.read(path: run.journalPath).historyRows
    }
}
