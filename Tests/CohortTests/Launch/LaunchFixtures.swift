import Cohort
import Testing

/// Every suite about `Launch.detect()` and its parsers (`swift test --filter LaunchDetection`).
@Suite("Launch detection")
enum LaunchDetection {}

extension LaunchDetection {
    /// Where one rank sits in a job: what a launcher knows and writes into that rank's environment.
    struct Placement: Sendable, Hashable, CustomTestStringConvertible {
        var rank: Int
        var worldSize: Int
        var localRank: Int
        var localWorldSize: Int
        var node: Int
        var nodeCount: Int

        var testDescription: String { "rank \(rank)/\(worldSize) local \(localRank)/\(localWorldSize) node \(node)" }

        /// Block placement (ranks fill node 0, then node 1, …), as every launcher here does by default.
        static func block(_ perNode: [Int]) -> [Placement] {
            let worldSize = perNode.reduce(0, +)
            var placements: [Placement] = []
            for (node, count) in perNode.enumerated() {
                for localRank in 0..<count {
                    placements.append(
                        Placement(
                            rank: placements.count, worldSize: worldSize, localRank: localRank, localWorldSize: count,
                            node: node, nodeCount: perNode.count))
                }
            }
            return placements
        }

        /// One rank of a 2-node job with 4 ranks per node.
        static func of8(_ rank: Int) -> Placement { block([4, 4])[rank] }
    }

    /// Realistic launcher environments, with the variable sets of `launchers.md` §1.1 (and, for Open MPI 4
    /// and Slurm 22.05, the variables seen when running them), on top of an ordinary login shell.
    enum LaunchFixtures {
        /// What every process has before a launcher adds anything.
        static let shell: [String: String] = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/home/ada", "USER": "ada", "LOGNAME": "ada",
            "SHELL": "/bin/bash", "LANG": "C.UTF-8", "PWD": "/home/ada/train", "TERM": "xterm-256color", "SHLVL": "1",
        ]

        /// `base` with each of `layers` laid over it in turn.
        static func merged(_ base: [String: String], _ layers: [String: String]...) -> [String: String] {
            layers.reduce(base) { $0.merging($1) { _, new in new } }
        }

        // MARK: - torchrun and PyTorch-style launchers

