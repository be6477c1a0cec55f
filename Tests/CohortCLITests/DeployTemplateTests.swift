import Cohort
import CohortTestSupport
import Foundation
import Testing

/// The package's root directory (this file is Tests/CohortCLITests/DeployTemplateTests.swift).
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

private var mpirunInstalled: Bool {
    ["/usr/bin/mpirun.openmpi", "/usr/bin/mpirun"].contains { FileManager.default.isExecutableFile(atPath: $0) }
}

@Suite("deploy/ templates run real jobs")
struct DeployTemplateTests {
    @Test("deploy/mpirun/launch.sh -n 3 runs example-train as three rank runs of one group", .enabled(if: mpirunInstalled, "needs Open MPI (apt-get install openmpi-bin)"))
    func mpirunTemplate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            packageRoot + "/deploy/mpirun/launch.sh",
            ["-n", "3", "--", ChildProcess.product("example-train"), "--steps", "15"],
            environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off"],
            timeout: .seconds(120))
        #expect(result.status == 0, "\(result.standardError)")
        let all = LocalRun.list(under: directory.path)
        let runs = all.filter { $0.jobType == "train" }
        #expect(runs.count == 3)
        let aggregate = try #require(all.first { $0.jobType == "group" })
        #expect(aggregate.summary["group_state"] == "finished")
        #expect(aggregate.summary["train/loss/count"] == .double(3))
        let group = try #require(runs.first?.group)
        #expect(runs.allSatisfy { $0.group == group && $0.state == .finished && $0.lastStep == 14 })
        #expect(Set(runs.compactMap(\.name)) == Set((0..<3).map { "\(group)-rank\($0)" }))
        #expect(runs.allSatisfy { $0.config["_cohort"]?["world_size"] == .int(3) })
    }

    @Test("deploy/torchrun/launch.sh starts local ranks through cohort launch")
    func torchrunTemplate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            packageRoot + "/deploy/torchrun/launch.sh",
            ["-n", "2", "--group", "tr1", "--", ChildProcess.product("example-train"), "--steps", "5"],
            environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_BIN": ChildProcess.product("cohort")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(LocalRun.list(under: directory.path).filter { $0.jobType == "train" }.map(\.id).sorted() == ["tr1-r0", "tr1-r1"])
    }

    @Test("deploy/slurm/cv-folds.sbatch, run as three array tasks would, makes three folds; cohort group summarize combines them")
    func slurmArrayTemplate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for task in 0..<3 {
            // The environment sbatch gives an array task's batch script (Slurm 22.05, no job step).
            let result = try ChildProcess.run(
                "/bin/bash", [packageRoot + "/deploy/slurm/cv-folds.sbatch"],
                environment: [
                    "SLURM_JOB_ID": "\(9000 + task)", "SLURM_ARRAY_JOB_ID": "9000", "SLURM_ARRAY_TASK_ID": "\(task)",
                    "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_PROCID": "0", "SLURM_LOCALID": "0", "SLURM_NODEID": "0",
                    "SLURM_NTASKS": "1", "SLURM_JOB_NODELIST": "node01", "COHORT_DIR": directory.path,
                    "COHORT_TRAIN": ChildProcess.product("example-train"), "COHORT_STEPS": "20", "COHORT_CONSOLE": "off",
                ])
            #expect(result.status == 0, "\(result.standardError)")
        }
        let folds = LocalRun.list(under: directory.path)
        #expect(folds.map(\.id).sorted() == ["9000-f0", "9000-f1", "9000-f2"])
        #expect(folds.allSatisfy { $0.group == "9000" && $0.jobType == "fold" && $0.state == .finished })
        let summarize = try ChildProcess.run(ChildProcess.product("cohort"), ["group", "summarize", "9000", "--dir", directory.path, "--json"])
        #expect(summarize.status == 0, "\(summarize.standardError)")
        #expect(try JSONParser.parse(summarize.standardOutput)["metrics"]?["train/loss"]?["count"] == .int(3))
    }

    @Test("deploy/slurm/train.sbatch is valid bash and points the ranks at a leader other than MASTER_PORT")
    func slurmTrainTemplate() throws {
        let path = packageRoot + "/deploy/slurm/train.sbatch"
        let syntax = try ChildProcess.run("/bin/bash", ["-n", path])
        #expect(syntax.status == 0, "\(syntax.standardError)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("#SBATCH --requeue"))
        #expect(text.contains("COHORT_LEADER="))
        #expect(text.contains("srun "))
        #expect(!text.contains("$MASTER_PORT"))
    }
}
