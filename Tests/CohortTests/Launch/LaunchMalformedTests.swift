import Cohort
import CohortTestSupport
import Testing

extension LaunchDetection {
    /// Unreadable values never crash detection: the value is skipped, the next source is used, and a
    /// note says what happened.
    @Suite("malformed environments")
    struct LaunchMalformedTests {
        typealias F = LaunchFixtures

        static let garbage = ["abc", "-1", "1.5", "", "  ", "0x10", "+3", "١", "99999999999999999999999", "3 4"]

        @Test("an unreadable RANK: torchrun's values are not used", arguments: garbage)
        func unreadableRank(value: String) {
            var environment = F.torchrun(.of8(5))
            environment["RANK"] = value
            let info = Launch.detect(environment)
            #expect(info.launcher == .single && info.rank == 0 && info.worldSize == 1)
            if !value.allSatisfy(\.isWhitespace) {
                #expect(info.notes.contains { $0.hasPrefix("RANK=") && $0.contains("is not a non-negative integer") })
            }
        }

        @Test("an unreadable RANK inside an srun step does not fall back to SLURM_PROCID (a node index)")
        func unreadableRankInSrun() {
            let nodeTask = F.slurmTask(Placement.block([1, 1])[1], tasksPerNode: "1(x2)")
            var environment = F.merged(nodeTask, F.torchrun(.of8(5)))
            environment["RANK"] = "five"
            let info = Launch.detect(environment)
            #expect(info.launcher != .slurm && info.rank != 1)
            #expect(
                info.notes.contains("Slurm task variables not used: RANK is set by a launcher inside the srun step"))
        }

