import Cohort
import Testing

extension LaunchDetection {
    /// One test per row of `launchers.md` §1.1, each with a full environment of that launcher.
    @Suite("launchers.md §1.1: each launcher's variables")
    struct LauncherTableTests {
        typealias F = LaunchFixtures

        @Test("torchrun: RANK, WORLD_SIZE, LOCAL_*, GROUP_RANK; the run id groups; MASTER_ADDR leads")
        func torchrun() {
            let info = Launch.detect(F.torchrun(.of8(5), runID: "bert-pretrain-17", restart: 2))
            #expect(info.launcher == .torchrun)
            #expect(info.rank == 5 && info.worldSize == 8)
            #expect(info.localRank == 1 && info.localWorldSize == 4)
            #expect(info.nodeRank == 1 && info.nodeCount == 2)
            #expect(info.groupID == "bert-pretrain-17")
            #expect(info.restartAttempt == 2)
            #expect(info.leaderAddress == .init(host: "gpu001", port: nil, source: .masterAddress))
            #expect(info.isDistributed && !info.isLeader)
        }

        @Test("Slurm srun task: SLURM_PROCID, step task count, local size from 3(x1),2 at SLURM_NODEID")
        func srunTask() {
            let placement = Placement.block([3, 2])[4]
            let info = Launch.detect(F.slurmTask(placement, nodes: "gpu[001-002]", tasksPerNode: "3,2"))
            #expect(info.launcher == .slurm)
            #expect(info.rank == 4 && info.worldSize == 5)
            #expect(info.localRank == 1 && info.localWorldSize == 2)
            #expect(info.nodeRank == 1 && info.nodeCount == 2)
            #expect(info.groupID == "4242")
            #expect(info.leaderAddress == .init(host: "gpu001", port: nil, source: .slurmNodeList))
        }

