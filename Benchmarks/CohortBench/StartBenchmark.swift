import Cohort

/// Time of `Run.start`: `count` starts in fresh directories in this process.
///
/// The first start in a process pays one-time costs (loading code, the first thread); the others are
/// "warm". Only `Run.start` is timed; each run is finished (untimed) before the next starts. Run the
/// benchmark in several processes to get a median of first starts.
enum StartBenchmark {
    /// Runs the benchmark and returns the JSON report.
    static func run(_ options: BenchOptions) async throws -> JSONValue {
        var milliseconds: [Double] = []
        for index in 0..<options.startCount {
            let directory = options.directory + "/start-\(index)"
            let begin = Monotonic.nanoseconds()
            let run = try await BenchRun.start(in: directory)
            milliseconds.append(Monotonic.seconds(since: begin) * 1e3)
            await run.finish()
        }
        let warm = Array(milliseconds.dropFirst())
        return .object([
            "start": .object([
                "first_ms": .double(milliseconds.first ?? 0),
                "warm_ms": .array(warm.map(JSONValue.double)),
                "warm_median_ms": .double(median(warm)),
            ])
        ])
    }
}
