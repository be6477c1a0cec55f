import Cohort

/// `log()` throughput and per-call latency for each workload, and rows persisted per second.
///
/// For each workload, `repetitions` times: start a run, log and flush `warmupRows` untimed rows,
/// then log `rows` rows, reading the monotonic clock after every call (one read per call, so a
/// call's latency includes the loop's few instructions), then `flush()` (write and fsync).
/// Throughput is rows divided by the wall time of the loop; "persisted" is rows divided by the time
/// from the first timed `log()` until `flush()` returns. The run is then finished (untimed) and its
/// journal read back to check that every row is there. Each figure reported is the median over the
/// repetitions.
enum LogBenchmark {
    /// One repetition of one workload.
    struct Result: Sendable {
        var rows: Int
        var loopSeconds: Double
        var latency: LatencySummary
        var flushSeconds: Double
        var journalRows: Int
        var expectedJournalRows: Int

        /// Rows per second of the timed `log()` loop.
        var rowsPerSecond: Double { Double(rows) / loopSeconds }
        /// Rows per second from the first timed `log()` until `flush()` returned.
        var persistedRowsPerSecond: Double { Double(rows) / (loopSeconds + flushSeconds) }
    }

    /// Runs every workload in `options` in turn, each repetition in its own run; returns the report.
    static func run(_ options: BenchOptions) async throws -> JSONValue {
        var workloads: [String: JSONValue] = [:]
        for workload in Workload.allCases {
            var results: [Result] = []
            for repetition in 0..<options.repetitions {
                results.append(try await measure(
                    workload, rows: options.rowsPerWorkload[workload] ?? 0, warmup: options.warmupRows,
                    directory: options.directory + "/log-\(workload.rawValue)-\(repetition)"))
            }
            workloads[workload.rawValue] = summarize(results)
        }
        // The persistence figure is the 3-key workload's log → flush rate.
        let scalars = workloads[Workload.scalars3.rawValue]
        return .object([
            "log": .object(workloads),
            "persist": .object([
                "rows": scalars?["rows"] ?? .null,
                "rows_per_s": scalars?["persisted_rows_per_s"] ?? .null,
                "until": "flush() returned (write + fsync)",
            ]),
        ])
    }

    /// The medians over `results` (the repetitions of one workload), and each repetition's rate.
    static func summarize(_ results: [Result]) -> JSONValue {
        func middle(_ figure: (Result) -> Double) -> JSONValue { .double(median(results.map(figure))) }
        let complete = results.allSatisfy { $0.journalRows == $0.expectedJournalRows }
        return .object([
            "rows": .int(Int64(results.first?.rows ?? 0)),
            "repetitions": .int(Int64(results.count)),
            "rows_per_s": middle(\.rowsPerSecond),
            "rows_per_s_each": .array(results.map { .double($0.rowsPerSecond) }),
            "p50_us": middle(\.latency.p50Microseconds),
            "p99_us": middle(\.latency.p99Microseconds),
            "max_us": middle(\.latency.maxMicroseconds),
            "mean_us": middle(\.latency.meanMicroseconds),
            "flush_ms": middle { $0.flushSeconds * 1e3 },
            "persisted_rows_per_s": middle(\.persistedRowsPerSecond),
            "journal_rows": .int(Int64(results.last?.journalRows ?? 0)),
            "journal_rows_expected": .int(Int64(results.last?.expectedJournalRows ?? 0)),
            "journal_complete": .bool(complete),
        ])
    }

    /// Measures one repetition of `workload` in a fresh run under `directory`.
    static func measure(_ workload: Workload, rows: Int, warmup: Int, directory: String) async throws -> Result {
        let pool = workload.makePool()
        let run = try await BenchRun.start(in: directory)
        try BenchRun.logUntimed(run, pool: pool, count: warmup)
        try await run.flush()

        var latencies = [UInt64](repeating: 0, count: rows)
        let start = Monotonic.nanoseconds()
        var previous = start
        for index in 0..<rows {
            try run.log(pool[index % pool.count])
            let now = Monotonic.nanoseconds()
            latencies[index] = now - previous
            previous = now
        }
        let loopEnd = previous
        try await run.flush()
        let flushSeconds = Monotonic.seconds(since: loopEnd)
        await run.finish()

        return Result(
            rows: rows, loopSeconds: Double(loopEnd - start) / 1e9,
            latency: LatencySummary(nanoseconds: latencies), flushSeconds: flushSeconds,
            journalRows: try BenchRun.journalRowCount(run), expectedJournalRows: warmup + rows)
    }
}
