import Cohort
import CohortCoordinator
import CohortModel
import CohortTestSupport
import Foundation
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real-process group tests (faults here, scale in GroupScaleTests.swift) run one at a time:
/// they start many processes on a small machine and some of them shorten the rank timeout, so
/// running them side by side could starve a live rank into being marked dead.
@Suite("Groups of real rank processes on loopback", .serialized)
struct GroupProcessTests {}

extension GroupProcessTests {
    @Suite("Ranks that fail, leaders that die, strangers at the leader's port")
    struct GroupFaultTests {
        @Test("ranks that log different numbers of steps: per-step count is the ranks that logged it; each rank's final step is in the summary",
              .timeLimit(.minutes(3)))
        func unevenSteps() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            // Rank 0 (the leader) stops first, so its finish must wait for the others.
            let steps = [5, 12, 17, 8]
            let group = GroupRanks(directory: directory.path, group: "uneven", port: try loopbackFreePort(), worldSize: 4)
            let processes = try steps.enumerated().map { rank, count in try group.start(rank: rank, steps: count, stepDelay: 0.05) }
            for (rank, process) in processes.enumerated() {
                let result = try process.wait(timeout: .seconds(150))
                #expect(result.status == 0 && !result.signaled, "rank \(rank): \(result.standardError)")
            }

            let found = group.runs()
            let aggregate = try #require(found.aggregate)
            #expect(aggregate.name == "uneven-aggregate" && aggregate.state == .finished)
            #expect(aggregate.summary["group_state"] == "finished")
            #expect(aggregate.summary["deadline_exceeded"] == false)
            #expect(found.ranks.keys.sorted() == [0, 1, 2, 3])
            #expect(rankKeys(aggregate) == ["rank0", "rank1", "rank2", "rank3"])
            for (rank, count) in steps.enumerated() {
                let run = try #require(found.ranks[rank])
                let rows = try trainRows(of: run)
                #expect(rows.count == count, "rank \(rank)")
                #expect(rows.last?["_step"]?.intValue == Int64(count - 1), "rank \(rank)")
                let facts = aggregate.summary["ranks"]?["rank\(rank)"]
                #expect(facts?["state"] == "finished", "rank \(rank)")
                #expect(facts?["exit_code"]?.intValue == 0, "rank \(rank)")
                #expect(facts?["final_step"]?.intValue == Int64(count - 1), "rank \(rank): \(String(describing: facts))")
            }

            let counts = try aggregateCounts(of: aggregate)
            #expect(counts.keys.sorted() == Array(0..<Int64(steps.max()!)))
            for step in 0..<Int64(steps.max()!) {
                let expected = steps.filter { Int64($0) > step }.count
                #expect(counts[step] == expected, "step \(step)")
            }
        }

        @Test("a rank SIGKILLed mid-run is marked dead, the others finish, and the group is partial",
              .timeLimit(.minutes(3)))
        func killedRank() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            var group = GroupRanks(directory: directory.path, group: "killed", port: try loopbackFreePort(), worldSize: 3)
            // Dead after 4 s of silence (heartbeats every 4/6 s): short for the test, long enough for a busy machine.
            group.extraEnvironment["COHORT_GROUP_RANK_TIMEOUT_MS"] = "4000"
            let processes = try (0..<3).map { try group.start(rank: $0, steps: 60, stepDelay: 0.1) }

            let victimRows = group.waitForRows(rank: 2, atLeast: 8, timeout: .seconds(60))
            try #require(victimRows >= 8, "rank 2 never logged 8 steps")
            let killedAt = ContinuousClock.now
            processes[2].send(SIGKILL)
            let victim = try processes[2].wait(timeout: .seconds(10))
            #expect(victim.signaled && victim.status == SIGKILL)

            for rank in 0..<2 {
                let result = try processes[rank].wait(timeout: .seconds(120))
                #expect(result.status == 0 && !result.signaled, "rank \(rank): \(result.standardError)")
            }
            let elapsed = ContinuousClock.now - killedAt
            print("killedRank: ranks 0 and 1 ended \(elapsed) after rank 2 was killed")