        /// A torchrun worker (`torchrun --nnodes N --nproc-per-node M --master-addr gpu001 …`).
        static func torchrun(
            _ p: Placement, runID: String = "none", restart: Int = 0, masterAddr: String = "gpu001"
        ) -> [String: String] {
            merged(
                shell,
                [
                    "RANK": "\(p.rank)", "WORLD_SIZE": "\(p.worldSize)", "LOCAL_RANK": "\(p.localRank)",
                    "LOCAL_WORLD_SIZE": "\(p.localWorldSize)", "GROUP_RANK": "\(p.node)",
                    "GROUP_WORLD_SIZE": "\(p.nodeCount)", "ROLE_RANK": "\(p.rank)", "ROLE_WORLD_SIZE": "\(p.worldSize)",
                    "ROLE_NAME": "default", "MASTER_ADDR": masterAddr, "MASTER_PORT": "29500",
                    "TORCHELASTIC_RUN_ID": runID, "TORCHELASTIC_RESTART_COUNT": "\(restart)",
                    "TORCHELASTIC_MAX_RESTARTS": "3", "TORCHELASTIC_USE_AGENT_STORE": "True",
                    "TORCHELASTIC_ERROR_FILE":
                        "/tmp/torchelastic_x1/\(runID)_abc/attempt_\(restart)/\(p.localRank)/error.json",
                    "TORCH_NCCL_ASYNC_ERROR_HANDLING": "1", "OMP_NUM_THREADS": "1", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// A worker of DeepSpeed's default (pdsh) launcher.
        static func deepSpeed(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "RANK": "\(p.rank)", "WORLD_SIZE": "\(p.worldSize)", "LOCAL_RANK": "\(p.localRank)",
                    "LOCAL_SIZE": "\(p.localWorldSize)", "CROSS_RANK": "\(p.node)", "CROSS_SIZE": "\(p.nodeCount)",
                    "MASTER_ADDR": "gpu001", "MASTER_PORT": "29500", "PDSH_RCMD_TYPE": "ssh",
                    "CUDA_VISIBLE_DEVICES": "0,1,2,3", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// A PyTorchJob v1 pod (training-operator) before torchrun: pod-level `RANK` is the pod index.
        static func kubeflowPod(podIndex: Int, pods: Int, perNode: Int, job: String = "bert") -> [String: String] {
            merged(
                kubernetesPod(hostname: podIndex == 0 ? "\(job)-master-0" : "\(job)-worker-\(podIndex - 1)"),
                [
                    "RANK": "\(podIndex)", "WORLD_SIZE": "\(pods * perNode)", "MASTER_ADDR": "\(job)-master-0",
                    "MASTER_PORT": "23456", "PET_NODE_RANK": "\(podIndex)", "PET_NNODES": "\(pods)",
                    "PET_NPROC_PER_NODE": "\(perNode)", "PYTHONUNBUFFERED": "1",
                ])
        }

        /// A Kubeflow Trainer v2 (TrainJob, torch runtime on JobSet) pod before torchrun.
        static func trainerPod(node: Int, nodes: Int, perNode: Int, trainJob: String = "llama") -> [String: String] {
            merged(
                kubernetesPod(hostname: "\(trainJob)-node-0-\(node)"),
                [
                    "JOB_COMPLETION_INDEX": "\(node)", "PET_NODE_RANK": "\(node)", "PET_NNODES": "\(nodes)",
                    "PET_NPROC_PER_NODE": "\(perNode)", "PET_MASTER_ADDR": "\(trainJob)-node-0-0.\(trainJob)",
                    "PET_MASTER_PORT": "29500",
                ])
        }

        // MARK: - Slurm

        /// A Slurm 22.05 batch script (`sbatch`): the allocation's variables, no step.
        static func slurmBatch(
            job: Int = 4242, nodes: String = "gpu[001-002]", nodeCount: Int = 2, tasks: Int = 8,
            tasksPerNode: String = "4(x2)"
        ) -> [String: String] {
            merged(
                shell,
                [
                    "SLURM_CLUSTER_NAME": "hpc", "SLURM_CONF": "/etc/slurm/slurm.conf", "SLURM_JOB_ID": "\(job)",
                    "SLURM_JOBID": "\(job)", "SLURM_JOB_NAME": "train", "SLURM_JOB_NODELIST": nodes,
                    "SLURM_NODELIST": nodes,
                    "SLURM_JOB_NUM_NODES": "\(nodeCount)", "SLURM_NNODES": "\(nodeCount)", "SLURM_NTASKS": "\(tasks)",
                    "SLURM_NPROCS": "\(tasks)", "SLURM_TASKS_PER_NODE": tasksPerNode, "SLURM_PROCID": "0",
                    "SLURM_LOCALID": "0", "SLURM_NODEID": "0", "SLURM_GTIDS": "0", "SLURM_CPUS_ON_NODE": "32",
                    "SLURM_JOB_CPUS_PER_NODE": "32(x\(nodeCount))", "SLURM_JOB_PARTITION": "gpu",
                    "SLURM_JOB_QOS": "normal",
                    "SLURM_JOB_USER": "ada", "SLURM_JOB_UID": "1000", "SLURM_SUBMIT_DIR": "/home/ada/train",
                    "SLURM_SUBMIT_HOST": "login1", "SLURMD_NODENAME": "gpu001", "SLURM_TASK_PID": "81234",
                    "SLURM_TOPOLOGY_ADDR": "gpu001", "ENVIRONMENT": "BATCH", "HOSTNAME": "gpu001",
                ])
        }

        /// A task of an `srun` step inside that batch script.
        static func slurmTask(
            _ p: Placement, job: Int = 4242, nodes: String = "gpu[001-002]", tasksPerNode: String = "4(x2)"
        ) -> [String: String] {
            merged(
                slurmBatch(
                    job: job, nodes: nodes, nodeCount: p.nodeCount, tasks: p.worldSize, tasksPerNode: tasksPerNode),
                [
                    "SLURM_STEP_ID": "0", "SLURM_STEPID": "0", "SLURM_PROCID": "\(p.rank)",
                    "SLURM_LOCALID": "\(p.localRank)",
                    "SLURM_NODEID": "\(p.node)", "SLURM_STEP_NODELIST": nodes, "SLURM_STEP_NUM_NODES": "\(p.nodeCount)",
                    "SLURM_STEP_NUM_TASKS": "\(p.worldSize)", "SLURM_STEP_TASKS_PER_NODE": tasksPerNode,
                    "SLURM_LAUNCH_NODE_IPADDR": "10.0.0.1", "SLURM_SRUN_COMM_HOST": "10.0.0.1",
                    "SLURM_SRUN_COMM_PORT": "40123", "SLURM_STEP_LAUNCHER_PORT": "40123",
                    "SLURM_GTIDS": "\(p.rank)", "SLURMD_NODENAME": "gpu00\(p.node + 1)",
                    "HOSTNAME": "gpu00\(p.node + 1)",
                    "SLURM_DISTRIBUTION": "block", "SLURM_CPU_BIND": "quiet,mask_cpu:0x1", "SLURM_UMASK": "0022",
                ])
        }

        // MARK: - MPI

        /// An Open MPI 4.1.4 (ORTE) `mpirun` rank; the variables are those `mpirun -np 3 env` printed.
        static func openMPI4(_ p: Placement, jobID: String = "1754660865") -> [String: String] {
            merged(
                shell,
                [
                    "OMPI_COMM_WORLD_RANK": "\(p.rank)", "OMPI_COMM_WORLD_SIZE": "\(p.worldSize)",
                    "OMPI_COMM_WORLD_LOCAL_RANK": "\(p.localRank)", "OMPI_COMM_WORLD_LOCAL_SIZE": "\(p.localWorldSize)",
                    "OMPI_COMM_WORLD_NODE_RANK": "\(p.localRank)", "OMPI_UNIVERSE_SIZE": "\(p.worldSize)",
                    "OMPI_MCA_orte_num_nodes": "\(p.nodeCount)", "OMPI_MCA_ess": "^singleton",
                    "OMPI_MCA_ess_base_jobid": jobID, "OMPI_MCA_ess_base_vpid": "\(p.rank)",
                    "OMPI_MCA_orte_hnp_uri": "1754660864.0;tcp://10.0.0.1:41551", "OMPI_COMMAND": "python",
                    "OMPI_ARGV": "train.py", "PMIX_NAMESPACE": jobID, "PMIX_RANK": "\(p.rank)",
                    "PMIX_ID": "\(jobID).\(p.rank)", "PMIX_SERVER_URI4": "1754660864.0;tcp4://127.0.0.1:35601",
                    "PMIX_SERVER_TMPDIR": "/tmp/ompi.gpu001.1000/pid.1128", "PMIX_HOSTNAME": "gpu00\(p.node + 1)",
                    "PMIX_VERSION": "4.2.2rc2", "PMIX_SECURITY_MODE": "native", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// An Open MPI 5 (PRRTE) `mpirun` rank.
        static func openMPI5(_ p: Placement, namespace: String = "prterun-gpu001-31337@1") -> [String: String] {
            merged(
                shell,
                [
                    "OMPI_COMM_WORLD_RANK": "\(p.rank)", "OMPI_COMM_WORLD_SIZE": "\(p.worldSize)",
                    "OMPI_WORLD_SIZE": "\(p.worldSize)", "OMPI_COMM_WORLD_LOCAL_RANK": "\(p.localRank)",
                    "OMPI_COMM_WORLD_LOCAL_SIZE": "\(p.localWorldSize)", "OMPI_WORLD_LOCAL_SIZE": "\(p.localWorldSize)",
                    "OMPI_COMM_WORLD_NODE_RANK": "\(p.localRank)", "OMPI_UNIVERSE_SIZE": "\(p.worldSize)",
                    "OMPI_FILE_LOCATION": "/tmp/prte.gpu001.1000/dvm.31337/1/\(p.rank)", "PMIX_NAMESPACE": namespace,
                    "PMIX_RANK": "\(p.rank)", "PMIX_SERVER_URI41": "prterun-gpu001-31337@0.0;tcp4://127.0.0.1:44221",
                    "PRTE_LAUNCHED": "1", "PMIX_HOSTNAME": "gpu00\(p.node + 1)", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// An MPICH Hydra `mpiexec` rank.
        static func mpich(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "PMI_RANK": "\(p.rank)", "PMI_SIZE": "\(p.worldSize)", "PMI_FD": "6",
                    "MPI_LOCALRANKID": "\(p.localRank)", "MPI_LOCALNRANKS": "\(p.localWorldSize)",
                    "MPIR_CVAR_CH3_INTERFACE_HOSTNAME": "gpu00\(p.node + 1)", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// An MPICH rank under `mpiexec -pmi-port`: `PMI_ID` and `PMI_PORT` instead of `PMI_RANK`/`PMI_SIZE`.
        static func mpichPMIPort(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "PMI_ID": "\(p.rank)", "PMI_PORT": "gpu001:38011", "MPI_LOCALRANKID": "\(p.localRank)",
                    "MPI_LOCALNRANKS": "\(p.localWorldSize)", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// An Intel MPI 2021 Hydra rank.
        static func intelMPI(_ p: Placement, uuid: String = "7a5c0000-3f2b-8d1e-0b00-0a0000012c00") -> [String: String]
        {
            merged(
                mpich(p),
                [
                    "I_MPI_HYDRA_UUID": uuid, "I_MPI_ROOT": "/opt/intel/oneapi/mpi/2021.18",
                    "HYDRA_BSTRAP_NODE_ID": "\(p.node)", "HYDRA_BSTRAP_PROXY_ID": "\(p.node)",
                ])
        }

        /// An MVAPICH2 `mpirun_rsh` rank.
        static func mvapich(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "MV2_COMM_WORLD_RANK": "\(p.rank)", "MV2_COMM_WORLD_SIZE": "\(p.worldSize)",
                    "MV2_COMM_WORLD_LOCAL_RANK": "\(p.localRank)", "MV2_COMM_WORLD_LOCAL_SIZE": "\(p.localWorldSize)",
                    "MPIRUN_RANK": "\(p.rank)", "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// A Horovod (Gloo) worker of `horovodrun -np N -H gpu001:4,gpu002:4`.
        static func horovod(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "HOROVOD_RANK": "\(p.rank)", "HOROVOD_SIZE": "\(p.worldSize)",
                    "HOROVOD_LOCAL_RANK": "\(p.localRank)",
                    "HOROVOD_LOCAL_SIZE": "\(p.localWorldSize)", "HOROVOD_CROSS_RANK": "\(p.node)",
                    "HOROVOD_CROSS_SIZE": "\(p.nodeCount)", "HOROVOD_HOSTNAME": "gpu00\(p.node + 1)",
                    "HOROVOD_GLOO_RENDEZVOUS_ADDR": "10.0.0.9", "HOROVOD_GLOO_RENDEZVOUS_PORT": "37000",
                    "HOROVOD_CONTROLLER": "gloo", "HOROVOD_CPU_OPERATIONS": "gloo", "HOROVOD_GLOO_IFACE": "eth0",
                    "HOSTNAME": "gpu00\(p.node + 1)",
                ])
        }

        /// An IBM LSF `jsrun` task.
        static func lsf(_ p: Placement) -> [String: String] {
            merged(
                shell,
                [
                    "JSM_NAMESPACE_RANK": "\(p.rank)", "JSM_NAMESPACE_SIZE": "\(p.worldSize)",
                    "JSM_NAMESPACE_LOCAL_RANK": "\(p.localRank)", "JSM_NAMESPACE_LOCAL_SIZE": "\(p.localWorldSize)",
                    "LSB_JOBID": "777123", "LSB_DJOB_RANKFILE": "/home/ada/.lsbatch/1700000000.777123.rankfile",
                    "LSB_MCPU_HOSTS": "batch1 1 f01n01 42 f01n02 42",
                ])
        }

        // MARK: - Kubernetes

        /// What the kubelet puts into every pod.
        static func kubernetesPod(hostname: String) -> [String: String] {
            merged(
                shell,
                [
                    "HOSTNAME": hostname, "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443",
                    "KUBERNETES_SERVICE_PORT_HTTPS": "443", "KUBERNETES_PORT": "tcp://10.96.0.1:443",
                    "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443", "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1",
                ])
        }

        /// A pod of the Indexed Job `job` (hostname `<job>-<index>`).
        static func indexedJob(index: Int, job: String = "sweep-cv") -> [String: String] {
            merged(kubernetesPod(hostname: "\(job)-\(index)"), ["JOB_COMPLETION_INDEX": "\(index)"])
        }
    }
}
