// CohortLeaderBench: how many rank-step reports per second one group leader aligns and aggregates.
//
//   swift build -c release --product CohortLeaderBench --scratch-path .build-bench
//   .build-bench/release/CohortLeaderBench [--ranks 8,64,256] [--steps 1000] [--metrics 3]
//
// For each rank count, a leader listens on 127.0.0.1 (port 0) and that many workers connect over
// TCP; each worker reports `steps` steps of `metrics` scalars as fast as it can. Two figures:
//
// - in-process (`reports_per_s`): the workers run in the leader's process; ranks × steps divided by
//   the time from the first report until the leader has closed every step. Leader and senders share
//   the CPUs, so this is a floor.
// - split (`leader_cpu_us_per_report`, `leader_capacity_per_core`): the workers run in a child process
//   (`--send-to HOST:PORT`), and the leader process's own CPU time (user + system, getrusage) is
//   divided by the reports it aligned. 1e6 / that is how many reports per second one core of leader
//   work keeps up with, whatever else the machine is doing.
//
// Prints one JSON object on stdout and a markdown table on stderr.
import CohortCoordinator
import CohortModel
import Foundation

struct Options {
    var ranks = [8, 64, 256]
    var steps = 1000
    var metrics = 3
    /// Sender mode: connect `ranks` workers to this leader and report when told (see `runSenders`).
    var sendTo: (host: String, port: Int)?
    /// Also measure with the workers in a child process. Default on.
    var split = true
    /// Measure with the workers in this process. Default on.
    var inProcess = true

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--ranks": options.ranks = (iterator.next() ?? "").split(separator: ",").compactMap { Int($0) }
            case "--steps": options.steps = iterator.next().flatMap(Int.init) ?? options.steps
            case "--metrics": options.metrics = iterator.next().flatMap(Int.init) ?? options.metrics
            case "--no-split": options.split = false
            case "--split-only": options.inProcess = false
            case "--send-to":
                let parts = (iterator.next() ?? "").split(separator: ":")
                if parts.count == 2, let port = Int(parts[1]) { options.sendTo = (String(parts[0]), port) }
            default: break
            }
        }
        return options
    }
}

func startLeader(ranks: Int, steps: Int) async throws -> CoordinatorLeader {
    var machine = LeaderStateMachine.Configuration(worldSize: ranks, groupToken: "bench", groupName: "bench", leaderRunID: "bench-agg")
    machine.alignmentWindow = .seconds(60)
    machine.maximumOpenSteps = max(1024, steps + 1)
    var configuration = CoordinatorLeader.Configuration(protocol: machine)
    configuration.host = "127.0.0.1"
    configuration.eventBufferCapacity = steps + 16
    return try await CoordinatorLeader.start(configuration: configuration)
}

/// Connects `ranks` workers and waits until every one has joined, so connection setup is not timed.
func joinedWorkers(ranks: Int, steps: Int, host: String, port: Int) async -> [CoordinatorWorker] {
    let workers = (0..<ranks).map { rank in
        var workerProtocol = WorkerStateMachine.Configuration(hello: .init(
            rank: rank, worldSize: ranks, runID: "bench-r\(rank)", host: "localhost", pid: getpid(), groupToken: "bench",
            groupName: "bench"))
        workerProtocol.queueCapacity = steps + 16
        return CoordinatorWorker(configuration: .init(protocol: workerProtocol, host: host, port: port))
    }
    for worker in workers { worker.start() }
    for worker in workers {
        for await event in worker.events {
            if case .joined = event { break }
        }
    }
    return workers
}

/// Every worker reports `steps` steps of `metrics` scalars as fast as it can.
func report(from workers: [CoordinatorWorker], steps: Int, metrics: Int) async {
    let names = (0..<metrics).map { "metric\($0)" }
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
}

func finish(_ workers: [CoordinatorWorker], steps: Int) async {
    for worker in workers { _ = await worker.finish(exitCode: 0, finalStep: Int64(steps - 1), deadline: .seconds(10)) }
}