            let found = group.runs()
            let aggregate = try #require(found.aggregate)
            // LeaderStateMachine.groupSummary: some ranks finished with exit code 0 and some did not → partial.
            #expect(aggregate.summary["group_state"] == "partial")
            #expect(aggregate.summary["deadline_exceeded"] == false)
            #expect(aggregate.summary["ranks"]?["rank2"]?["state"] == "dead")
            #expect(aggregate.summary["ranks"]?["rank2"]?["exit_code"] == nil)
            for rank in 0..<2 {
                #expect(aggregate.summary["ranks"]?["rank\(rank)"]?["state"] == "finished", "rank \(rank)")
                let run = try #require(found.ranks[rank])
                #expect(run.state == .finished && run.exitCode == 0, "rank \(rank)")
                #expect(try trainRows(of: run).count == 60, "rank \(rank)")
            }
            let victimRun = try #require(found.ranks[2])
            #expect(victimRun.state == .crashed)
            let victimLastStep = try #require(try trainRows(of: victimRun).last?["_step"]?.intValue)
            // The leader saw at most what rank 2 committed to its journal (reports follow the commit).
            let reportedFinal = try #require(aggregate.summary["ranks"]?["rank2"]?["final_step"]?.intValue)
            #expect(reportedFinal <= victimLastStep && reportedFinal >= 2, "rank 2 final step \(reportedFinal), journal \(victimLastStep)")

