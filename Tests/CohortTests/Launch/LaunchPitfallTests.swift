import Cohort
import Testing

extension LaunchDetection {
    /// `launchers.md` §1.2: the traps found while running the launchers, one or more tests each.
    @Suite("launchers.md §1.2: pitfalls")
    struct LaunchPitfallTests {
        typealias F = LaunchFixtures

        // MARK: 1. sbatch + mpirun

        @Test(
            "1. mpirun inside sbatch: each rank is its OMPI rank, never the inherited SLURM_PROCID=0",
            arguments: 0..<8)
        func mpirunInsideSbatch(rank: Int) {
            let environment = F.merged(F.slurmBatch(), F.openMPI4(.of8(rank)))
            #expect(environment["SLURM_PROCID"] == "0" && environment["SLURM_STEP_ID"] == nil)
            let info = Launch.detect(environment)
            #expect(info.launcher == .openMPI)
            #expect(info.rank == rank && info.worldSize == 8 && info.localRank == rank % 4)
            #expect(info.groupID == "4242")
            #expect(info.notes.contains { $0.contains("SLURM_PROCID=0 ignored: Open MPI inside an sbatch script") })
        }

        @Test("1. Hydra's Slurm bootstrap (proxies started by srun): PMI_RANK wins over SLURM_PROCID")
        func hydraSlurmBootstrap() {
            let proxyTask = F.slurmTask(Placement.block([1, 1])[1], tasksPerNode: "1(x2)")
            let info = Launch.detect(F.merged(proxyTask, F.mpich(.of8(6))))
            #expect(info.launcher == .hydra)
            #expect(info.rank == 6 && info.worldSize == 8 && info.localRank == 2 && info.localWorldSize == 4)
            #expect(info.notes.contains { $0.contains("SLURM_PROCID=1 ignored") })
        }

        // MARK: 2. torchrun inside srun

        @Test(
            "2. torchrun inside srun (one task per node): RANK and WORLD_SIZE, not SLURM_PROCID and SLURM_NTASKS",
            arguments: 0..<8)
        func torchrunInsideSrun(rank: Int) {
            let placement = Placement.of8(rank)
            let nodeTask = F.slurmTask(Placement.block([1, 1])[placement.node], tasksPerNode: "1(x2)")
            let info = Launch.detect(F.merged(nodeTask, F.torchrun(placement)))
            #expect(nodeTask["SLURM_PROCID"] == "\(placement.node)" && nodeTask["SLURM_NTASKS"] == "2")
            #expect(info.launcher == .torchrun)
            #expect(
                info.rank == rank && info.worldSize == 8 && info.localWorldSize == 4 && info.nodeRank == placement.node)
            #expect(info.groupID == "4242")  // TORCHELASTIC_RUN_ID is `none`
            #expect(info.notes.contains { $0.contains("ignored: torchrun runs inside an srun step") })
        }

        // MARK: 3. TORCHELASTIC_RUN_ID=none

        @Test("3. TORCHELASTIC_RUN_ID=none (any case) is not a group id", arguments: ["none", "None", "NONE"])
        func runIDNone(value: String) {
            let info = Launch.detect(F.torchrun(.of8(1), runID: value))
            #expect(info.groupID == nil)
            #expect(info.notes.contains { $0.contains("TORCHELASTIC_RUN_ID=none ignored") })
        }

        @Test("3. torchrun --standalone's random run id groups")
        func standaloneRunID() {
            let info = Launch.detect(F.torchrun(.of8(0), runID: "2f0b6c1e-8a7d-4f7e-9a55-0f4f3c3a9b1d"))
            #expect(info.groupID == "2f0b6c1e-8a7d-4f7e-9a55-0f4f3c3a9b1d")
        }

        // MARK: 4. MASTER_PORT is taken

        @Test("4. MASTER_PORT is never the leader's port; COHORT_LEADER_PORT is")
        func masterPortNotUsed() {
            let plain = Launch.detect(F.torchrun(.of8(3)))
            #expect(plain.leaderCandidates.allSatisfy { $0.port == nil })
            #expect(plain.notes.contains { $0.contains("MASTER_PORT=29500 not used for the leader") })
            let withPort = Launch.detect(F.merged(F.torchrun(.of8(3)), ["COHORT_LEADER_PORT": "29611"]))
            #expect(withPort.leaderAddress == .init(host: "gpu001", port: 29611, source: .masterAddress))
        }

