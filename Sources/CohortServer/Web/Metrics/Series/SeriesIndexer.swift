import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Which runs' series files are behind, shared by whoever learns of new rows (file_stream, a page
/// that parsed rows the files lack) and `SeriesIndexer`, which works through it. Asking never
/// waits: it queues the run (once, however often asked; see `SeriesIndexerStateMachine`) and rings
/// a bell that buffers one ring.
final class SeriesIndexQueue: Sendable {
    private struct State {
        var machine = SeriesIndexerStateMachine()
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let bellContinuation: AsyncStream<Void>.Continuation
    /// Rings when a run was queued (at most one ring waits).
    let bell: AsyncStream<Void>

    init() {
        (bell, bellContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues the run for indexing; `rebuild` writes its files again from the start.
    func enqueue(_ storageID: String, rebuild: Bool = false) {
        if state.withLock({ $0.machine.enqueue(storageID, rebuild: rebuild) }) { bellContinuation.yield() }
    }

    /// The next run to index, held by the caller until `finished`.
    func next() -> SeriesIndexerStateMachine.Work? { state.withLock { $0.machine.next() } }

    /// The caller is done with the run (it may be queued again already).
    func finished(_ storageID: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.machine.finished(storageID)
            guard state.machine.isIdle else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Nothing queued or being indexed.
    var isIdle: Bool { state.withLock { $0.machine.isIdle } }

    /// Returns once nothing is queued or being indexed (for tests: someone must be indexing).
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.machine.isIdle { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// Keeps each run's parsed history on disk (`SeriesFiles`) as rows arrive, so the first view of a
/// run after a server start reads binary columns instead of parsing every history line.
///
/// file_stream queues a run after storing its rows and answers without waiting; `run()` (a service of
/// the server) indexes queued runs one at a time: the run's series comes from `cache` (kept there,
/// or loaded from its files, plus the rows the files lack parsed from the store), and the rows past
/// the manifest are appended to the files. A run asked for again during its pass is indexed again,
/// so no row is left out; the queue holds each run once, so a busy run costs one pass per pass
/// time, not one per request.
final class SeriesIndexer: Service, Sendable {
    /// What the indexer has done since it was made (for tests and logs).
    struct Statistics: Sendable, Equatable {
        /// Passes that wrote files.
        var passes = 0
        /// Rows appended to files.
        var rowsWritten = 0
        /// Runs whose files were written again from the start.
        var rewrites = 0
        /// Passes that failed (logged; retried the next time the run is queued).
        var failures = 0
    }

    let files: SeriesFiles
    /// Whether series files are kept at all (`ServerConfiguration.seriesFiles`).
    let enabled: Bool
    let queue: SeriesIndexQueue
    /// The series cache the web pages read, which also loads from and notifies `files`/`queue`.
    let cache: MetricSeriesCache
    private let store: any RunStore
    private let logger: Logger
    private let counters = Mutex(Statistics())

    /// - Parameters:
    ///   - dataDirectory: the server's data directory; files go to `<data>/series`.
    ///   - store: where history rows and run records are read.
    ///   - enabled: `false` keeps no files: the cache parses every run from the store, nothing is queued.
    ///   - cacheConfiguration: the limits of the page cache.
    ///   - logger: failures are logged as warnings, passes at debug level.
    init(
        dataDirectory: String, store: any RunStore, enabled: Bool = true, cacheConfiguration: MetricSeriesCache.Configuration = .init(),
        logger: Logger
    ) {
        files = SeriesFiles(dataDirectory: dataDirectory)
        self.enabled = enabled
        queue = SeriesIndexQueue()
        cache = enabled
            ? MetricSeriesCache(configuration: cacheConfiguration, files: files, queue: queue)
            : MetricSeriesCache(configuration: cacheConfiguration)
        self.store = store
        self.logger = logger
    }

    var statistics: Statistics { counters.withLock { $0 } }

    /// Queues the run after history rows were stored for it (returns at once; nothing when disabled).
    func rowsArrived(for storageID: String) {
        if enabled { queue.enqueue(storageID) }
    }

    /// Indexes queued runs until graceful shutdown.
    func run() async throws {
        for await _ in queue.bell.cancelOnGracefulShutdown() {
            await drain()
        }
    }

    /// Indexes queued runs, one at a time in the caller's task, until none is queued.
    func drain() async {
        while let work = queue.next() {
            await index(work)
            queue.finished(work.storageID)
        }
    }

    /// One pass over one run: append the rows its files lack, or write them again from the start.
    private func index(_ work: SeriesIndexerStateMachine.Work) async {
        let id = work.storageID
        let files = self.files
        do {
            guard let run = try await store.run(storageID: id) else {
                await SeriesFiles.offPool { files.discard(id) }  // the run is gone
                return
            }
            var previous: SeriesManifest?
            if !work.rebuild { previous = await SeriesFiles.offPool { files.manifest(id) } }
            if let stored = previous, stored.rows > run.historyLineCount { previous = nil }  // another run's rows
            if let stored = previous, stored.rows == run.historyLineCount { return }
            let series = try await cache.series(of: run, store: store, notify: false)
            let started = ContinuousClock.now
            let base = previous
            var result: Result<SeriesManifest, SeriesFileError> = await SeriesFiles.offPool {
                Result { () throws(SeriesFileError) in try files.persist(series, over: base, storageID: id) }
            }
            var rewritten = base == nil
            if case .failure(let error) = result, error.needsRewrite {
                result = await SeriesFiles.offPool {
                    Result { () throws(SeriesFileError) in try files.persist(series, over: nil, storageID: id) }
                }
                rewritten = true
            }
            let manifest = try result.get()
            let written = manifest.rows - (rewritten ? 0 : base?.rows ?? 0)
            counters.withLock {
                $0.passes += 1
                $0.rowsWritten += written
                if rewritten { $0.rewrites += 1 }
            }
            logger.debug(
                "series indexed",
                metadata: ["run.storage_id": "\(id)", "series.rows": "\(manifest.rows)", "series.written": "\(written)",
                           "series.write_seconds": "\(ContinuousClock.now - started)"])
        } catch {
            counters.withLock { $0.failures += 1 }
            logger.warning("series indexing failed", metadata: ["run.storage_id": "\(id)", "error": "\(error)"])
        }
    }
}