/// Waits until the leader has closed `steps` steps.
func awaitClosed(_ leader: CoordinatorLeader, steps: Int) async {
    var closed = 0
    for await event in leader.events {
        if case .aggregate = event { closed += 1 }
        if closed == steps { break }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

/// CPU seconds (user + system) this process has used.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// Leader and workers in this process: reports per second of wall time.
func measureInProcess(ranks: Int, steps: Int, metrics: Int) async throws -> [String: JSONValue] {
    let leader = try await startLeader(ranks: ranks, steps: steps)
    let workers = await joinedWorkers(ranks: ranks, steps: steps, host: "127.0.0.1", port: leader.port)
    let started = ContinuousClock.now
    await report(from: workers, steps: steps, metrics: metrics)
    await awaitClosed(leader, steps: steps)
    let elapsed = seconds(ContinuousClock.now - started)
    await finish(workers, steps: steps)
    await leader.shutdown()
    return [
        "ranks": .int(Int64(ranks)), "steps": .int(Int64(steps)), "metrics": .int(Int64(metrics)),
        "seconds": .double(elapsed), "reports_per_s": .double(Double(ranks * steps) / elapsed),
        "steps_per_s_per_rank": .double(Double(steps) / elapsed),
    ]
}

/// Workers in a child process: the leader process's CPU time per aligned report.
func measureSplit(ranks: Int, steps: Int, metrics: Int) async throws -> [String: JSONValue] {
    let leader = try await startLeader(ranks: ranks, steps: steps)
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--send-to", "127.0.0.1:\(leader.port)", "--ranks", "\(ranks)", "--steps", "\(steps)", "--metrics", "\(metrics)"]
    let toChild = Pipe()
    let fromChild = Pipe()
    child.standardInput = toChild
    child.standardOutput = fromChild
    try child.run()
    // The child says "ready" once its workers have joined, then reports when it reads "go".
    _ = fromChild.fileHandleForReading.readLine()
    let cpuBefore = processCPUSeconds()
    let started = ContinuousClock.now
    toChild.fileHandleForWriting.write(Data("go\n".utf8))
    await awaitClosed(leader, steps: steps)
    let elapsed = seconds(ContinuousClock.now - started)
    let cpu = processCPUSeconds() - cpuBefore
    child.waitUntilExit()
    await leader.shutdown()
    let reports = Double(ranks * steps)
    return [
        "ranks": .int(Int64(ranks)), "steps": .int(Int64(steps)), "metrics": .int(Int64(metrics)),
        "seconds": .double(elapsed), "reports_per_s": .double(reports / elapsed),
        "leader_cpu_seconds": .double(cpu), "leader_cpu_us_per_report": .double(cpu / reports * 1e6),
        "leader_capacity_per_core": .double(reports / cpu),
    ]
}

/// Sender mode (the child of `measureSplit`).
func runSenders(host: String, port: Int, options: Options) async {
    let ranks = options.ranks.first ?? 1
    let workers = await joinedWorkers(ranks: ranks, steps: options.steps, host: host, port: port)
    FileHandle.standardOutput.write(Data("ready\n".utf8))
    _ = readLine()
    await report(from: workers, steps: options.steps, metrics: options.metrics)
    await finish(workers, steps: options.steps)
}

extension FileHandle {
    /// Reads bytes up to a newline (or the end).
    func readLine() -> String {
        var bytes: [UInt8] = []
        while let byte = try? read(upToCount: 1), let first = byte.first, first != UInt8(ascii: "\n") { bytes.append(first) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
if let target = options.sendTo {
    await runSenders(host: target.host, port: target.port, options: options)
    exit(0)
}
var inProcess: [JSONValue] = []
var split: [JSONValue] = []
var table = """
    | ranks | steps × metrics | in-process reports/s | split: reports/s | split: leader CPU µs/report | split: leader capacity per core (reports/s) |
    |---:|---:|---:|---:|---:|---:|

    """
for ranks in options.ranks {
    var local: [String: JSONValue] = [:]
    if options.inProcess {
        local = try await measureInProcess(ranks: ranks, steps: options.steps, metrics: options.metrics)
        inProcess.append(.object(local))
    }
    var apart: [String: JSONValue] = [:]
    if options.split {
        apart = try await measureSplit(ranks: ranks, steps: options.steps, metrics: options.metrics)
        split.append(.object(apart))
    }
    table += String(
        format: "| %d | %d × %d | %.0f | %.0f | %.2f | %.0f |\n", ranks, options.steps, options.metrics,
        local["reports_per_s"]?.number ?? 0, apart["reports_per_s"]?.number ?? 0,
        apart["leader_cpu_us_per_report"]?.number ?? 0, apart["leader_capacity_per_core"]?.number ?? 0)
}
print(JSONWriter.string(["leader": .array(inProcess), "leader_split": .array(split)]))
FileHandle.standardError.write(Data(table.utf8))
