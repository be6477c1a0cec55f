import Cohort
import CohortTestSupport
import Foundation
import Glibc
import Testing

/// An MPI launcher's path, when installed.
private func executable(_ names: [String]) -> String? {
    let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
    for name in names {
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
    }
    return nil
}

private let openMPIRun = executable(["mpirun.openmpi"]) ?? executable(["mpirun"]).flatMap { path in
    // Debian's plain `mpirun` is Open MPI unless the alternatives point elsewhere.
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/alternatives/mpirun"))?.contains("openmpi") == true ? path : nil
}
private let mpichExec = executable(["mpiexec.mpich", "mpiexec.hydra"])

/// Real launchers start example-train with no Cohort variables but the run directory: the ranks
/// find their leader on their own and rank 0 logs the aggregate.
@Suite("Leader discovery with real launchers and no leader port")
struct LeaderDiscoveryProcessTests {
    static let quiet = ["COHORT_CONSOLE": "off", "COHORT_MODE": "offline"]

    @Test(
        "mpiexec (MPICH Hydra) -n 4: no group id, no leader address; rank 0 mints the group, 4 rank runs + the aggregate",
        .enabled(if: mpichExec != nil, "needs MPICH (apt-get install mpich)"))
    func mpich() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            mpichExec!,
            ["-n", "4", "env", "COHORT_DIR=\(directory.path)", ChildProcess.product("example-train"), "--steps", "15"],
            environment: Self.quiet, directory: directory.path, timeout: .seconds(180))
        #expect(result.status == 0, "\(result.standardError)")
        let group = try GroupCheck.verify(directory: directory.path, ranks: 4, steps: 15)
        #expect(group.hasPrefix("hydra-"), "minted group \(group)")
    }

    @Test(
        "plain mpirun (Open MPI) -np 4 without COHORT_LEADER_PORT: group from the job id, derived port, aggregate equals the ranks",
        .enabled(if: openMPIRun != nil, "needs Open MPI (apt-get install openmpi-bin)"))
    func openMPI() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            openMPIRun!,
            [
                "--allow-run-as-root", "--oversubscribe", "-np", "4", "-x", "COHORT_DIR=\(directory.path)",
                "-x", "COHORT_CONSOLE=off", ChildProcess.product("example-train"), "--steps", "15",
            ],
            environment: ["COHORT_LEADER_PORT": "", "COHORT_LEADER": ""], directory: directory.path, timeout: .seconds(180))
        #expect(result.status == 0, "\(result.standardError)")
        _ = try GroupCheck.verify(directory: directory.path, ranks: 4, steps: 15)
    }

    @Test("when the derived port is taken, the leader listens elsewhere and the ranks find it through the rendezvous file")
    func derivedPortBusy() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let group = "busy-\(getpid())"
        let blocker = try Self.listen(port: Self.derivedPort(group: group))
        defer { close(blocker) }
        var ranks: [ChildProcess.Running] = []
        for rank in 0..<3 {
            var environment = Self.quiet
            environment.merge([
                "COHORT_DIR": directory.path, "RANK": "\(rank)", "WORLD_SIZE": "3", "LOCAL_RANK": "\(rank)",
                "LOCAL_WORLD_SIZE": "3", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500",
                "TORCHELASTIC_RUN_ID": group, "COHORT_LEADER_PORT": "", "COHORT_LEADER": "",
            ]) { $1 }
            ranks.append(try ChildProcess.launch(
                ChildProcess.product("example-train"), ["--steps", "15"], environment: environment, directory: directory.path))
        }
        for (rank, process) in ranks.enumerated() {
            let result = try process.wait(timeout: .seconds(120))
            #expect(result.status == 0, "rank \(rank): \(result.standardError)")
            if rank == 0 { #expect(result.standardError.contains("derived port busy"), "\(result.standardError)") }
        }
        #expect(try GroupCheck.verify(directory: directory.path, ranks: 3, steps: 15) == group)
    }

    /// The port `LeaderPlan` derives for a group (FNV-1a of `group-<name>` into 20000–28999),
    /// computed here independently of the library.
    static func derivedPort(group: String) -> Int {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in "group-\(group)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return 20_000 + Int(hash % 9_000)
    }

    /// A listening socket on 0.0.0.0:`port` (SO_REUSEADDR so a TIME_WAIT port can be taken).
    static func listen(port: Int) throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: INADDR_ANY)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0, "port \(port) is already in use on this machine")
        try #require(Glibc.listen(socket, 8) == 0)
        return socket
    }
}

/// Checks a finished group under `directory`: `ranks` rank runs and one aggregate run in one
/// group, whose `train/loss` mean/min/max/count at every step equal the ranks' values.
enum GroupCheck {
    /// Returns the group's name.
    @discardableResult
    static func verify(directory: String, ranks: Int, steps: Int) throws -> String {
        let runs = LocalRun.list(under: directory)
        let aggregate = try #require(runs.first { $0.jobType == "group" }, "no aggregate run among \(runs.map(\.id))")
        let group = try #require(aggregate.group)
        let rankRuns = runs.filter { $0.jobType != "group" }
        #expect(rankRuns.count == ranks)
        #expect(Set(runs.map(\.group)) == [aggregate.group])
        #expect(Set(rankRuns.map(\.name)) == Set((0..<ranks).map { "\(group)-rank\($0)" }))
        #expect(aggregate.state == .finished && aggregate.summary["group_state"] == "finished")
        let rankRows = try rankRuns.map { try RunJournal.read(path: $0.directory + "/run-\($0.id).journal").historyRows }
        let rows = try RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows
        var checked = 0
        for row in rows {
            guard let step = row["_step"]?.intValue, let mean = row["train/loss/mean"]?.number else { continue }
            let values = rankRows.compactMap { rows in rows.first { $0["_step"]?.intValue == step }?["train/loss"]?.number }
            try #require(values.count == ranks, "step \(step)")
            #expect(abs(mean - values.reduce(0, +) / Double(ranks)) < 1e-9, "step \(step)")
            #expect(row["train/loss/min"]?.number == values.min() && row["train/loss/max"]?.number == values.max())
            #expect(row["train/loss/count"]?.number == Double(ranks))
            checked += 1
        }
        #expect(checked == steps, "aggregated steps")
        return group
    }
}
