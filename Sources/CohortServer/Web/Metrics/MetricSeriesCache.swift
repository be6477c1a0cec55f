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
            var rows = try await Self.read(run.key, from: series.rowCount, to: min(target, series.rowCount + chunkRows), store: store)
            while !rows.isEmpty {
                let start = series.rowCount + rows.count
                async let following: [HistoryRow?] =
                    start < target ? Self.read(run.key, from: start, to: min(target, start + chunkRows), store: store) : []
                for row in rows {
                    if let row { series.append(row) } else { series.appendMalformed() }
                }
                rows = try await following
            }
        } catch {
            throw error as? StoreError ?? StoreError(.unavailable, "the history could not be read")
        }
        await keep(series, for: run.storageID)
        return series
    }

    /// History rows `[from, to)` parsed (`nil` for a line that is not a JSON object): in one text
    /// from a `HistoryBulkReading` store, else line by line; parsed in parallel slices.
    private static func read(_ key: RunKey, from: Int, to: Int, store: any RunStore) async throws -> [HistoryRow?] {
        if let bulk = store as? any HistoryBulkReading {
            let (text, count) = try await bulk.historyText(key, from: from, to: to)
            if let rows = await parse(text: text, expecting: count) { return rows }
            // A stored line held a raw newline: read that chunk line by line instead.
        }
        let lines = try await store.history(key, from: from, to: to)
        return await parallel(lines.count) { range in lines[range].map(HistoryLineScanner.scan) }
    }

    /// The lines of `text` (split at `\n`) parsed, or `nil` when there are not `count` of them.
    private static func parse(text: String, expecting count: Int) async -> [HistoryRow?]? {
        guard count > 0 else { return text.isEmpty ? [] : nil }
        var text = text
        let bounds: [Range<Int>] = text.withUTF8 { buffer in
            var bounds: [Range<Int>] = []
            bounds.reserveCapacity(count)
            guard let base = buffer.baseAddress else { return [0..<0] }
            var start = 0
            while start <= buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                bounds.append(start..<index)
                start = index + 1
            }
            bounds.append(start..<buffer.count)
            return bounds
        }
        guard bounds.count == count else { return nil }
        let shared = text
        return await parallel(count) { range in
            var local = shared
            return local.withUTF8 { buffer in
                bounds[range].map { HistoryLineScanner.scan(bytes: UnsafeBufferPointer(rebasing: buffer[$0])) }
            }
        }
    }

    /// `work` over `0..<count` cut into one slice per core, results in order.
    private static func parallel(_ count: Int, _ work: @escaping @Sendable (Range<Int>) -> [HistoryRow?]) async -> [HistoryRow?] {
        let parts = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / 1_000))
        guard parts > 1 else { return work(0..<count) }
        let size = (count + parts - 1) / parts
        return await withTaskGroup(of: (Int, [HistoryRow?]).self) { group in
            for part in 0..<parts {
                let range = min(count, part * size)..<min(count, (part + 1) * size)
                group.addTask { (part, work(range)) }
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
