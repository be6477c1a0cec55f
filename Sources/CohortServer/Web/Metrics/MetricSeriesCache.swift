import Foundation

/// The parsed history of recently viewed runs, so a page for a run with a million history rows
/// does not parse a million JSON lines per request. Per run (by storage id) it keeps a
/// `MetricSeries`, extends it from the last row it read when the run has logged more (history is
/// append-only), and evicts the least recently used runs when the total passes `maximumBytes`.
///
/// Reading and parsing happen in the caller's task, outside the actor; two requests that load
/// the same run at once both parse, and the longer result is kept.
actor MetricSeriesCache {
    /// Limits of the cache.
    struct Configuration: Sendable {
        /// Memory for cached series (estimated); least recently used runs go first. Default 512 MiB.
        var maximumBytes = 512 << 20
        /// History lines read per store call (one short read transaction each). Default 50,000.
        var chunkRows = 50_000
    }

    private struct Entry {
        var series: MetricSeries
        var lastUse: UInt64
    }

    let configuration: Configuration
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0
    private var totalBytes = 0

    init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The series of `run`, read from `store` as far as the run's `historyLineCount`. The next
    /// chunk is read while the current one is parsed, and a chunk is parsed on every core.
    nonisolated func series(of run: RunRecord, store: any RunStore) async throws(StoreError) -> MetricSeries {
        var series = await cached(run.storageID) ?? MetricSeries()
        let target = run.historyLineCount
        if series.rowCount > target { series = MetricSeries() }  // a different run under the same id
        guard series.rowCount < target else { return series }
        let chunkRows = configuration.chunkRows
        do {
            var lines = try await store.history(run.key, from: series.rowCount, to: min(target, series.rowCount + chunkRows))
            while !lines.isEmpty {
                let start = series.rowCount + lines.count
                async let following: [String] =
                    start < target ? store.history(run.key, from: start, to: min(target, start + chunkRows)) : []
                for row in await Self.parse(lines) {
                    if let row { series.append(row) } else { series.appendMalformed() }
                }
                lines = try await following
            }
        } catch {
            throw error as? StoreError ?? StoreError(.unavailable, "the history could not be read")
        }
        await keep(series, for: run.storageID)
        return series
    }

    /// The rows of `lines`, in order, parsed in parallel slices.
    private static func parse(_ lines: [String]) async -> [HistoryRow?] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, lines.count / 1_000))
        guard parts > 1 else { return lines.map(HistoryLineScanner.scan) }
        let size = (lines.count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [HistoryRow?]).self) { group in
            for part in 0..<parts {
                let slice = Array(lines[min(lines.count, part * size)..<min(lines.count, (part + 1) * size)])
                group.addTask { (part, slice.map(HistoryLineScanner.scan)) }
            }
            var results = Array(repeating: [HistoryRow?](), count: parts)
            for await (part, rows) in group { results[part] = rows }
            return results.flatMap { $0 }
        }
    }

    /// How many runs and bytes the cache holds (for tests and the benchmark).
    var usage: (runs: Int, bytes: Int) { (entries.count, totalBytes) }

    private func cached(_ id: String) -> MetricSeries? {
        guard var entry = entries[id] else { return nil }
        clock += 1
        entry.lastUse = clock
        entries[id] = entry
        return entry.series
    }

    private func keep(_ series: MetricSeries, for id: String) {
        if let existing = entries[id], existing.series.rowCount >= series.rowCount { return }
        clock += 1
        totalBytes -= entries[id]?.series.byteSize ?? 0
        entries[id] = Entry(series: series, lastUse: clock)
        totalBytes += series.byteSize
        while totalBytes > configuration.maximumBytes, entries.count > 1,
            let oldest = entries.filter({ $0.key != id }).min(by: { $0.value.lastUse < $1.value.lastUse })
        {
            totalBytes -= oldest.value.series.byteSize
            entries[oldest.key] = nil
        }
    }
}
