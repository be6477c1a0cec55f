import Cohort
import Testing

extension LaunchDetection {
    /// `launchers.md` §1.3 group id order, restart attempts, and explicit overrides.
    @Suite("group id, attempt and explicit settings")
    struct LaunchGroupTests {
        typealias F = LaunchFixtures

        /// Every source of a group id at once; each case removes the ones above it.
        static let allSources: [String: String] = [
            "COHORT_GROUP": "explicit-group", "COHORT_RUN_GROUP": "cohort-run-group", "WANDB_RUN_GROUP": "wandb-group",
            "TORCHELASTIC_RUN_ID": "elastic-17", "PET_RDZV_ID": "rdzv-17", "SLURM_ARRAY_JOB_ID": "9100",
            "SLURM_JOB_ID": "9102", "SLURM_JOBID": "9102", "LSB_JOBID": "777", "PMIX_NAMESPACE": "slurm.pmix.9102.0",
            "PMI_JOBID": "9102.0", "I_MPI_HYDRA_UUID": "uuid-1", "OMPI_MCA_ess_base_jobid": "1754660865",
            "COHORT_KUBERNETES_JOB_NAME": "label-job", "JOB_COMPLETION_INDEX": "2", "HOSTNAME": "host-job-2",
        ]
        static let order = [
            ("COHORT_GROUP", "explicit-group"), ("COHORT_RUN_GROUP", "cohort-run-group"),
            ("WANDB_RUN_GROUP", "wandb-group"),
            ("TORCHELASTIC_RUN_ID", "elastic-17"), ("PET_RDZV_ID", "rdzv-17"), ("SLURM_ARRAY_JOB_ID", "9100"),
            ("SLURM_JOB_ID", "9102"), ("SLURM_JOBID", "9102"), ("LSB_JOBID", "777"),
            ("PMIX_NAMESPACE", "slurm.pmix.9102.0"),
            ("PMI_JOBID", "9102.0"), ("I_MPI_HYDRA_UUID", "uuid-1"), ("OMPI_MCA_ess_base_jobid", "1754660865"),
            ("COHORT_KUBERNETES_JOB_NAME", "label-job"), ("HOSTNAME", "host-job"),
        ]

        @Test("the group id comes from the first source in §1.3 order", arguments: order.indices)
        func groupPrecedence(position: Int) {
            var environment = Self.allSources
            for (key, _) in Self.order[..<position] where key != "HOSTNAME" { environment[key] = nil }
            let info = Launch.detect(environment)
            #expect(info.groupID == Self.order[position].1)
            #expect(info.notes.contains { $0.hasPrefix("group id from \(Self.order[position].0)") })
        }

        @Test("no source: no group id, and a note that the leader hands one out")
        func noGroup() {
            let info = Launch.detect(F.mvapich(.of8(1)))
            #expect(info.groupID == nil)
            #expect(info.notes.contains("no group id in the environment: the leader hands one out"))
        }

        @Test("TORCHELASTIC_RUN_ID=none falls through to the Slurm job id")
        func noneFallsThrough() {
            let environment = F.merged(F.slurmTask(.of8(0)), F.torchrun(.of8(0), runID: "none"))
            #expect(Launch.detect(environment).groupID == "4242")
        }

        @Test("a hostname that does not end in -<index> gives no Kubernetes job name")
        func hostnameWithoutIndex() {
            let environment = F.merged(F.kubernetesPod(hostname: "standalone"), ["JOB_COMPLETION_INDEX": "2"])
            let info = Launch.detect(environment)
            #expect(info.groupID == nil)
            #expect(info.notes.contains { $0.contains("no Kubernetes job name") })
        }

        @Test("a fully qualified pod hostname is cut at the first dot before the index is removed")
        func qualifiedHostname() {
            let environment = F.merged(
                F.kubernetesPod(hostname: "sweep-cv-4.sweep-cv.default.svc.cluster.local"),
                ["JOB_COMPLETION_INDEX": "4"])
            #expect(Launch.detect(environment).groupID == "sweep-cv")
        }

        @Test("every rank of a launch computes the same group id", arguments: 0..<8)
        func groupAgrees(rank: Int) {
            #expect(Launch.detect(F.openMPI5(.of8(rank))).groupID == Launch.detect(F.openMPI5(.of8(0))).groupID)
            #expect(Launch.detect(F.intelMPI(.of8(rank))).groupID == Launch.detect(F.intelMPI(.of8(0))).groupID)
        }

        // MARK: Restart attempt

