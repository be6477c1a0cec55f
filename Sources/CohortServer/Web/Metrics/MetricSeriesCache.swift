import Foundation

/// The parsed history of recently viewed runs, so a page for a run with a million history rows
/// does not parse a million JSON lines per request. Per run (by storage id) it keeps a
/// `MetricSeries`, extends it from the last row it read when the run has logged more (history is
/// append-only), and evicts the least recently used runs when the total passes `maximumBytes`.
///
/// With `files`, a run not in memory is first loaded from its series files (binary columns that
/// `SeriesIndexer` keeps as rows arrive), and only the rows after them are parsed from the store;
/// when rows were parsed (or the files were damaged), the run is queued so the files catch up.
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

    /// Where the rows of the series handed out came from (for tests and the benchmark).
    struct Statistics: Sendable, Equatable {
        /// Rows loaded from series files.
        var rowsFromFiles = 0
        /// Rows read from the store and parsed.
        var rowsParsed = 0
        /// Series files found damaged (the run was parsed from the store and queued for a rewrite).
        var damagedFiles = 0
    }

    private struct Entry {
        var series: MetricSeries
        var lastUse: UInt64
    }

    let configuration: Configuration
    private let files: SeriesFiles?
    private let queue: SeriesIndexQueue?
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0
    private var totalBytes = 0
    private(set) var statistics = Statistics()

    /// - Parameters:
    ///   - configuration: the limits.
    ///   - files: series files to load runs from (none: every row is parsed from the store).
    ///   - queue: where runs whose files lack rows are queued for `SeriesIndexer`.
    init(configuration: Configuration = Configuration(), files: SeriesFiles? = nil, queue: SeriesIndexQueue? = nil) {
        self.configuration = configuration
        self.files = files
        self.queue = queue
    }

    /// The series of `run`, read from `store` as far as the run's `historyLineCount`. The next
    /// chunk is read while the current one is parsed, and a chunk is parsed on every core.
    nonisolated func series(of run: RunRecord, store: any RunStore) async throws(StoreError) -> MetricSeries {
        try await series(of: run, store: store, notify: true)
    }

    /// `series(of:store:)`; `notify: false` does not queue the run for its files (the indexer's own reads).
    nonisolated func series(of run: RunRecord, store: any RunStore, notify: Bool) async throws(StoreError) -> MetricSeries {
        let target = run.historyLineCount
        var result = MetricSeries()
        var damaged = false
        if let hit = await cached(run.storageID, rows: target) {
            result = hit
        } else if let files, target > 0 {
            let id = run.storageID
            switch await SeriesFiles.offPool({ files.load(id) }) {
            case .loaded(let loaded) where loaded.rowCount <= target:
                result = loaded
                let rows = result.rowCount
                await count { $0.rowsFromFiles += rows }
            case .damaged:
                damaged = true
                await count { $0.damagedFiles += 1 }
            case .loaded, .missing:
                break  // a different run's files (more rows than the run has), or none: parse from the store
            }
        }
        if result.rowCount > target { result = MetricSeries() }  // a different run under the same id
        let start = result.rowCount
        if start < target { try await extend(&result, run: run, store: store) }
        let parsed = result.rowCount - start
        if parsed > 0 { await count { $0.rowsParsed += parsed } }
        await keep(result, for: run.storageID)
        if notify, parsed > 0 || damaged { queue?.enqueue(run.storageID, rebuild: damaged) }
        return result
    }

    /// Reads and parses the rows of `run` after `series.rowCount` into it.
    private nonisolated func extend(_ series: inout MetricSeries, run: RunRecord, store: any RunStore) async throws(StoreError) {
        let target = run.historyLineCount
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

    private func count(_ update: @Sendable (inout Statistics) -> Void) { update(&statistics) }

    /// The cached series of run `id`. One with fewer than `rows` rows is taken out until `keep`
    /// puts it back extended: the caller then appends to the only copy instead of copying every
    /// column (a concurrent request for the run meanwhile loads it as if it were not cached, and a
    /// read that fails leaves the run uncached: the next request loads it from its files again).
    private func cached(_ id: String, rows: Int) -> MetricSeries? {
        guard var entry = entries[id] else { return nil }
        if entry.series.rowCount < rows {
            entries[id] = nil
            totalBytes -= entry.series.byteSize
            return entry.series
        }
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