        @Test("a rank not below the world size: that launcher is skipped for the next one")
        func rankNotBelowWorldSize() {
            var environment = F.merged(F.slurmBatch(), F.openMPI4(.of8(5)))
            environment["OMPI_COMM_WORLD_SIZE"] = "4"
            let info = Launch.detect(environment)
            // Open MPI 4 also sets PMIX_RANK: the next source in the order, with no size outside Slurm.
            #expect(info.launcher == .pmix && info.rank == 5 && info.worldSize == nil)
            #expect(
                info.notes.contains {
                    $0.contains("Open MPI variables not used") && $0.contains("rank 5 is not below world size 4")
                })
        }

        @Test("an unreadable world size: the rank is kept, the size is unknown")
        func unreadableWorldSize() {
            var environment = F.torchrun(.of8(5))
            environment["WORLD_SIZE"] = "0"
            let info = Launch.detect(environment)
            #expect(info.launcher == .torchrun && info.rank == 5 && info.worldSize == nil)
            #expect(info.notes.contains("WORLD_SIZE=\"0\" is not a positive integer; ignored"))
        }

        @Test("a local rank not below the local world size: both unknown, the rank kept")
        func localRankContradiction() {
            var environment = F.torchrun(.of8(5))
            environment["LOCAL_RANK"] = "4"
            let info = Launch.detect(environment)
            #expect(info.rank == 5 && info.localRank == nil && info.localWorldSize == nil)
            #expect(info.notes.contains { $0.contains("local rank 4 is not below local world size 4") })
        }

        @Test("a node rank not below the node count, or more local ranks than ranks: dropped to unknown")
        func nodeAndLocalSizeContradictions() {
            var environment = F.torchrun(.of8(5))
            environment["GROUP_RANK"] = "2"
            environment["LOCAL_WORLD_SIZE"] = "16"
            environment["LOCAL_RANK"] = "9"
            let info = Launch.detect(environment)
            #expect(info.rank == 5 && info.worldSize == 8)
            #expect(info.localWorldSize == nil && info.nodeRank == nil && info.nodeCount == nil)
        }

        @Test("explicit settings that contradict are dropped and the launcher's values kept")
        func explicitContradiction() {
            let environment = F.merged(F.torchrun(.of8(5)), ["COHORT_RANK": "9"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .torchrun && info.rank == 5 && info.worldSize == 8)
            #expect(info.notes.contains { $0.contains("explicit settings dropped (rank 9 is not below world size 8)") })
            let both = Launch.detect(F.merged(F.shell, ["COHORT_RANK": "4", "COHORT_WORLD_SIZE": "4"]))
            #expect(both.launcher == .single && both.rank == 0 && both.worldSize == 1)
        }

        @Test("an unreadable explicit setting is ignored with a note", arguments: ["x", "-2", "1e3"])
        func unreadableExplicit(value: String) {
            let info = Launch.detect(F.merged(F.torchrun(.of8(5)), ["COHORT_RANK": value, "COHORT_WORLD_SIZE": value]))
            #expect(info.launcher == .torchrun && info.rank == 5 && info.worldSize == 8)
            #expect(info.notes.contains { $0.hasPrefix("COHORT_RANK=") })
        }

        @Test(
            "a malformed tasks-per-node list: local world size unknown, the rest kept",
            arguments: ["4(x", "(x2)", "4(y2)", "0", "4,,4", "two"])
        func malformedTasksPerNode(value: String) {
            var environment = F.slurmTask(.of8(5))
            environment["SLURM_STEP_TASKS_PER_NODE"] = value
            let info = Launch.detect(environment)
            #expect(info.launcher == .slurm && info.rank == 5 && info.localRank == 1 && info.localWorldSize == nil)
            #expect(info.notes.contains { $0.contains("is not a Slurm tasks-per-node list") })
        }

        @Test("a tasks-per-node list shorter than SLURM_NODEID: local world size unknown")
        func tasksPerNodeTooShort() {
            var environment = F.slurmTask(.of8(5))
            environment["SLURM_STEP_TASKS_PER_NODE"] = "4"
            let info = Launch.detect(environment)
            #expect(info.localWorldSize == nil)
            #expect(info.notes.contains { $0.contains("lists 1 nodes, not node 1") })
        }

        @Test("a Slurm array task id that is not a number is skipped")
        func malformedArrayTask() {
            let info = Launch.detect(
                F.merged(F.slurmBatch(), ["SLURM_ARRAY_JOB_ID": "9100", "SLURM_ARRAY_TASK_ID": "4294967294x"]))
            #expect(info.arrayTaskID == nil && info.groupID == "9100")
        }

        @Test("values with surrounding whitespace are read; long garbage is clipped in notes")
        func whitespaceAndClipping() {
            var environment = F.torchrun(.of8(5))
            environment["RANK"] = " 5\n"
            #expect(Launch.detect(environment).rank == 5)
            environment["RANK"] = String(repeating: "z", count: 500)
            let info = Launch.detect(environment)
            #expect(info.notes.allSatisfy { $0.count < 300 })
        }

        @Test("random environments built from launcher variables never crash and stay consistent", arguments: 0..<200)
        func randomEnvironments(seed: Int) {
            var generator = SplitMix64(seed: UInt64(seed))
            let keys = Self.rankKeys
            let values = [
                "0", "1", "3", "7", "8", "-1", "x", "", "none", "2(x3),1", "gpu[1-2]", "99999999999999999999",
            ]
            var environment: [String: String] = [:]
            for key in keys where generator.next() % 3 == 0 {
                environment[key] = values[Int(generator.next() % UInt64(values.count))]
            }
            let info = Launch.detect(environment)
            if let rank = info.rank, let worldSize = info.worldSize { #expect(rank < worldSize) }
            if let rank = info.localRank, let size = info.localWorldSize { #expect(rank < size) }
            if let rank = info.nodeRank, let count = info.nodeCount { #expect(rank < count) }
            #expect(info.restartAttempt >= 0 && !info.notes.isEmpty)
        }

        static let rankKeys = [
            "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "LOCAL_SIZE", "GROUP_RANK", "GROUP_WORLD_SIZE",
            "CROSS_RANK", "TORCHELASTIC_RUN_ID", "PET_NPROC_PER_NODE", "PET_NODE_RANK", "PET_NNODES", "HOROVOD_RANK",
            "HOROVOD_SIZE", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
            "MV2_COMM_WORLD_RANK", "PMI_RANK", "PMI_SIZE", "PMI_ID", "MPI_LOCALRANKID", "PMIX_RANK", "SLURM_PROCID",
            "SLURM_STEP_ID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NODEID", "SLURM_STEP_TASKS_PER_NODE",
            "SLURM_STEP_NODELIST", "JSM_NAMESPACE_RANK", "JOB_COMPLETION_INDEX", "COHORT_RANK", "COHORT_WORLD_SIZE",
            "COHORT_LOCAL_RANK", "COHORT_NODE_RANK", "COHORT_LEADER", "COHORT_LEADER_PORT", "SLURM_RESTART_COUNT",
        ]
    }
}
