import Cohort
import Foundation

/// One rank of a launched group (`cohort launch -n N -- CohortBench rank --dir DIR …`): the cost of
/// `log()` with the group link on or off (`COHORT_GROUP_LINK=false`), and how fast rank 0's leader
/// aligns the group's steps when the ranks are separate processes.
///
/// Every rank starts an offline run from `Settings.fromEnvironment()` (so it joins the launcher's
/// group and, unless turned off, links to the leader on rank 0), logs and flushes `--warmup` untimed
/// rows of 3 scalars, then waits at a file barrier in DIR until every rank is ready, so all ranks log
/// at the same time whether the link is on or off. It then logs `--steps` rows of 3 scalars as fast
/// as it can, reading the monotonic clock after every call (as `log` does), writes its figures to
/// `DIR/rank-<N>.json` and finishes its run. Rank 0 (whose `finish` waits for the group when the link
/// is on) then waits for every rank's file, reads the aggregate run's journal, and prints one JSON
/// object: each rank's ns per `log()` (wall time of the loop, the logging thread's CPU time, and the
/// part of the wall time spent in calls over 20 µs, i.e. preempted), and the aggregate run's rows, how many ranks each row holds,
/// and its aligned steps per second (timed steps ÷ the time from the barrier until the aggregate row
/// of the last step was logged). The other ranks print nothing.
enum RankBenchmark {
    static func run(_ options: BenchOptions) async throws -> JSONValue? {
        let environment = ProcessInfo.processInfo.environment
        let rank = environment["RANK"].flatMap(Int.init) ?? 0
        let worldSize = environment["WORLD_SIZE"].flatMap(Int.init) ?? 1
        var settings = Settings.fromEnvironment()
        settings.captureConsole = false
        settings.handleSignals = false
        settings.finishAtExit = false
        let linkOn = settings.groupLink
        try FileManager.default.createDirectory(atPath: options.directory, withIntermediateDirectories: true)

        let pool = Workload.scalars3.makePool()
        let started = Monotonic.nanoseconds()
        let run = try await Run.start(project: "cohort-bench", config: BenchRun.config, mode: .offline, dir: options.directory, settings: settings)
        let startSeconds = Monotonic.seconds(since: started)
        try BenchRun.logUntimed(run, pool: pool, count: options.warmupRows)
        try await run.flush()

        try barrier(in: options.directory, rank: rank, worldSize: worldSize)
        let steps = options.rankSteps
        var latencies = [UInt64](repeating: 0, count: steps)
        let wallStart = Date().timeIntervalSince1970
        let cpuStart = threadCPUNanoseconds()
        let loopStart = Monotonic.nanoseconds()
        var previous = loopStart
        for index in 0..<steps {
            try run.log(pool[index % pool.count])
            let now = Monotonic.nanoseconds()
            latencies[index] = now - previous
            previous = now
        }
        let loopNanoseconds = previous - loopStart
        // The loop never suspends (log() is synchronous), so it runs on one thread throughout: its
        // CPU time is what the calls cost, without the time the thread was preempted.
        let cpuNanoseconds = threadCPUNanoseconds() - cpuStart
        // Calls longer than 20 µs are the thread losing the CPU (or waiting), not log()'s own work.
        let stalls = latencies.filter { $0 > 20_000 }
        try await run.flush()
        let flushedSeconds = Monotonic.seconds(since: loopStart)
        let latency = LatencySummary(nanoseconds: latencies)

        let figures: [String: Any] = [
            "rank": rank, "steps": steps, "warmup": options.warmupRows,
            "ns_per_log": Double(loopNanoseconds) / Double(steps),
            "cpu_ns_per_log": Double(cpuNanoseconds) / Double(steps),
            "stalls_over_20us": stalls.count, "stall_ns_per_log": Double(stalls.reduce(0, +)) / Double(steps),
            "p50_us": latency.p50Microseconds, "p99_us": latency.p99Microseconds, "max_us": latency.maxMicroseconds,
            "loop_s": Double(loopNanoseconds) / 1e9, "flushed_s": flushedSeconds, "start_s": startSeconds,
            "wall_start": wallStart, "group": run.group,
        ]
        let data = try JSONSerialization.data(withJSONObject: figures)
        let file = options.directory + "/rank-\(rank).json"
        try data.write(to: URL(fileURLWithPath: file + ".tmp"))
        try FileManager.default.moveItem(atPath: file + ".tmp", toPath: file)

        let finishStart = Monotonic.nanoseconds()
        await run.finish()
        let finishSeconds = Monotonic.seconds(since: finishStart)
        guard rank == 0 else { return nil }
        let ranks = try await collect(in: options.directory, worldSize: worldSize)
        return summarize(
            ranks: ranks, linkOn: linkOn, worldSize: worldSize, steps: steps, warmup: options.warmupRows,
            directory: options.directory, finishSeconds: finishSeconds)
    }

