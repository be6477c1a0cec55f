import Cohort
import Foundation

/// Online streaming: rows of 3 scalars logged to a W&B-compatible server and acknowledged.
///
/// Starts an online run against `COHORT_BASE_URL` with `COHORT_API_KEY` (untimed), logs `--rows`
/// rows as fast as it can, then `finish()`; the figure is rows divided by the time from the first
/// `log()` until `finish()` returned, which is when the server has acknowledged every row.
/// `Benchmarks/online/online_bench.py` times the official client the same way.
enum OnlineBenchmark {
    static func run(_ options: BenchOptions) async throws -> JSONValue {
        let settings = BenchRun.onlineSettings(directory: options.directory, finishTimeout: .seconds(600))
        let run = try await Run.start(project: "online-bench", settings: settings)
        let rows = options.lifecycleRows
        let clock = ContinuousClock()
        let started = clock.now
        for step in 0..<rows {
            try run.log(["loss": 1.0 / Double(step + 1), "acc": Double(step % 1000) / 1000, "lr": 0.001 * pow(0.999, Double(step % 5000))])
        }
        let logged = clock.now
        await run.finish()
        let finished = clock.now
        let total = seconds(finished - started)
        return .object([
            "online": .object([
                "rows": .int(Int64(rows)), "seconds": .double(total), "rows_per_s": .double(Double(rows) / total),
                "log_seconds": .double(seconds(logged - started)), "url": run.url.map(JSONValue.string) ?? .null,
            ]),
        ])
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
