import CohortModel
import Foundation
import Logging

/// The one thread that owns a run's journal: it takes operations from `Run`'s methods, applies
/// them to the `RunEngine`, and appends the resulting records to the journal in groups.
///
/// `log` only copies the row into an in-memory `LogTape` and queues a small operation; the thread
/// wakes every `flushInterval` (or sooner when the queue grows or someone waits on a barrier),
/// applies the whole queue, and writes the records with one `write` call. When the queue holds
/// `capacity` bytes, producers wait for the thread to take it (the disk is slower than training;
/// memory stays bounded).
final class JournalWriter: @unchecked Sendable {
    // SAFETY: `queue`, `tape`, `stopping` and `wakeRequested` are only touched with
    // `condition` locked. `engine`, `buffer`, `file`, `sideFiles`, `pendingError` and the timing
    // fields are only touched by the writer thread between `start()` and the end of `stop()` (which
    // waits for the thread to exit), and afterwards only by the thread that called `stop()`.

    private let condition = NSCondition()
    private var queue: [RunOperation] = []
    private var tape = LogTape()
    /// Called on the writer thread with each committed row (the group link); set under `condition`.
    private var rowObserver: (@Sendable (Int64, [String: JSONValue]) -> Void)?
    /// A processed tape kept for reuse, so a busy run does not fault in fresh pages for every batch.
    private var spareTape: LogTape?
    private var stopping = false
    private var wakeRequested = false
    private var warnedAboutBackpressure = false
    private let capacity: Int
    private let wakeThreshold: Int
    private let flushInterval: Duration
    private let exited = DispatchSemaphore(value: 0)
    private var started = false

    private var engine: RunEngine
    private var buffer = JournalBuffer()
    private let file: JournalFile?
    private let sideFiles: RunSideFiles?
    private var pendingError: CohortError?
    private let clock: RunClock
    private var lastSummaryWrite: ContinuousClock.Instant
    private let logger: Logger

    /// - Parameters:
    ///   - file: the journal, or `nil` for a disabled run (operations are applied, nothing is kept).
    ///   - sideFiles: where `wandb-summary.json` and `config.yaml` go, or `nil`.
    init(
        file: JournalFile?, sideFiles: RunSideFiles?, engine: RunEngine, clock: RunClock,
        flushInterval: Duration, capacity: Int, logger: Logger
    ) {
        self.file = file
        self.sideFiles = sideFiles
        self.engine = engine
        self.clock = clock
        self.flushInterval = flushInterval
        self.capacity = max(capacity, 4096)
        self.wakeThreshold = max(min(capacity / 4, 1 << 20), 1024)
        self.logger = logger
        self.lastSummaryWrite = .now
        queue.reserveCapacity(1024)
    }

    /// Starts the writer thread.
    func start() {
        condition.lock()
        started = true
        condition.unlock()
        let thread = Thread { [self] in
            self.runLoop()
            self.exited.signal()
        }
        thread.name = "cohort-journal"
        thread.start()
    }

