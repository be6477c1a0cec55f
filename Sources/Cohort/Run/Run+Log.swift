import CohortModel
import Synchronization
import Logging

extension Run {
    /// Logs a row of metrics, with W&B's step and commit rules.
    ///
    /// Without `step`, each call commits a row and advances the step by one. With `step`, values
    /// merge into row `step` until a larger step (or `commit: true`) commits it; a `step` below the
    /// current one drops the call with a warning. `commit: false` merges into the pending row.
    /// `log` only queues the data: it never waits for the disk.
    ///
    /// ```swift
    /// try run.log(["loss": loss, "acc": acc])                 // row 0, then step 1
    /// try run.log(["lr": lr], commit: false)                  // pending row 1
    /// try run.log(["loss": loss])                             // row 1 holds lr and loss
    /// try run.log(["val/loss": valLoss], step: 10)            // pending row 10
    /// ```
    /// - Parameters:
    ///   - data: metric names and values; nested dictionaries stay nested (shown as `outer.inner`) and
    ///     merge leaf by leaf into a pending row; an empty dictionary adds nothing.
    ///   - step: the row to log into; must not be below `run.step`.
    ///   - commit: whether to commit the row after this call (default: commit unless `step` is given).
    ///   Media values (`Image`, `Audio`, `Video`, `Object3D`, `Table`, `Html`, and lists of them) are encoded and written under
    ///   `files/media/` before the row is queued.
    /// - Throws: `CohortError` `.runFinished` after `finish`; `.invalidArgument` for media that cannot
    ///   be logged (a wrong shape, an empty buffer, a non-finite pixel, an oversized table), naming the
    ///   key; `.storage` when a media file cannot be written. A call that throws logs nothing.
    public func log(_ data: [String: any Loggable], step: Int? = nil, commit: Bool? = nil) throws(CohortError) {
        let timestamp = RunClock.timestamp()
        let runtime = clock.runtime()
        // Media are found while the row is copied (a row of plain values is not scanned first);
        // a row that holds them is left unqueued, its step undecided, and goes to `logMedia`.
        // (Without a files directory, in disabled mode, media are queued as their JSON.)
        let refusingMedia = files != nil
        var holdsMedia = false
        // The decision and the enqueue happen under the run's lock, so a concurrent finish() either
        // sees this row queued before its own records or makes this call throw.
        let dropped: (requested: Int64, current: Int64)? = try state.withLock { (state) throws(CohortError) in
            guard !state.finished else { throw .runFinished("log") }
            var steps = state.steps
            switch steps.log(step: step.map(Int64.init), commit: commit) {
            case .drop(let requested, let current):
                state.steps = steps
                return (requested, current)
            case .merge(let rowStep, let commitBefore, let commitAfter):
                let result = writer.enqueueLog(
                    data, step: rowStep, commitBefore: commitBefore, commitAfter: commitAfter,
                    timestamp: timestamp, runtime: runtime, refusingMedia: refusingMedia)
                if result == .holdsMedia {
                    holdsMedia = true
                } else {
                    state.steps = steps
                }
                return nil
            }
        }
        if holdsMedia { return try logMedia(data, step: step, commit: commit) }
        if let dropped { warnDropped(dropped) }
    }

    /// Says that a `log` call was dropped because its step was behind the run's (W&B's rule).
    func warnDropped(_ dropped: (requested: Int64, current: Int64)) {
        logger.warning(
            "log dropped: step is less than the current step; use a step of at least the current step, or none",
            metadata: ["run.id": "\(id)", "log.step": "\(dropped.requested)", "run.step": "\(dropped.current)"])
    }

    /// Defines how a metric is summarised and plotted, as W&B's `define_metric`.
    ///
    /// ```swift
    /// try run.defineMetric("val/acc", summary: [.max, .last])
    /// try run.defineMetric("val/*", stepMetric: "epoch")
    /// ```
    /// - Parameters:
    ///   - name: the metric; dots address nested keys (`eval.f1`; `a\.b` is the key `a.b`); a trailing
    ///     `*` defines every metric with that prefix.
    ///   - stepMetric: the metric to use as this metric's x-axis.
    ///   - stepSync: add the step metric's last value to rows that lack it (default: on with `stepMetric`).
    ///   - hidden: hide the metric from default charts.
    ///   - summary: what the summary shows: aggregates over every logged value, or `.none` (which wins
    ///     when combined with aggregates, as in W&B).
    ///   - goal: which direction is better.
    ///   - overwrite: replace an earlier definition instead of merging with it.
    /// - Throws: `CohortError` `.invalidArgument` for an empty name or a `*` that is not at the end.
    public func defineMetric(
        _ name: String, stepMetric: String? = nil, stepSync: Bool? = nil, hidden: Bool = false,
        summary: Set<MetricSummary> = [], goal: MetricGoal? = nil, overwrite: Bool = false
    ) throws(CohortError) {
        guard !name.isEmpty else { throw .invalid("defineMetric needs a non-empty metric name") }
        guard !name.dropLast().contains("*") else {
            throw .invalid("the metric name \"\(name)\" has a \"*\" that is not at its end; only a trailing * (a glob) is allowed")
        }
        if let stepMetric {
            guard !stepMetric.isEmpty, !stepMetric.contains("*") else {
                throw .invalid("the step metric \"\(stepMetric)\" must be a non-empty name without \"*\"")
            }
        }
        let definition = MetricDefinition(
            name: name, stepMetric: stepMetric, stepSync: stepSync ?? (stepMetric != nil), hidden: hidden,
            summary: summary, goal: goal)
        try enqueueWhileLive("defineMetric", .defineMetric(definition, overwrite: overwrite))
    }

    /// Tells the journal (and, online, the server) that the run may be preempted soon, so missing
    /// heartbeats are not reported as a crash.
    public func markPreempting() throws(CohortError) {
        try enqueueWhileLive("markPreempting", .record(.preempting, ["time": .double(RunClock.timestamp())]), urgent: true)
    }

    /// Writes everything logged so far to the journal and forces it to the disk (fsync).
    ///
    /// After `flush()` returns, a crash of the process, or of the machine, loses nothing logged before.
    /// - Throws: `CohortError` `.storage` when the journal cannot be written.
    public func flush() async throws(CohortError) {
        guard !isFinished else { return }
        if let error = await writer.barrier(sync: true) { throw error }
    }

    func ensureLive(_ operation: String) throws(CohortError) {
        if isFinished { throw .runFinished(operation) }
    }

    /// Queues `operation` unless the run has finished, under the run's lock so that it can never land
    /// after the records `finish()` writes.
    func enqueueWhileLive(_ name: String, _ operation: RunOperation, urgent: Bool = false) throws(CohortError) {
        try state.withLock { (state) throws(CohortError) in
            guard !state.finished else { throw .runFinished(name) }
            writer.enqueue(operation, urgent: urgent)
        }
    }
}
