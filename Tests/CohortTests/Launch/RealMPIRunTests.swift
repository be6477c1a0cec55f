import Cohort
import CohortTestSupport
import Foundation
import Glibc
import Testing

extension LaunchDetection {
    /// Open MPI's `mpirun`, when installed (Debian: `apt-get install openmpi-bin`).
    enum OpenMPIRun {
        /// `mpirun.openmpi` (Debian's name when several MPIs are installed), else `mpirun`, from PATH.
        static let path: String? = {
            let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            for name in ["mpirun.openmpi", "mpirun"] {
                for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)")
                {
                    return "\(directory)/\(name)"
                }
            }
            return nil
        }()

        /// This machine's host name, which a one-node Slurm allocation would list.
        static var hostName: String {
            var buffer = [CChar](repeating: 0, count: 256)
            guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// Runs `mpirun -np <ranks>` with only `extra` (plus PATH and HOME) in its environment; each rank
        /// writes its environment to a file. Returns the ranks' environments, in rank order.
        static func environments(ranks: Int, extra: [String: String]) throws -> [[String: String]] {
            let mpirun = try #require(path)
            let directory = try TemporaryDirectory(prefix: "cohort-mpirun")
            defer { directory.remove() }
            var clean = [
                "PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")", "HOME=\(directory.path)",
            ]
            clean += extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            let script = #"env -0 > "$0/rank-$OMPI_COMM_WORLD_RANK.env""#
            // `env -i` so that the test runner's own variables (a CI job under Slurm, COHORT_*) stay out.
            let arguments =
                ["-i"] + clean + [
                    mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "\(ranks)", "/bin/sh", "-c", script,
                    directory.path,
                ]
            let result = try ChildProcess.run("/usr/bin/env", arguments, timeout: .seconds(60))
            #expect(result.status == 0, "mpirun failed: \(result.standardError)")
            return try (0..<ranks).map { rank in
                let data = try Data(contentsOf: URL(fileURLWithPath: directory.appending("rank-\(rank).env")))
                var environment: [String: String] = [:]
                for entry in data.split(separator: 0) {
                    let text = String(decoding: entry, as: UTF8.self)
                    guard let equals = text.firstIndex(of: "=") else { continue }
                    environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
                }
                return environment
            }
        }
    }
}
extension LaunchDetection {
    /// `Launch.detect()` on the environments a real `mpirun` gives its ranks.
    @Suite(
        "real Open MPI mpirun",
        .enabled(if: LaunchDetection.OpenMPIRun.path != nil, "mpirun is not installed (apt-get install openmpi-bin)"),
        .timeLimit(.minutes(2)))
    struct RealMPIRunTests {
        @Test("mpirun -np 3: ranks 0, 1, 2 of 3, local ranks 0–2, one group id, a loopback leader")
        func threeRanks() throws {
            let infos = try OpenMPIRun.environments(ranks: 3, extra: [:]).map { Launch.detect($0) }
            #expect(infos.map(\.launcher) == [.openMPI, .openMPI, .openMPI])
            #expect(infos.map(\.rank) == [0, 1, 2])
            #expect(infos.allSatisfy { $0.worldSize == 3 && $0.localWorldSize == 3 && $0.nodeRank == nil })
            #expect(infos.map(\.localRank) == [0, 1, 2])
            let group = try #require(infos[0].groupID)
            #expect(infos.allSatisfy { $0.groupID == group })
            #expect(infos.allSatisfy { $0.leaderAddress == .init(host: "127.0.0.1", port: nil, source: .loopback) })
            #expect(infos.filter(\.isLeader).count == 1)
        }

        @Test("mpirun inside a Slurm batch script: every rank inherits SLURM_PROCID=0, detection ignores it")
        func insideSbatch() throws {
            let host = OpenMPIRun.hostName
            let batch = [
                "SLURM_JOB_ID": "4242", "SLURM_JOBID": "4242", "SLURM_PROCID": "0", "SLURM_LOCALID": "0",
                "SLURM_NODEID": "0", "SLURM_NTASKS": "3", "SLURM_NPROCS": "3", "SLURM_NNODES": "1",
                "SLURM_JOB_NUM_NODES": "1", "SLURM_JOB_NODELIST": host, "SLURM_NODELIST": host,
                "SLURM_TASKS_PER_NODE": "3", "SLURM_JOB_CPUS_PER_NODE": "3", "SLURM_CPUS_ON_NODE": "3",
            ]
            let environments = try OpenMPIRun.environments(ranks: 3, extra: batch)
            #expect(environments.allSatisfy { $0["SLURM_PROCID"] == "0" && $0["SLURM_STEP_ID"] == nil })
            let infos = environments.map { Launch.detect($0) }
            #expect(infos.map(\.rank) == [0, 1, 2])
            #expect(infos.allSatisfy { $0.launcher == .openMPI && $0.worldSize == 3 && $0.groupID == "4242" })
            #expect(infos.allSatisfy { $0.notes.contains { $0.contains("SLURM_PROCID=0 ignored") } })
            #expect(infos.allSatisfy { $0.leaderAddress?.host == host })
        }
    }
}
