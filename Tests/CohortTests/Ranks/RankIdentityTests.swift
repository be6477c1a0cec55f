@testable import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Runs started by a launcher join the job's group, one run per rank")
struct RankIdentityTests {
    static func settings(_ launch: LaunchInfo?) -> Settings {
        var settings = RunTestEnvironment.settings()
        settings.launch = launch
        return settings
    }

    @Test("rank N of a torchrun job is <group>-rankN in group <group>, with an id from both")
    func torchrunRank() {
        let identity = RankIdentity(settings: Self.settings(LaunchInfo(
            launcher: .torchrun, rank: 2, worldSize: 4, localRank: 2, localWorldSize: 4, groupID: "job17")))
        #expect(identity.group == "job17")
        #expect(identity.name == "job17-rank2")
        #expect(identity.runID == "job17-r2")
        #expect(identity.resume == .allow)
        #expect(identity.config?["rank"] == .int(2))
        #expect(identity.config?["world_size"] == .int(4))
        #expect(identity.config?["launcher"] == .string(LaunchInfo.Launcher.torchrun.rawValue))
    }

    @Test("explicit group, name, id and resume win over the launcher's")
    func explicitWins() {
        var settings = Self.settings(LaunchInfo(launcher: .openMPI, rank: 1, worldSize: 2, groupID: "ns"))
        settings.group = "mine"
        settings.name = "custom"
        settings.runID = "given01"
        settings.resume = .never
        let identity = RankIdentity(settings: settings)
        #expect(identity.group == "mine")
        #expect(identity.name == "custom")
        #expect(identity.runID == "given01")
        #expect(identity.resume == .never)
        #expect(identity.config?["rank"] == .int(1))
    }

    @Test("a Slurm array task is a fold of the array's group")
    func arrayFold() {
        let identity = RankIdentity(settings: Self.settings(LaunchInfo(
            launcher: .slurm, rank: 0, worldSize: 1, groupID: "4242", arrayTaskID: 3, arrayTaskCount: 5)))
        #expect(identity.group == "4242")
        #expect(identity.name == "4242-fold3")
        #expect(identity.runID == "4242-f3")
    }

    @Test("a process outside any launcher keeps its settings and gets no rank facts")
    func single() {
        let identity = RankIdentity(settings: Self.settings(LaunchInfo(launcher: .single, rank: 0, worldSize: 1)))
        #expect(identity.group == nil && identity.name == nil && identity.runID == nil && identity.config == nil)
    }

    @Test("group ids with characters W&B forbids in run ids still give a valid id", arguments: [
        "prterun-host-12@1", "slurm.pmix.12:0", "a/b c",
    ])
    func safeIDs(group: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(
            project: "p", dir: directory.path,
            settings: Self.settings(LaunchInfo(launcher: .openMPI, rank: 0, worldSize: 2, groupID: group)))
        let expectedGroup = group.replacingOccurrences(of: "/", with: "-")
        #expect(run.group == expectedGroup)
        #expect(run.name == "\(expectedGroup)-rank0")
        #expect(run.config["_cohort"]?["world_size"] == .int(2))
        await run.finish()
    }

    @Test("a restarted rank resumes its run instead of starting a new one")
    func restartResumes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await Run.start(
            project: "p", dir: directory.path,
            settings: Self.settings(LaunchInfo(launcher: .torchrun, rank: 1, worldSize: 2, groupID: "job9")))
        for step in 0..<5 { try first.log(["loss": Double(step)]) }
        await first.finish(exitCode: 1)

        let second = try await Run.start(
            project: "p", dir: directory.path,
            settings: Self.settings(LaunchInfo(launcher: .torchrun, rank: 1, worldSize: 2, groupID: "job9", restartAttempt: 1)))
        #expect(second.id == first.id)
        #expect(second.resumed)
        #expect(second.startingStep == 5)
        #expect(second.config["_cohort"]?["restart_attempt"] == .int(1))
        await second.finish()
    }
}

@Suite("cohort launch with a Cohort program: a group of rank runs")
struct LaunchedGroupTests {
    @Test("cohort launch -n 3 -- example-train makes three runs in one group; launching it again resumes them")
    func launchedExample() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["COHORT_DIR": directory.path, "COHORT_MODE": "offline"]
        for _ in 0..<2 {
            let result = try ChildProcess.run(
                ChildProcess.product("cohort"),
                ["launch", "-n", "3", "--group", "demo7", "--", ChildProcess.product("example-train"), "--steps", "20"],
                environment: environment)
            #expect(result.status == 0, "\(result.standardError)")
        }
        let runs = LocalRun.list(under: directory.path).filter { $0.jobType == "train" }.sorted { $0.id < $1.id }
        #expect(runs.map(\.id) == ["demo7-r0", "demo7-r1", "demo7-r2"])
        #expect(LocalRun.list(under: directory.path).contains { $0.id == "demo7-agg" && $0.jobType == "group" })
        #expect(runs.map(\.name) == ["demo7-rank0", "demo7-rank1", "demo7-rank2"])
        #expect(runs.allSatisfy { $0.group == "demo7" && $0.state == .finished && $0.resumeCount == 1 })
        #expect(runs.map { $0.config["_cohort"]?["rank"] } == [.int(0), .int(1), .int(2)])
        #expect(runs.allSatisfy { $0.historyRowCount == 42 })
    }
}