        @Test("srun --mpi=pmi2: PMI_RANK, PMI_SIZE and PMI_JOBID beside Slurm's own task variables")
        func srunPMI2() {
            let placement = Placement.of8(6)
            let environment = F.merged(
                F.slurmTask(placement),
                ["PMI_RANK": "6", "PMI_SIZE": "8", "PMI_FD": "5", "PMI_JOBID": "4242.0"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .slurm)
            #expect(info.rank == 6 && info.worldSize == 8)
            #expect(info.localRank == 2 && info.localWorldSize == 4 && info.nodeRank == 1)
            #expect(info.groupID == "4242")
        }

        @Test("srun --mpi=pmix: PMIX_RANK, with the world size from SLURM_STEP_NUM_TASKS")
        func srunPMIx() {
            let environment = F.merged(
                F.slurmTask(.of8(3)),
                [
                    "PMIX_RANK": "3", "PMIX_NAMESPACE": "slurm.pmix.4242.0",
                    "PMIX_SERVER_URI41": "pmix-server.1;tcp4://10.0.0.2:5000",
                ])
            let info = Launch.detect(environment)
            #expect(info.launcher == .pmix)
            #expect(info.rank == 3 && info.worldSize == 8)
            #expect(info.localRank == 3 && info.localWorldSize == 4 && info.nodeRank == 0 && info.nodeCount == 2)
            #expect(info.groupID == "4242")
        }

        @Test("Slurm batch script (no step): one process; the job id still groups")
        func sbatchScript() {
            let info = Launch.detect(F.slurmBatch())
            #expect(info.launcher == .single)
            #expect(info.rank == 0 && info.worldSize == 1 && !info.isDistributed)
            #expect(info.groupID == "4242")
            #expect(info.notes.contains { $0.contains("Slurm batch script (no SLURM_STEP_ID)") })
        }

        @Test("Open MPI 4.1.4: OMPI_COMM_WORLD_*, node count from orte_num_nodes, PMIX_NAMESPACE groups")
        func openMPI4() {
            let info = Launch.detect(F.openMPI4(.of8(6)))
            #expect(info.launcher == .openMPI)
            #expect(info.rank == 6 && info.worldSize == 8)
            #expect(info.localRank == 2 && info.localWorldSize == 4)
            #expect(info.nodeRank == nil && info.nodeCount == 2)
            #expect(info.groupID == "1754660865")
            #expect(info.leaderCandidates.isEmpty)
        }

        @Test("Open MPI 5.0 (PRRTE): OMPI_COMM_WORLD_*, the prterun namespace groups")
        func openMPI5() {
            let info = Launch.detect(F.openMPI5(.of8(1)))
            #expect(info.launcher == .openMPI)
            #expect(info.rank == 1 && info.worldSize == 8 && info.localRank == 1 && info.localWorldSize == 4)
            #expect(info.nodeRank == nil)
            #expect(info.groupID == "prterun-gpu001-31337@1")
        }

        @Test("Open MPI 5 without OMPI_COMM_WORLD_SIZE: OMPI_WORLD_SIZE and OMPI_WORLD_LOCAL_SIZE")
        func openMPI5ShortNames() {
            var environment = F.openMPI5(.of8(2))
            environment["OMPI_COMM_WORLD_SIZE"] = nil
            environment["OMPI_COMM_WORLD_LOCAL_SIZE"] = nil
            let info = Launch.detect(environment)
            #expect(info.worldSize == 8 && info.localWorldSize == 4)
        }

        @Test("MPICH Hydra: PMI_RANK, PMI_SIZE, MPI_LOCALRANKID, MPI_LOCALNRANKS; no group id")
        func mpich() {
            let info = Launch.detect(F.mpich(.of8(7)))
            #expect(info.launcher == .hydra)
            #expect(info.rank == 7 && info.worldSize == 8 && info.localRank == 3 && info.localWorldSize == 4)
            #expect(info.nodeRank == nil)
            #expect(info.groupID == nil)
            #expect(info.notes.contains { $0.contains("leader hands one out") })
        }

        @Test("Intel MPI: Hydra's variables, node rank from HYDRA_BSTRAP_NODE_ID, I_MPI_HYDRA_UUID groups")
        func intelMPI() {
            let info = Launch.detect(F.intelMPI(.of8(5)))
            #expect(info.launcher == .hydra)
            #expect(info.rank == 5 && info.worldSize == 8 && info.localRank == 1 && info.nodeRank == 1)
            #expect(info.groupID == "7a5c0000-3f2b-8d1e-0b00-0a0000012c00")
        }

        @Test("MVAPICH2 mpirun_rsh: MV2_COMM_WORLD_*")
        func mvapich() {
            let info = Launch.detect(F.mvapich(.of8(4)))
            #expect(info.launcher == .mvapich)
            #expect(info.rank == 4 && info.worldSize == 8 && info.localRank == 0 && info.localWorldSize == 4)
        }

        @Test("Horovod (Gloo): HOROVOD_*, node rank from HOROVOD_CROSS_RANK, never the rendezvous as leader")
        func horovodGloo() {
            let info = Launch.detect(F.horovod(.of8(3)))
            #expect(info.launcher == .horovod)
            #expect(info.rank == 3 && info.worldSize == 8 && info.localRank == 3 && info.localWorldSize == 4)
            #expect(info.nodeRank == 0 && info.nodeCount == 2)
            #expect(!info.leaderCandidates.contains { $0.host == "10.0.0.9" })
            #expect(info.notes.contains { $0.contains("HOROVOD_GLOO_RENDEZVOUS_ADDR not used") })
        }

        @Test("Horovod in MPI mode: the MPI launcher's variables are read")
        func horovodMPI() {
            let environment = F.merged(
                F.openMPI4(.of8(2)), ["HOROVOD_CONTROLLER": "mpi", "HOROVOD_CPU_OPERATIONS": "mpi"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .openMPI && info.rank == 2 && info.worldSize == 8)
        }

        @Test("DeepSpeed (pdsh): RANK, WORLD_SIZE, LOCAL_SIZE, CROSS_RANK")
        func deepSpeed() {
            let info = Launch.detect(F.deepSpeed(.of8(6)))
            #expect(info.launcher == .deepSpeed)
            #expect(info.rank == 6 && info.worldSize == 8 && info.localRank == 2 && info.localWorldSize == 4)
            #expect(info.nodeRank == 1 && info.nodeCount == 2)
            #expect(info.leaderAddress?.host == "gpu001" && info.leaderAddress?.port == nil)
        }

        @Test("DeepSpeed --launcher openmpi: Open MPI's ranks, DeepSpeed's MASTER_ADDR leads")
        func deepSpeedOverOpenMPI() {
            let environment = F.merged(
                F.openMPI4(.of8(5)),
                ["MASTER_ADDR": "gpu001", "MASTER_PORT": "29500", "WORLD_SIZE": "8", "LOCAL_SIZE": "4"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .openMPI && info.rank == 5 && info.worldSize == 8 && info.localWorldSize == 4)
            #expect(info.leaderAddress == .init(host: "gpu001", port: nil, source: .masterAddress))
        }

        @Test("Kubernetes Indexed Job: JOB_COMPLETION_INDEX is the rank; the job name (HOSTNAME) groups")
        func indexedJob() {
            let info = Launch.detect(F.merged(F.indexedJob(index: 2), ["COHORT_WORLD_SIZE": "5"]))
            #expect(info.launcher == .kubernetesIndexedJob)
            #expect(info.rank == 2 && info.worldSize == 5 && info.localRank == 0 && info.localWorldSize == 1)
            #expect(info.groupID == "sweep-cv")
        }

        @Test("JobSet child job: the completion index is the rank; hostname minus the index groups")
        func jobSet() {
            let environment = F.merged(
                F.kubernetesPod(hostname: "train-workers-0-3"), ["JOB_COMPLETION_INDEX": "3", "COHORT_WORLD_SIZE": "4"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .kubernetesIndexedJob && info.rank == 3 && info.worldSize == 4)
            #expect(info.groupID == "train-workers-0")
        }

        @Test("Kubeflow PyTorchJob v1 worker under torchrun: torchrun's values, MASTER_ADDR leads")
        func kubeflowWorker() {
            let environment = F.merged(
                F.kubeflowPod(podIndex: 1, pods: 2, perNode: 4),
                F.torchrun(.of8(5), masterAddr: "bert-master-0"))
            let info = Launch.detect(environment)
            #expect(info.launcher == .torchrun)
            #expect(info.rank == 5 && info.worldSize == 8 && info.localRank == 1 && info.nodeRank == 1)
            #expect(info.leaderAddress?.host == "bert-master-0")
        }

        @Test("Kubeflow Trainer v2 worker: torchrun's values; TORCHELASTIC_RUN_ID=none; PET_MASTER_ADDR")
        func trainerV2Worker() {
            let pod = F.trainerPod(node: 1, nodes: 2, perNode: 4)
            var environment = F.merged(pod, F.torchrun(.of8(6), masterAddr: "llama-node-0-0.llama"))
            environment["HOSTNAME"] = "llama-node-0-1"
            let info = Launch.detect(environment)
            #expect(info.launcher == .torchrun && info.rank == 6 && info.worldSize == 8)
            #expect(info.groupID == "llama-node-0")
            // torchrun passes PET_MASTER_ADDR on as MASTER_ADDR: one candidate, not two.
            #expect(info.leaderCandidates == [.init(host: "llama-node-0-0.llama", port: nil, source: .masterAddress)])
        }

        @Test("Kubeflow MPIJob: the MPI launcher's variables")
        func kubeflowMPIJob() {
            let environment = F.merged(
                F.kubernetesPod(hostname: "mnist-worker-1"), F.openMPI4(.of8(4)), ["K_MPI_JOB_ROLE": "worker"])
            let info = Launch.detect(environment)
            #expect(info.launcher == .openMPI && info.rank == 4 && info.groupID == "1754660865")
        }

        @Test("LSF jsrun: JSM_NAMESPACE_*, LSB_JOBID groups")
        func lsf() {
            let info = Launch.detect(F.lsf(.of8(3)))
            #expect(info.launcher == .lsf)
            #expect(info.rank == 3 && info.worldSize == 8 && info.localRank == 3 && info.localWorldSize == 4)
            #expect(info.groupID == "777123")
        }

        @Test("no launcher: a single process, rank 0 of 1, leading nobody")
        func single() {
            let info = Launch.detect(F.shell)
            #expect(
                info
                    == LaunchInfo(
                        launcher: .single, rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, nodeRank: 0,
                        nodeCount: 1,
                        notes: info.notes))
            #expect(!info.isDistributed && info.isLeader && info.leaderCandidates.isEmpty)
        }
    }
}