        // MARK: 5. OMPI_COMM_WORLD_NODE_RANK

        @Test(
            "5. OMPI_COMM_WORLD_NODE_RANK (= the local rank in a 2-node launch) is not the node rank",
            arguments: [4, 5, 6, 7])
        func ompiNodeRankIgnored(rank: Int) {
            let environment = F.openMPI4(.of8(rank))
            #expect(environment["OMPI_COMM_WORLD_NODE_RANK"] == "\(rank - 4)")
            let info = Launch.detect(environment)
            #expect(info.nodeRank == nil)
            #expect(info.notes.contains { $0.contains("OMPI_COMM_WORLD_NODE_RANK not used as the node rank") })
        }

        // MARK: 6. MPICH -pmi-port

        @Test("6. MPICH -pmi-port: PMI_ID is the rank; the size is unknown and says so")
        func pmiPort() {
            let info = Launch.detect(F.mpichPMIPort(.of8(5)))
            #expect(info.launcher == .hydra)
            #expect(info.rank == 5 && info.worldSize == nil && info.localRank == 1 && info.localWorldSize == 4)
            #expect(info.isDistributed)
            #expect(info.notes.contains { $0.contains("MPICH -pmi-port: PMI_ID is the rank") })
            #expect(info.notes.contains { $0.contains("world size unknown") })
        }

        @Test("6. MPICH -pmi-port with COHORT_WORLD_SIZE: the size is known")
        func pmiPortWithExplicitSize() {
            let info = Launch.detect(F.merged(F.mpichPMIPort(.of8(5)), ["COHORT_WORLD_SIZE": "8"]))
            #expect(info.launcher == .hydra && info.rank == 5 && info.worldSize == 8)
            #expect(!info.notes.contains { $0.contains("world size unknown") })
        }

        // MARK: 7. no shared id, no rank-0 address under MPI

        @Test("7. MPICH gives no group id and no leader address; exporting MASTER_ADDR gives one")
        func mpichNoGroupNoLeader() {
            let bare = Launch.detect(F.mpich(.of8(2)))
            #expect(bare.groupID == nil && bare.leaderCandidates.isEmpty)
            #expect(bare.notes.contains { $0.contains("no leader address in the environment") })
            let exported = Launch.detect(
                F.merged(F.mpich(.of8(2)), ["MASTER_ADDR": "gpu001", "COHORT_LEADER_PORT": "7001"]))
            #expect(exported.leaderAddress == .init(host: "gpu001", port: 7001, source: .masterAddress))
        }

        // MARK: 8. Kubeflow pod-level RANK

        @Test(
            "8. Kubeflow PyTorchJob pod before torchrun: RANK is the pod index, used as the node rank",
            arguments: 0..<2)
        func kubeflowPodLevelRank(pod: Int) {
            let info = Launch.detect(F.kubeflowPod(podIndex: pod, pods: 2, perNode: 4))
            #expect(info.launcher == .kubeflow)
            #expect(info.rank == nil && !info.isLeader)
            #expect(info.nodeRank == pod && info.nodeCount == 2)
            #expect(info.worldSize == 8 && info.localWorldSize == 4 && info.localRank == nil)
            #expect(info.notes.contains { $0.contains("is the pod index, not a process rank") })
        }

        @Test("8. Kubeflow pod with one process per pod: the pod index is the rank")
        func kubeflowOneProcessPerPod() {
            let info = Launch.detect(F.kubeflowPod(podIndex: 2, pods: 3, perNode: 1))
            #expect(info.launcher == .kubeflow && info.rank == 2 && info.worldSize == 3 && info.localRank == 0)
        }

