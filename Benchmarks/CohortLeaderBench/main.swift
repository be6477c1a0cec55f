// CohortLeaderBench: how many rank-step reports per second one group leader aligns and aggregates.
//
//   swift build -c release --product CohortLeaderBench --scratch-path .build-bench
//   .build-bench/release/CohortLeaderBench [--ranks 8,64,256] [--steps 1000] [--metrics 3]
//
// For each rank count, a leader listens on 127.0.0.1 (port 0) and that many in-process workers
// connect over TCP; each worker reports `steps` steps of `metrics` scalars as fast as it can. The
// figure is ranks × steps divided by the time from the first report until the leader has closed
// every step. Prints one JSON object on stdout and a markdown table on stderr.
import CohortCoordinator
import CohortModel
import Foundation

struct Options {
    var ranks = [8, 64, 256]
    var steps = 1000
    var metrics = 3

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--ranks": options.ranks = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--steps": options.steps = iterator.next().flatMap(Int.init) ?? options.steps
            case "--metrics": options.metrics = iterator.next().flatMap(Int.init) ?? options.metrics
            default: break
            }
        }
        return options
    }
}

/// One measurement: `ranks` workers × `steps` steps.
func measure(ranks: Int, steps: Int, metrics: Int) async throws -> [String: JSONValue] {
    var machine = LeaderStateMachine.Configuration(worldSize: ranks, groupToken: "bench", groupName: "bench", leaderRunID: "bench-agg")
    machine.alignmentWindow = .seconds(60)
    machine.maximumOpenSteps = max(1024, steps + 1)
    var configuration = CoordinatorLeader.Configuration(protocol: machine)
    configuration.host = "127.0.0.1"
    configuration.eventBufferCapacity = steps + 16
    let leader = try await CoordinatorLeader.start(configuration: configuration)
    let workers = (0..<ranks).map { rank in
        var workerProtocol = WorkerStateMachine.Configuration(hello: .init(
            rank: rank, worldSize: ranks, runID: "bench-r\(rank)", host: "localhost", pid: getpid(), groupToken: "bench",
            groupName: "bench"))
        workerProtocol.queueCapacity = steps + 16
        return CoordinatorWorker(configuration: .init(protocol: workerProtocol, host: "127.0.0.1", port: leader.port))
    }
    for worker in workers { worker.start() }
    // Wait until every worker has joined, so connection setup is not timed.
    for worker in workers {
        for await event in worker.events {
            if case .joined = event { break }
        }
    }
    let names = (0..<metrics).map { "metric\($0)" }
    let started = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for (rank, worker) in workers.enumerated() {
            group.addTask {
                for step in 0..<steps {
                    var values: [String: Double] = [:]
                    for (index, name) in names.enumerated() { values[name] = Double(step * 31 + rank * 7 + index) }
                    worker.report(step: Int64(step), metrics: values)
                }
            }
        }
    }
    var closed = 0
    for await event in leader.events {
        if case .aggregate = event { closed += 1 }
        if closed == steps { break }
    }
    let elapsed = (ContinuousClock.now - started)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    for worker in workers { _ = await worker.finish(exitCode: 0, finalStep: Int64(steps - 1), deadline: .seconds(10)) }
    await leader.shutdown()
    return [
        "ranks": .int(Int64(ranks)), "steps": .int(Int64(steps)), "metrics": .int(Int64(metrics)),
        "seconds": .double(seconds), "reports_per_s": .double(Double(ranks * steps) / seconds),
        "steps_per_s_per_rank": .double(Double(steps) / seconds),
    ]
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
var results: [JSONValue] = []
var table = "| ranks | steps × metrics | seconds | reports/s | steps/s per rank |\n|---:|---:|---:|---:|---:|\n"
for ranks in options.ranks {
    let result = try await measure(ranks: ranks, steps: options.steps, metrics: options.metrics)
    results.append(.object(result))
    table += String(
        format: "| %d | %d × %d | %.2f | %.0f | %.0f |\n", ranks, options.steps, options.metrics,
        result["seconds"]?.number ?? 0, result["reports_per_s"]?.number ?? 0, result["steps_per_s_per_rank"]?.number ?? 0)
}
print(JSONWriter.string(["leader": .array(results)]))
FileHandle.standardError.write(Data(table.utf8))