    /// Queues an operation. Returns `false` when the writer has stopped (the operation is dropped).
    /// Waits only when the queue is full.
    @discardableResult
    func enqueue(_ operation: RunOperation, urgent: Bool = false) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard waitForSpace() else { return false }
        queue.append(operation)
        wakeIfNeeded(urgent: urgent)
        return true
    }

    /// What `enqueueLog` did with a call.
    enum LogEnqueue {
        case queued
        /// The writer has stopped; nothing was queued.
        case stopped
        /// The items hold media and `refusingMedia` was set; nothing was queued.
        case holdsMedia
    }

    /// Copies a `log` call's items into the tape and queues the call. Waits only when the queue is
    /// full. With `refusingMedia`, items that hold media are not queued (`.holdsMedia`): finding
    /// them costs nothing extra, as the media values say so while they are copied.
    @discardableResult
    func enqueueLog(
        _ items: [String: any Loggable], step: Int64, commitBefore: Bool, commitAfter: Bool, timestamp: Double,
        runtime: Double, refusingMedia: Bool = false
    ) -> LogEnqueue {
        condition.lock()
        defer { condition.unlock() }
        guard waitForSpace() else { return .stopped }
        let offset = tape.count
        tape.beginCall(refusingMedia: refusingMedia)
        tape.writeRow(items)
        if refusingMedia && tape.sawMedia {
            tape.truncate(to: offset)
            return .holdsMedia
        }
        queue.append(.log(LogCall(
            tapeOffset: offset, step: step, commitBefore: commitBefore, commitAfter: commitAfter,
            timestamp: timestamp, runtime: runtime)))
        wakeIfNeeded(urgent: false)
        return .queued
    }

    /// Bytes held by queued operations and their tape. Call with `condition` locked.
    private var queuedBytes: Int { tape.count + queue.count * MemoryLayout<RunOperation>.stride }

    /// Waits while the queue is full. Call with `condition` locked; `false` once the writer stopped.
    private func waitForSpace() -> Bool {
        while queuedBytes >= capacity && !stopping {
            if !warnedAboutBackpressure {
                warnedAboutBackpressure = true
                logger.warning("journal writer is behind; log() waits for the disk", metadata: ["queue.bytes": "\(capacity)"])
            }
            wakeRequested = true
            condition.broadcast()
            condition.wait()
        }
        return !stopping
    }

    private func wakeIfNeeded(urgent: Bool) {
        if urgent || queuedBytes >= wakeThreshold {
            wakeRequested = true
            condition.broadcast()
        }
    }

    /// Sets the function that receives every committed row from now on, on the writer thread.
    func setRowObserver(_ observer: @escaping @Sendable (Int64, [String: JSONValue]) -> Void) {
        condition.lock()
        rowObserver = observer
        condition.unlock()
    }

    /// Queues a barrier and waits for it on the calling thread.
    func barrierBlocking(sync: Bool) -> CohortError? {
        let done = DispatchSemaphore(value: 0)
        let result = ErrorBox()
        let queued = enqueue(.barrier(sync: sync) { error in
            result.set(error)
            done.signal()
        }, urgent: true)
        guard queued else { return nil }
        done.wait()
        return result.value
    }

    /// Queues a barrier and waits for it without blocking a task's thread.
    func barrier(sync: Bool) async -> CohortError? {
        await withCheckedContinuation { continuation in
            let queued = enqueue(.barrier(sync: sync) { error in
                continuation.resume(returning: error as? CohortError)
            }, urgent: true)
            if !queued { continuation.resume(returning: nil) }
        }
    }

    /// Reads the engine's state after every operation queued so far (blocks the caller briefly).
    func inspect() -> RunEngineView? {
        let done = DispatchSemaphore(value: 0)
        let box = ViewBox()
        guard enqueue(.inspect({ view in box.set(view); done.signal() }), urgent: true) else { return nil }
        done.wait()
        return box.value
    }

    /// Applies everything queued, writes it with an fsync, stops the thread and closes the journal.
    func stop() {
        condition.lock()
        let wasStarted = started
        stopping = true
        wakeRequested = true
        condition.broadcast()
        condition.unlock()
        if wasStarted { exited.wait() }
        file?.close()
    }

    /// The engine after `stop()`, for reads of the final state.
    var finalView: RunEngineView { engine.view }

    // MARK: - The writer thread

    private func runLoop() {
        while true {
            condition.lock()
            if queue.isEmpty && !stopping && !wakeRequested {
                _ = condition.wait(until: Date(timeIntervalSinceNow: flushInterval.seconds))
            }
            wakeRequested = false
            let batch = queue
            let batchTape = tape
            queue = []
            queue.reserveCapacity(min(max(batch.count, 1024), 1 << 16))
            tape = spareTape ?? LogTape()
            spareTape = nil
            let finished = stopping
            let observer = rowObserver
            condition.broadcast()  // producers waiting for space
            condition.unlock()
            engine.collectsRows = observer != nil

            process(batch, tape: batchTape)
            recycle(batchTape)
            if let observer {
                for (step, row) in engine.takeCommittedRows() { observer(step, row) }
            }
            if finished {
                writeSideFiles(force: true)
                writeBuffer()
                if let error = syncFile() { pendingError = error }
                return
            }
        }
    }

    /// Keeps a processed tape of moderate size for the next batch.
    private func recycle(_ used: LogTape) {
        guard used.capacity <= 16 << 20 else { return }
        var used = used
        used.reset()
        condition.lock()
        if spareTape == nil { spareTape = used }
        condition.unlock()
    }

    private func process(_ batch: [RunOperation], tape batchTape: LogTape) {
        for operation in batch {
            switch operation {
            case .barrier(let sync, let completion):
                // Everything before the barrier must be on disk before it completes.
                writeBuffer()
                writeSideFiles(force: true)
                if sync, let error = syncFile() { pendingError = error }
                let error = pendingError
                pendingError = nil
                completion(error)
            case .inspect(let body):
                body(engine.view)
            case .record(.finish, _):
                // The final summary snapshot precedes the finish record, so readers see it as final.
                writeSideFiles(force: true)
                engine.apply(operation, journal: &buffer)
            default:
                engine.apply(operation, tape: batchTape, journal: &buffer)
                // Hand large batches to the file as they grow, so a backlog never doubles in memory.
                if buffer.bytes.count >= 1 << 20 { writeBuffer() }
            }
        }
        writeBuffer()
        writeSideFiles(force: false)
    }

    private func writeBuffer() {
        guard !buffer.isEmpty else { return }
        guard let file else {
            buffer.removeAll()
            return
        }
        let (written, error) = file.write(buffer.bytes)
        if let error {
            // Keep what did not reach the file; the next pass tries again from there.
            buffer.removeFirst(written)
            if pendingError == nil { logger.error("journal write failed", metadata: ["error": "\(error)"]) }
            pendingError = error
        } else {
            buffer.removeAll()
        }
    }

    private func writeSideFiles(force: Bool) {
        guard let sideFiles else { return }
        if engine.configChanged {
            var config = engine.config
            var internalKeys = config["_wandb"]?.objectValue ?? [:]
            if !engine.metrics.isEmpty { internalKeys["m"] = engine.metrics.configEncoding }
            if !internalKeys.isEmpty { config["_wandb"] = .object(internalKeys) }
            sideFiles.writeConfig(config, logger: logger)
            engine.markConfigWritten()
        }
        let now = ContinuousClock.now
        if engine.summaryChanged && (force || now - lastSummaryWrite >= .seconds(1)) {
            var summary = engine.summary.visible
            let runtime = clock.runtime()
            var internalKeys = summary["_wandb"]?.objectValue ?? [:]
            internalKeys["runtime"] = .int(Int64(runtime))
            summary["_wandb"] = .object(internalKeys)
            buffer.append(.summary, ["summary": .object(summary)])
            sideFiles.writeSummary(summary, logger: logger)
            engine.markSummaryWritten()
            lastSummaryWrite = now
            writeBuffer()
        }
    }

    private func syncFile() -> CohortError? {
        do { try file?.sync() } catch { return error }
        return nil
    }
}

/// A value written once by the writer thread and read after a semaphore wait.
private final class ErrorBox: @unchecked Sendable {
    // SAFETY: `set` happens before the semaphore signal that the reader waits for.
    private(set) var value: CohortError?
    func set(_ error: (any Error)?) { value = error as? CohortError }
}

private final class ViewBox: @unchecked Sendable {
    // SAFETY: `set` happens before the semaphore signal that the reader waits for.
    private(set) var value: RunEngineView?
    func set(_ view: RunEngineView) { value = view }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