            let counts = try aggregateCounts(of: aggregate)
            #expect(counts.keys.sorted() == Array(0..<60))
            for (step, count) in counts.sorted(by: { $0.key < $1.key }) {
                if step <= reportedFinal {
                    #expect(count == 3, "step \(step): rank 2 reported it")
                } else {
                    #expect(count == 2, "step \(step): after rank 2 died")
                }
            }
        }

        @Test("the leader SIGKILLed mid-run: the other ranks finish their own runs, every step in their journals, exit 0",
              .timeLimit(.minutes(3)))
        func killedLeader() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let group = GroupRanks(directory: directory.path, group: "headless", port: try loopbackFreePort(), worldSize: 3)
            let processes = try (0..<3).map { try group.start(rank: $0, steps: 40, stepDelay: 0.1) }

            // Wait until every rank has logged (so all have joined and reported), then kill the leader.
            for rank in 0..<3 {
                try #require(group.waitForRows(rank: rank, atLeast: 5, timeout: .seconds(60)) >= 5, "rank \(rank)")
            }
            let killedAt = ContinuousClock.now
            processes[0].send(SIGKILL)
            let leader = try processes[0].wait(timeout: .seconds(10))
            #expect(leader.signaled && leader.status == SIGKILL)

            for rank in 1..<3 {
                let result = try processes[rank].wait(timeout: .seconds(90))
                let elapsed = ContinuousClock.now - killedAt
                print("killedLeader: rank \(rank) exited \(elapsed) after the leader was killed")
                #expect(result.status == 0 && !result.signaled, "rank \(rank): \(result.standardError)")
                // Its remaining ~3.5 s of training plus the worker's 10 s finish deadline, with room for a slow machine.
                #expect(elapsed < .seconds(45), "rank \(rank) took \(elapsed) to end without its leader")
            }

            let found = group.runs()
            for rank in 1..<3 {
                let run = try #require(found.ranks[rank])
                #expect(run.state == .finished && run.exitCode == 0, "rank \(rank)")
                let rows = try trainRows(of: run)
                #expect(rows.count == 40, "rank \(rank)")
                #expect(rows.map { $0["_step"]?.intValue } == (0..<40).map { Int64?($0) }, "rank \(rank)")
            }
            let aggregate = try #require(found.aggregate)
            #expect(aggregate.state == .crashed, "the aggregate run died with its leader")
            #expect(aggregate.summary["group_state"] == nil)
            #expect(try #require(found.ranks[0]).state == .crashed)
        }

        @Test("strangers at the leader's port (garbage, a stray step, a hello with the wrong token) are refused and log nothing",
              .timeLimit(.minutes(3)))
        func stranger() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let port = try loopbackFreePort()
            let launch = try ChildProcess.launch(
                ChildProcess.product("cohort"),
                ["launch", "-n", "3", "--group", "guarded", "--leader-port", "\(port)", "--",
                 ChildProcess.product("example-train"), "--steps", "60", "--step-delay", "0.1"],
                environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off"])
            let codec = CoordinatorCodec()
            let strayMetrics = ["train/loss": 1.0e6, "stranger/metric": 42.0]

            // A connection that stays open, silent, until after the group has finished.
            let idle = try #require(LoopbackClient.connect(port: port, timeout: .seconds(60)), "the leader never listened")
            defer { idle.close() }

            // (a) garbage: an HTTP request, whose first four bytes read as a 1.2 GB frame length.
            let http = try #require(LoopbackClient.connect(port: port, timeout: .seconds(10)))
            http.send(Array("GET / HTTP/1.1\r\nHost: leader\r\n\r\n".utf8))
            #expect(http.readUntilClosed(timeout: .seconds(10)).closed, "garbage left the connection open")
            http.close()

            // (a) garbage: a well-sized frame of an unknown type, then random bytes.
            let unknown = try #require(LoopbackClient.connect(port: port, timeout: .seconds(10)))
            var generator = SystemRandomNumberGenerator()
            unknown.send([0, 0, 0, 4, 0xEE, 1, 0, 0] + (0..<256).map { _ in UInt8.random(in: 0...255, using: &generator) })
            #expect(unknown.readUntilClosed(timeout: .seconds(10)).closed, "an unknown frame left the connection open")
            unknown.close()

            // A step report without a hello, claiming to be rank 1.
            let stray = try #require(LoopbackClient.connect(port: port, timeout: .seconds(10)))
            stray.send(try frames([.step(.init(rank: 1, step: 3, metrics: strayMetrics))], codec: codec))
            #expect(stray.readUntilClosed(timeout: .seconds(10)).closed, "a step before hello left the connection open")
            stray.close()

            // (b) a well-formed hello for rank 1 with the wrong token, followed at once by step reports.
            let impostor = try #require(LoopbackClient.connect(port: port, timeout: .seconds(10)))
            let hello = CoordinatorMessage.hello(.init(
                rank: 1, worldSize: 3, runID: "guarded-r1", host: "stranger", pid: 1, groupToken: "not-the-token",
                groupName: "guarded"))
            impostor.send(try frames([hello] + (0..<60).map { .step(.init(rank: 1, step: $0, metrics: strayMetrics)) }, codec: codec))
            let answer = impostor.readUntilClosed(timeout: .seconds(10))
            impostor.close()
            #expect(answer.closed, "the impostor's connection stayed open")
            var reply = ByteBuffer(bytes: answer.bytes)
            let decoded = try codec.decode(from: &reply)
            guard case .reject(let reject) = decoded else {
                Issue.record("expected a reject, got \(String(describing: decoded))")
                return
            }
            #expect(reject.reason == "wrong group token")
            #expect(!reject.reason.contains("guarded"), "a reject must not echo the token")

            // (b) a hello with the wrong token for a rank outside the group.
            let outsider = try #require(LoopbackClient.connect(port: port, timeout: .seconds(10)))
            outsider.send(try frames([.hello(.init(
                rank: 3, worldSize: 4, runID: "guarded-r3", host: "stranger", pid: 1, groupToken: "guess")),
                .step(.init(rank: 3, step: 5, metrics: strayMetrics))], codec: codec))
            #expect(outsider.readUntilClosed(timeout: .seconds(10)).closed)
            outsider.close()

            let result = try launch.wait(timeout: .seconds(150))
            #expect(result.status == 0 && !result.signaled, "\(result.standardError)")

            let found = LocalRun.list(under: directory.path)
            let aggregate = try #require(found.first { $0.jobType == "group" })
            #expect(found.filter { $0.jobType == "train" }.map(\.id).sorted() == ["guarded-r0", "guarded-r1", "guarded-r2"])
            #expect(aggregate.summary["group_state"] == "finished")
            #expect(rankKeys(aggregate) == ["rank0", "rank1", "rank2"])
            for rank in 0..<3 {
                #expect(aggregate.summary["ranks"]?["rank\(rank)"]?["state"] == "finished")
                #expect(aggregate.summary["ranks"]?["rank\(rank)"]?["run_id"] == .string("guarded-r\(rank)"))
            }
            let rows = try RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows
            #expect(rows.count >= 60)
            for row in rows {
                let step = row["_step"]?.intValue ?? -1
                #expect(!row.keys.contains { $0.hasPrefix("stranger") }, "step \(step)")
                #expect(!row.keys.contains { $0.hasPrefix("ranks/rank3") }, "step \(step)")
                if let count = row["train/loss/count"]?.number { #expect(count == 3, "step \(step)") }
                if let max = row["train/loss/max"]?.number { #expect(max < 100, "step \(step)") }
                if let reported = row["ranks/reported"]?.number { #expect(reported <= 3, "step \(step)") }
            }
            #expect(aggregate.summary["ranks_summary"]?["stranger"] == nil)
        }
    }
}

// MARK: - Helpers shared with GroupScaleTests

/// The ranks of one group, started by the test itself with the environment torchrun gives its
/// workers, so that one rank can be killed without a launcher stopping the rest.
struct GroupRanks {
    let directory: String
    let group: String
    let port: Int
    let worldSize: Int
    var extraEnvironment: [String: String] = [:]

    func environment(rank: Int) -> [String: String] {
        var environment = [
            "RANK": "\(rank)", "WORLD_SIZE": "\(worldSize)", "LOCAL_RANK": "\(rank)",
            "LOCAL_WORLD_SIZE": "\(worldSize)", "MASTER_ADDR": "127.0.0.1", "COHORT_LEADER_PORT": "\(port)",
            "COHORT_RUN_GROUP": group, "COHORT_DIR": directory, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off",
        ]
        environment.merge(extraEnvironment) { $1 }
        return environment
    }

    /// Starts `example-train` as rank `rank`.
    func start(rank: Int, steps: Int, stepDelay: Double = 0) throws -> ChildProcess.Running {
        var arguments = ["--steps", "\(steps)"]
        if stepDelay > 0 { arguments += ["--step-delay", "\(stepDelay)"] }
        return try ChildProcess.launch(ChildProcess.product("example-train"), arguments, environment: environment(rank: rank))
    }

    /// The group's runs on disk: the aggregate run and each rank's run by rank.
    func runs() -> (aggregate: LocalRun?, ranks: [Int: LocalRun]) {
        let all = LocalRun.list(under: directory).filter { $0.group == group }
        var ranks: [Int: LocalRun] = [:]
        for rank in 0..<worldSize {
            if let run = all.first(where: { $0.id == "\(group)-r\(rank)" }) { ranks[rank] = run }
        }
        return (all.first { $0.jobType == "group" }, ranks)
    }

    /// Polls rank `rank`'s journal until it holds `count` history rows; returns the rows last seen.
    func waitForRows(rank: Int, atLeast count: Int, timeout: Duration) -> Int {
        let deadline = ContinuousClock.now + timeout
        var seen = 0
        while ContinuousClock.now < deadline {
            for run in LocalRun.list(under: directory) where run.id == "\(group)-r\(rank)" {
                seen = run.historyRowCount
            }
            if seen >= count { return seen }
            usleep(50_000)
        }
        return seen
    }
}

/// The `rank<N>` entries of an aggregate run's summary.
func rankKeys(_ aggregate: LocalRun) -> Set<String> {
    Set(aggregate.summary["ranks"]?.objectValue.map { Array($0.keys) } ?? [])
}

/// A run's history rows that carry `train/loss` (one per training step of example-train).
func trainRows(of run: LocalRun) throws -> [[String: JSONValue]] {
    try RunJournal.read(path: run.directory + "/run-\(run.id).journal").historyRows.filter { $0["train/loss"] != nil }
}

/// `train/loss/count` at each step of an aggregate run.
func aggregateCounts(of aggregate: LocalRun) throws -> [Int64: Int] {
    var counts: [Int64: Int] = [:]
    for row in try RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows {
        guard let step = row["_step"]?.intValue, let count = row["train/loss/count"]?.number else { continue }
        #expect(counts[step] == nil, "step \(step) aggregated twice")
        counts[step] = Int(count)
    }
    return counts
}

/// Encodes `messages` as consecutive frames.
func frames(_ messages: [CoordinatorMessage], codec: CoordinatorCodec) throws -> [UInt8] {
    var buffer = ByteBuffer()
    for message in messages { try codec.encode(message, into: &buffer) }
    return buffer.readBytes(length: buffer.readableBytes) ?? []
}

/// A TCP port on 127.0.0.1 that is free right now.
func loopbackFreePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw LoopbackClient.Failure(what: "socket") }
    defer { close(descriptor) }
    var address = LoopbackClient.address(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
    }
    guard bound == 0 else { throw LoopbackClient.Failure(what: "bind") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    guard named == 0 else { throw LoopbackClient.Failure(what: "getsockname") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A blocking TCP client on 127.0.0.1: the stranger.
struct LoopbackClient {
    struct Failure: Error { var what: String }

    let descriptor: Int32

    static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// Connects, retrying until something listens at `port` or `timeout` passes.
    static func connect(port: Int, timeout: Duration) -> LoopbackClient? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { return nil }
            var address = address(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if connected == 0 { return LoopbackClient(descriptor: descriptor) }
            Glibc.close(descriptor)
            usleep(50_000)
        }
        return nil
    }

    /// Writes `bytes` (ignoring a connection the peer already closed).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads until the peer closes the connection or `timeout` passes.
    func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready <= 0 { continue }
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += chunk[0..<count]
            } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                return (received, true)  // orderly close, or reset
            }
        }
        return (received, false)
    }

    func close() { Glibc.close(descriptor) }
}
