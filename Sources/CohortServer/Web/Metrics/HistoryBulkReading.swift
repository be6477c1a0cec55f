/// Stores that can hand over a range of history lines as one text (lines joined by `\n`), which
/// saves a row object per line when the web UI reads a million of them. Both stores conform; the
/// cache reads line by line (`RunStore.history`) from any other store.
protocol HistoryBulkReading: Sendable {
    /// History lines `[from, to)` joined by `\n`, and how many lines that is. Throws `.notFound`
    /// for an unknown run.
    func historyText(_ key: RunKey, from: Int, to: Int) async throws(StoreError) -> (text: String, lines: Int)
}