        @Test(
            "the restart attempt: SLURM_RESTART_COUNT, else TORCHELASTIC_RESTART_COUNT, else 0",
            arguments: [
                ([:], 0), (["TORCHELASTIC_RESTART_COUNT": "2"], 2), (["SLURM_RESTART_COUNT": "1"], 1),
                (["SLURM_RESTART_COUNT": "1", "TORCHELASTIC_RESTART_COUNT": "3"], 1),
                (["SLURM_RESTART_COUNT": "x", "TORCHELASTIC_RESTART_COUNT": "3"], 3),
                (["SLURM_RESTART_COUNT": "-1"], 0),
            ] as [([String: String], Int)])
        func restartAttempt(environment: [String: String], attempt: Int) {
            #expect(Launch.detect(environment).restartAttempt == attempt)
        }

        // MARK: Explicit settings

        @Test("COHORT_* settings override each launcher value; the launcher becomes explicit")
        func explicitOverridesAll() {
            let environment = F.merged(
                F.torchrun(.of8(5)),
                [
                    "COHORT_RANK": "2", "COHORT_WORLD_SIZE": "3", "COHORT_LOCAL_RANK": "0",
                    "COHORT_LOCAL_WORLD_SIZE": "1",
                    "COHORT_NODE_RANK": "1",
                ])
            let info = Launch.detect(environment)
            #expect(info.launcher == .explicit)
            #expect(info.rank == 2 && info.worldSize == 3 && info.localRank == 0 && info.localWorldSize == 1)
            #expect(info.nodeRank == 1 && info.nodeCount == 2)
            #expect(info.notes.contains { $0.hasPrefix("explicit settings: COHORT_RANK=2") })
        }

        @Test("COHORT_WORLD_SIZE alone keeps the launcher and its rank")
        func explicitWorldSizeOnly() {
            let info = Launch.detect(F.merged(F.indexedJob(index: 1), ["COHORT_WORLD_SIZE": "4"]))
            #expect(info.launcher == .kubernetesIndexedJob && info.rank == 1 && info.worldSize == 4)
        }

        @Test("explicit settings without a launcher do not inherit the single-process guesses")
        func explicitWithoutLauncher() {
            let info = Launch.detect(F.merged(F.shell, ["COHORT_RANK": "3", "COHORT_WORLD_SIZE": "4"]))
            #expect(info.launcher == .explicit && info.rank == 3 && info.worldSize == 4)
            #expect(info.localRank == nil && info.nodeRank == nil && info.isDistributed)
            let rankOnly = Launch.detect(F.merged(F.shell, ["COHORT_RANK": "3"]))
            #expect(rankOnly.rank == 3 && rankOnly.worldSize == nil && rankOnly.isDistributed)
            let sizeOnly = Launch.detect(F.merged(F.shell, ["COHORT_WORLD_SIZE": "4"]))
            #expect(sizeOnly.launcher == .explicit && sizeOnly.rank == nil && sizeOnly.worldSize == 4)
            #expect(sizeOnly.notes.contains("rank unknown: set COHORT_RANK"))
            let worldOfOne = Launch.detect(F.merged(F.shell, ["COHORT_WORLD_SIZE": "1"]))
            #expect(worldOfOne.rank == 0 && worldOfOne.localRank == 0 && !worldOfOne.isDistributed)
        }

        @Test("explicit group settings: COHORT_GROUP, then COHORT_RUN_GROUP, then WANDB_RUN_GROUP")
        func explicitGroup() {
            let environment = F.merged(F.torchrun(.of8(0), runID: "elastic"), ["WANDB_RUN_GROUP": "from-wandb"])
            #expect(Launch.detect(environment).groupID == "from-wandb")
            #expect(Launch.detect(F.merged(environment, ["COHORT_RUN_GROUP": "cohort"])).groupID == "cohort")
            #expect(
                Launch.detect(F.merged(environment, ["COHORT_RUN_GROUP": "c", "COHORT_GROUP": "g"])).groupID == "g")
            #expect(Launch.detect(F.merged(environment, ["COHORT_GROUP": "  "])).groupID == "from-wandb")
        }

        @Test("cohort launch's environment is read as torchrun's")
        func cohortLaunch() {
            let environment = F.merged(
                F.shell,
                [
                    "RANK": "2", "WORLD_SIZE": "4", "LOCAL_RANK": "2", "LOCAL_WORLD_SIZE": "4", "GROUP_RANK": "0",
                    "GROUP_WORLD_SIZE": "1", "ROLE_RANK": "2", "ROLE_WORLD_SIZE": "4", "MASTER_ADDR": "127.0.0.1",
                    "TORCHELASTIC_RUN_ID": "launch-ab12", "TORCHELASTIC_RESTART_COUNT": "0",
                    "COHORT_RUN_GROUP": "launch-ab12",
                    "COHORT_LEADER_PORT": "41000",
                ])
            let info = Launch.detect(environment)
            #expect(
                info.launcher == .torchrun && info.rank == 2 && info.worldSize == 4 && info.groupID == "launch-ab12")
            #expect(info.leaderAddress == .init(host: "127.0.0.1", port: 41000, source: .masterAddress))
        }
    }
}
