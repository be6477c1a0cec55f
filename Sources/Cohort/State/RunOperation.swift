import CohortModel

/// One unit of work handed from a `Run` method to the journal writer's thread, in call order.
enum RunOperation: Sendable {
    /// Merge `items` into the pending row `step`, committing before and after as decided by the
    /// `StepStateMachine`. `timestamp` and `runtime` are taken when `log` was called.
    case log(LogCall)
    /// Commit the pending row, if any (at finish).
    case commitPendingRow
    /// `summary[path] = value`.
    case summaryWrite(path: [String], value: JSONValue)
    /// `summary.remove(path)`.
    case summaryRemove(path: [String])
    /// `defineMetric(...)`.
    case defineMetric(MetricDefinition, overwrite: Bool)
    /// The whole config after a change.
    case config([String: JSONValue])
    /// Any other journal record, written as it is.
    case record(JournalRecordKind, [String: JSONValue])
    /// Write everything before this point (and fsync when `sync`), write the side files, then call
    /// `completion` with the first write error since the last barrier, if any.
    case barrier(sync: Bool, completion: @Sendable ((any Error)?) -> Void)
    /// Run `body` on the writer's thread with the engine's state as it is after every earlier operation.
    case inspect(@Sendable (RunEngineView) -> Void)
}

/// The arguments of one `log` call. The logged items wait in the writer's `LogTape` at `tapeOffset`.
struct LogCall: Sendable {
    var tapeOffset: Int
    var step: Int64
    var commitBefore: Bool
    var commitAfter: Bool
    var timestamp: Double
    var runtime: Double
}

/// What an `inspect` operation can read.
struct RunEngineView: Sendable {
    /// The visible summary.
    var summary: [String: JSONValue]
}