    /// CPU time of the calling thread, in nanoseconds.
    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Marks this rank ready and waits (up to 5 minutes) until every rank is.
    static func barrier(in directory: String, rank: Int, worldSize: Int) throws {
        guard FileManager.default.createFile(atPath: directory + "/ready-\(rank)", contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory + "/ready-\(rank)"])
        }
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            let ready = (0..<worldSize).allSatisfy { FileManager.default.fileExists(atPath: directory + "/ready-\($0)") }
            if ready { return }
            usleep(500)
        }
        throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "barrier: not every rank became ready"])
    }

    /// Every rank's figures, waiting (up to 5 minutes) until each has written them.
    static func collect(in directory: String, worldSize: Int) async throws -> [[String: Any]] {
        let deadline = Date().addingTimeInterval(300)
        var result: [[String: Any]] = []
        for rank in 0..<worldSize {
            let path = directory + "/rank-\(rank).json"
            while !FileManager.default.fileExists(atPath: path) {
                guard Date() < deadline else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
                try await Task.sleep(for: .milliseconds(5))
            }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            result.append((try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
        }
        return result
    }

    /// Rank 0's report: each rank's figures and the aggregate run's.
    static func summarize(
        ranks: [[String: Any]], linkOn: Bool, worldSize: Int, steps: Int, warmup: Int, directory: String,
        finishSeconds: Double
    ) -> JSONValue {
        func number(_ rank: [String: Any], _ key: String) -> Double { (rank[key] as? NSNumber)?.doubleValue ?? 0 }
        let perLog = ranks.map { number($0, "ns_per_log") }
        var object: [String: JSONValue] = [
            "link": .bool(linkOn), "world_size": .int(Int64(worldSize)), "steps": .int(Int64(steps)),
            "warmup": .int(Int64(warmup)), "shape": "scalars3",
            "ns_per_log_each": .array(perLog.map { .double($0) }),
            "ns_per_log_mean": .double(perLog.reduce(0, +) / Double(max(perLog.count, 1))),
            "ns_per_log_max": .double(perLog.max() ?? 0),
            "cpu_ns_per_log_each": .array(ranks.map { .double(number($0, "cpu_ns_per_log")) }),
            "stall_ns_per_log_each": .array(ranks.map { .double(number($0, "stall_ns_per_log")) }),
            "stalls_over_20us_each": .array(ranks.map { .double(number($0, "stalls_over_20us")) }),
            "p50_us_each": .array(ranks.map { .double(number($0, "p50_us")) }),
            "p99_us_each": .array(ranks.map { .double(number($0, "p99_us")) }),
            "rank0_finish_s": .double(finishSeconds),
            "group": .string((ranks.first?["group"] as? String) ?? ""),
        ]
        let wallStart = ranks.map { number($0, "wall_start") }
        let aggregate = LocalRun.list(under: directory).first { $0.jobType == "group" }
        guard let aggregate else {
            object["aggregate_rows"] = 0
            return .object(object)
        }
        let rows = (try? RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows) ?? []
        object["aggregate_rows"] = .int(Int64(rows.count))
        object["aggregate_rows_expected"] = .int(Int64(warmup + steps))
        let reported = rows.compactMap { $0["ranks/reported"]?.number }
        object["aggregate_rows_all_ranks"] = .int(Int64(reported.filter { Int($0) == worldSize }.count))
        // Rank-step reports that made it into an aggregate row (late ones, for a step the leader had
        // already closed, are not counted).
        let aggregated = reported.reduce(0, +)
        object["reports_aggregated"] = .int(Int64(aggregated))
        object["reports_sent"] = .int(Int64(worldSize * (warmup + steps)))
        object["aggregate_group_state"] = aggregate.summary["group_state"] ?? .null
        var dropped: Int64 = 0
        if let perRank = aggregate.summary["ranks"]?.objectValue {
            for (_, facts) in perRank { dropped += facts["dropped_reports"]?.intValue ?? 0 }
        }
        object["dropped_reports"] = .int(dropped)
        // Aligned steps per second: the timed steps, from the barrier (the earliest rank's first timed
        // log) until the aggregate row of the last timed step was logged.
        let lastStep = Double(warmup + steps - 1)
        if let last = rows.first(where: { $0["_step"]?.number == lastStep })?["_timestamp"]?.number,
            let begin = wallStart.min()
        {
            let seconds = last - begin
            object["aligned_s"] = .double(seconds)
            object["aligned_steps_per_s"] = .double(Double(steps) / seconds)
            object["rank_step_reports_per_s"] = .double(Double(steps * worldSize) / seconds)
            let timedAggregated = rows.filter { ($0["_step"]?.number ?? -1) >= Double(warmup) }
                .compactMap { $0["ranks/reported"]?.number }.reduce(0, +)
            object["reports_aggregated_per_s"] = .double(timedAggregated / seconds)
            object["ranks_logging_s_max"] = .double(ranks.map { number($0, "loop_s") }.max() ?? 0)
        }
        return .object(object)
    }
}