        @Test("8. Kubeflow Trainer v2 pod before torchrun: PET_NODE_RANK, not JOB_COMPLETION_INDEX, and no rank")
        func trainerPodLevel() {
            let info = Launch.detect(F.trainerPod(node: 1, nodes: 2, perNode: 4))
            #expect(info.launcher == .kubeflow)
            #expect(info.rank == nil && info.nodeRank == 1 && info.nodeCount == 2 && info.worldSize == 8)
            #expect(
                info.leaderAddress == .init(host: "llama-node-0-0.llama", port: nil, source: .kubeflowMasterAddress))
        }

        @Test("8. PET_NPROC_PER_NODE=auto: the per-node count is unknown, RANK still a pod index")
        func kubeflowAutoProcesses() {
            var environment = F.kubeflowPod(podIndex: 1, pods: 2, perNode: 4)
            environment["PET_NPROC_PER_NODE"] = "auto"
            let info = Launch.detect(environment)
            #expect(info.launcher == .kubeflow && info.rank == nil && info.nodeRank == 1 && info.localWorldSize == nil)
        }

        // MARK: 9. DeepSpeed's names

        @Test("9. DeepSpeed: LOCAL_SIZE and CROSS_RANK stand in for LOCAL_WORLD_SIZE and GROUP_RANK")
        func deepSpeedNames() {
            let environment = F.deepSpeed(.of8(7))
            #expect(environment["LOCAL_WORLD_SIZE"] == nil && environment["GROUP_RANK"] == nil)
            let info = Launch.detect(environment)
            #expect(info.localWorldSize == 4 && info.nodeRank == 1 && info.nodeCount == 2)
            #expect(info.notes.contains { $0.contains("DeepSpeed: local world size from LOCAL_SIZE") })
        }

        // MARK: 10. Slurm layouts and host lists

        @Test(
            "10. srun with 2(x3),1 tasks per node: each rank's local world size is its node's count",
            arguments: Placement.block([2, 2, 2, 1]))
        func unevenTasksPerNode(placement: Placement) {
            let environment = F.slurmTask(placement, nodes: "gpu[007-009],cpu1", tasksPerNode: "2(x3),1")
            let info = Launch.detect(environment)
            #expect(info.rank == placement.rank && info.worldSize == 7)
            #expect(info.localRank == placement.localRank && info.localWorldSize == placement.localWorldSize)
            #expect(info.nodeRank == placement.node && info.nodeCount == 4)
            #expect(info.leaderAddress?.host == "gpu007")
        }

        // MARK: 11. requeue

        @Test("11. a requeued job keeps its group id; SLURM_RESTART_COUNT is the attempt")
        func requeue() {
            let first = Launch.detect(F.slurmTask(.of8(3)))
            let requeued = Launch.detect(F.merged(F.slurmTask(.of8(3)), ["SLURM_RESTART_COUNT": "1"]))
            #expect(first.restartAttempt == 0 && requeued.restartAttempt == 1)
            #expect(first.groupID == requeued.groupID && requeued.rank == first.rank)
        }

        // MARK: 12. arrays

        @Test("12. Slurm array tasks share the array job id as group; the task id is the fold", arguments: 0..<3)
        func arrayTasks(task: Int) {
            let environment = F.merged(
                F.slurmBatch(job: 9100 + task, nodes: "cpu[1-3]", nodeCount: 1, tasks: 1, tasksPerNode: "1"),
                [
                    "SLURM_ARRAY_JOB_ID": "9102", "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "3",
                    "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "2",
                ])
            let info = Launch.detect(environment)
            #expect(info.groupID == "9102")
            #expect(info.arrayTaskID == task && info.arrayTaskCount == 3)
            #expect(info.launcher == .single && info.rank == 0)
        }

        // MARK: Kubernetes world size

        @Test("an Indexed Job without COHORT_WORLD_SIZE: the world size is unknown and a note says how to set it")
        func indexedJobWithoutWorldSize() {
            let info = Launch.detect(F.indexedJob(index: 3))
            #expect(info.launcher == .kubernetesIndexedJob && info.rank == 3 && info.worldSize == nil)
            #expect(info.isDistributed)
            #expect(info.notes.contains { $0.contains("set COHORT_WORLD_SIZE") })
        }
    }
}
