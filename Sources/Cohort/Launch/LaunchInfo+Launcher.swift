extension LaunchInfo {
    /// The launcher whose variables gave a process its rank.
    ///
    /// When launchers nest (torchrun inside `srun`, `mpirun` inside `sbatch`) this is the innermost,
    /// whose values are the true per-process ones.
    public enum Launcher: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Explicit settings: `COHORT_RANK` over any launcher, or any `COHORT_*` rank setting when no
        /// launcher is found.
        case explicit
        /// torchrun (`torch.distributed.run`): `RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `LOCAL_WORLD_SIZE`,
        /// `GROUP_RANK`, `TORCHELASTIC_*`. Also `cohort launch`, which sets the same variables.
        case torchrun
        /// DeepSpeed's `deepspeed` launcher: `RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `LOCAL_SIZE`, `CROSS_RANK`.
        case deepSpeed
        /// `RANK` and `WORLD_SIZE` (PyTorch's `env://` convention) from a launcher that is neither
        /// torchrun nor DeepSpeed: Accelerate, Lightning, a shell script.
        case torchEnvironment
        /// A Kubeflow pod before torchrun (PyTorchJob v1 or Trainer v2): `PET_NODE_RANK`,
        /// `PET_NNODES`, `PET_NPROC_PER_NODE`, and a pod-level `RANK` that indexes pods.
        case kubeflow
        /// Horovod's `horovodrun` with Gloo: `HOROVOD_RANK`, `HOROVOD_SIZE`, `HOROVOD_LOCAL_*`,
        /// `HOROVOD_CROSS_RANK`. (In MPI mode the MPI launcher is reported.)
        case horovod
        /// Open MPI `mpirun` (4.x ORTE or 5.x PRRTE): `OMPI_COMM_WORLD_*`.
        case openMPI
        /// MVAPICH2 `mpirun_rsh`: `MV2_COMM_WORLD_*`.
        case mvapich
        /// Hydra `mpiexec` of MPICH or Intel MPI: `PMI_RANK`, `PMI_SIZE` (or `PMI_ID` with
        /// `-pmi-port`), `MPI_LOCALRANKID`, `MPI_LOCALNRANKS`.
        case hydra
        /// A PMIx direct launch, usually `srun --mpi=pmix`: `PMIX_RANK`, with the size from Slurm.
        case pmix
        /// A Slurm `srun` step: `SLURM_PROCID`, `SLURM_NTASKS`, `SLURM_LOCALID`, `SLURM_NODEID`
        /// (also `srun --mpi=pmi2`, whose `PMI_RANK` agrees).
        case slurm
        /// IBM LSF `jsrun`: `JSM_NAMESPACE_*`.
        case lsf
        /// A Kubernetes Indexed Job (or JobSet) with one process per pod: `JOB_COMPLETION_INDEX`.
        case kubernetesIndexedJob
        /// No launcher: one process, rank 0 of 1.
        case single

        /// A short human-readable name, as used in ``LaunchInfo/notes``.
        public var description: String {
            switch self {
            case .explicit: "explicit settings"
            case .torchrun: "torchrun"
            case .deepSpeed: "DeepSpeed"
            case .torchEnvironment: "an env:// launcher"
            case .kubeflow: "Kubeflow (pod level)"
            case .horovod: "Horovod (Gloo)"
            case .openMPI: "Open MPI"
            case .mvapich: "MVAPICH2"
            case .hydra: "Hydra (MPICH / Intel MPI)"
            case .pmix: "PMIx"
            case .slurm: "Slurm srun"
            case .lsf: "LSF jsrun"
            case .kubernetesIndexedJob: "a Kubernetes Indexed Job"
            case .single: "a single process"
            }
        }
    }
}
