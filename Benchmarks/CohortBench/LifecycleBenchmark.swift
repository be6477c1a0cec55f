import Cohort

/// A whole run as a training program sees it, in a process of its own so memory figures are clean:
/// read RSS, start a run, log `rows` rows (3-key rows unless `--shape` says otherwise), `finish()`,
/// read peak RSS.
///
/// Reports the time of `finish()` (which writes what is still queued, the final summary, and
/// fsyncs), rows persisted per second from the first `log()` until `finish()` returned (the same
/// end point as for wandb), and the peak RSS (`VmHWM`) minus the RSS (`VmRSS`) before `Run.start`.
/// Each row is a new dictionary, as in a training loop, so rows still queued for the journal writer
/// count towards the peak.
enum LifecycleBenchmark {
    /// Runs the benchmark and returns the JSON report.
    static func run(_ options: BenchOptions) async throws -> JSONValue {
        let rows = options.lifecycleRows
        let shape = options.lifecycleShape
        var settings = BenchRun.settings
        if let limit = options.maximumQueuedBytes { settings.maximumQueuedBytes = limit }
        let before = ProcessMemory.current()

        let run = try await BenchRun.start(in: options.directory + "/lifecycle", settings: settings)
        let logStart = Monotonic.nanoseconds()
        for index in 0..<rows { try run.log(shape.makeRow(index)) }
        let logEnd = Monotonic.nanoseconds()
        await run.finish()
        let finishSeconds = Monotonic.seconds(since: logEnd)
        let after = ProcessMemory.current()

        let logSeconds = Double(logEnd - logStart) / 1e9
        return .object([
            "lifecycle": .object([
                "rows": .int(Int64(rows)),
                "shape": .string(shape.rawValue),
                "max_queued_bytes": .int(Int64(settings.maximumQueuedBytes)),
                "log_seconds": .double(logSeconds),
                "finish_ms": .double(finishSeconds * 1e3),
                "persisted_rows_per_s": .double(Double(rows) / (logSeconds + finishSeconds)),
                "rss_before_mb": .double(before.residentBytes.mebibytes),
                "peak_rss_mb": .double(after.peakResidentBytes.mebibytes),
                "rss_after_mb": .double(after.residentBytes.mebibytes),
                "added_mb": .double((after.peakResidentBytes - before.residentBytes).mebibytes),
                "journal_bytes": .int(Int64(BenchRun.journalBytes(run))),
                "journal_rows": .int(Int64(try BenchRun.journalRowCount(run))),
            ])
        ])
    }
}
