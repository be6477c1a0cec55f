@testable import Cohort
import CohortCoordinator
import CohortTestSupport
import Foundation
import Glibc
import Testing

/// How the ranks of a job find their leader without being told a port (ARCHITECTURE.md §3).
@Suite("Leader discovery: derived port, rendezvous file, minted group")
struct LeaderDiscoveryTests {
    /// A torchrun-like rank on this host, without COHORT_LEADER_PORT.
    static func localLaunch(rank: Int, world: Int = 4, group: String? = "job-7", extra: [String: String] = [:]) -> LaunchInfo {
        var environment = [
            "RANK": "\(rank)", "WORLD_SIZE": "\(world)", "LOCAL_RANK": "\(rank)", "LOCAL_WORLD_SIZE": "\(world)",
            "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": "29500", "TORCHELASTIC_RUN_ID": group ?? "none",
        ]
        for (key, value) in extra { environment[key] = value }
        return Launch.detect(environment)
    }

    static func settings(directory: String) -> Settings {
        var settings = Settings()
        settings.dir = directory
        return settings
    }

    @Test("every rank derives the same port from the group id, inside 20000-28999 and never MASTER_PORT")
    func derivedPort() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plans = try (0..<4).map { rank in
            try #require(LeaderPlan(launch: Self.localLaunch(rank: rank), settings: Self.settings(directory: directory.path), group: "job-7"))
        }
        #expect(Set(plans.map(\.port)).count == 1)
        #expect(LeaderPlan.derivedPorts.contains(plans[0].port) && plans[0].port != 29500)
        #expect(!plans[0].portIsExplicit)
        #expect(plans[0].host == "127.0.0.1")
        #expect(LeaderPlan.derivedPort(for: "group-job-7") == plans[0].port)
        // Different groups spread over the range.
        let ports = Set((0..<200).map { LeaderPlan.derivedPort(for: "group-\($0)") })
        #expect(ports.count > 150)
        #expect(ports.allSatisfy { LeaderPlan.derivedPorts.contains($0) })
    }

    @Test("COHORT_LEADER_PORT wins over the derived port and is used as given")
    func explicitPort() throws {
        let launch = Self.localLaunch(rank: 1, extra: ["COHORT_LEADER_PORT": "23456"])
        let plan = try #require(LeaderPlan(launch: launch, settings: Settings(), group: "job-7"))
        #expect(plan.port == 23456 && plan.portIsExplicit)
        #expect(plan.endpoint(group: "job-7") == .init(host: "127.0.0.1", port: 23456))
    }

    @Test("a worker prefers the address the leader published, then the environment's host at the derived port")
    func endpointOrder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let plan = try #require(LeaderPlan(launch: Self.localLaunch(rank: 2), settings: Self.settings(directory: directory.path), group: "job-7"))
        // At first a worker waits for the leader to publish its address.
        #expect(plan.endpoint(group: "job-7") == nil)
        try await Task.sleep(for: LeaderPlan.rendezvousGrace)
        #expect(plan.endpoint(group: "job-7") == .init(host: "127.0.0.1", port: plan.port))
        try plan.rendezvous.publish(.init(host: "127.0.0.1", port: 40_001, group: "job-7", pid: getpid()))
        #expect(plan.endpoint(group: "job-7") == .init(host: "127.0.0.1", port: 40_001))
        // An entry for another group (a stale file of an earlier job) is not followed.
        #expect(plan.endpoint(group: "job-8") == .init(host: "127.0.0.1", port: plan.port))
    }

    @Test("a job with neither a leader host nor a shared key has no plan; one on a single host uses the launcher's process")
    func keys() throws {
        let remote = Launch.detect(["PMI_RANK": "1", "PMI_SIZE": "4", "MPI_LOCALRANKID": "0", "MPI_LOCALNRANKS": "2", "PMI_FD": "6"])
        #expect(remote.isDistributed)
        #expect(LeaderPlan(launch: remote, settings: Settings(), group: nil) == nil)
        let local = Launch.detect(["PMI_RANK": "1", "PMI_SIZE": "2", "MPI_LOCALRANKID": "1", "MPI_LOCALNRANKS": "2", "PMI_FD": "6"])
        let plan = try #require(LeaderPlan(launch: local, settings: Settings(), group: nil))
        #expect(plan.key == "local-\(local.launcher.rawValue)-\(getppid())")
        #expect(plan.host == "127.0.0.1")
    }

    @Test("the rendezvous file: written atomically with mode 0600, read back, removed by its writer only, stale or malformed ones ignored")
    func rendezvousFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let rendezvous = LeaderRendezvous(directory: directory.appending("rdv"), key: "group-a/b c")
        #expect(rendezvous.path == directory.appending("rdv") + "/group-a-b-c.leader")
        #expect(rendezvous.read() == nil)
        let entry = LeaderRendezvous.Entry(host: "10.0.0.5", port: 21_000, group: "a-b", pid: getpid())
        try rendezvous.publish(entry)
        #expect(rendezvous.read() == entry)
        var status = stat()
        #expect(stat(rendezvous.path, &status) == 0 && status.st_mode & 0o777 == 0o600)

        // Another process's entry stays when this one finishes.
        try rendezvous.publish(.init(host: "10.0.0.5", port: 21_000, group: "a-b", pid: getpid() + 1))
        rendezvous.remove()
        #expect(FileManager.default.fileExists(atPath: rendezvous.path))
        try rendezvous.publish(entry)
        rendezvous.remove()
        #expect(!FileManager.default.fileExists(atPath: rendezvous.path))

        // A loopback entry whose process is gone is stale.
        let stalePID = try Self.exitedPID()
        try rendezvous.publish(.init(host: "127.0.0.1", port: 21_000, group: "a-b", pid: stalePID))
        #expect(rendezvous.read() == nil)
        for garbage in ["", "{", "[1,2]", #"{"host":"h","port":70000,"group":"g"}"#, #"{"host":"","port":1,"group":"g"}"#] {
            try garbage.write(toFile: rendezvous.path, atomically: true, encoding: .utf8)
            #expect(rendezvous.read() == nil, "\(garbage)")
        }
    }

    /// The pid of a process that has exited and been reaped.
    static func exitedPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test("a minted group is <launcher>-<UTC time>-<6 hex digits>")
    func mintedName() {
        let launch = Launch.detect(["PMI_RANK": "0", "PMI_SIZE": "2", "MPI_LOCALRANKID": "0", "MPI_LOCALNRANKS": "2", "PMI_FD": "6"])
        let name = MintedGroup.mint(launch: launch, now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(name.hasPrefix("\(launch.launcher.rawValue)-20261118-"))
        #expect(name.wholeMatch(of: /[a-z]+-\d{8}-\d{6}-[0-9a-f]{6}/) != nil, "\(name)")
    }

    @Test("a Kubernetes Indexed Job's leader is pod 0 through the headless Service when the subdomain is given")
    func indexedJobDNS() {
        var environment = ["JOB_COMPLETION_INDEX": "3", "HOSTNAME": "train-3", "WORLD_SIZE": "4"]
        #expect(Launch.detect(environment).leaderCandidates.allSatisfy { $0.source != .kubernetesIndexedJob })
        environment["COHORT_KUBERNETES_SUBDOMAIN"] = "train-svc"
        environment["COHORT_LEADER_PORT"] = "29650"
        let leader = Launch.detect(environment).leaderAddress
        #expect(leader == .init(host: "train-0.train-svc", port: 29650, source: .kubernetesIndexedJob))
        environment["COHORT_KUBERNETES_JOB_NAME"] = "train"
        environment["HOSTNAME"] = "renamed"
        #expect(Launch.detect(environment).leaderAddress?.host == "train-0.train-svc")
    }

    @Test("COHORT_GROUP_WORKER_FINISH_TIMEOUT_MS and COHORT_GROUP_MAX_OPEN_STEPS are read; the step cap defaults by world size")
    func finishTimeoutAndStepCap() {
        let defaults = Settings.fromEnvironment([:]).groupLinkOptions
        #expect(defaults.workerFinishTimeout == .seconds(10) && defaults.maximumOpenSteps == nil)
        let options = Settings.fromEnvironment([
            "COHORT_GROUP_WORKER_FINISH_TIMEOUT_MS": "250", "COHORT_GROUP_MAX_OPEN_STEPS": "50000",
        ]).groupLinkOptions
        #expect(options.workerFinishTimeout == .milliseconds(250) && options.maximumOpenSteps == 50_000)
        let caps = [2, 8, 32, 256].map { LeaderStateMachine.Configuration.defaultMaximumOpenSteps(worldSize: $0) }
        #expect(caps == [65_536, 16_384, 4_096, 1_024])
    }
}
