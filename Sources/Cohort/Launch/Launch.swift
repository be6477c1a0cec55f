public import Foundation

/// Reads what a launcher (torchrun, `mpirun`, `srun`, Horovod, DeepSpeed, a Kubernetes Indexed Job,
/// Kubeflow, LSF) told this process about its place in a distributed job.
public enum Launch {
    /// Detects this process's rank, world size, node, group id, restart attempt and leader candidates
    /// from the environment alone, so that every rank agrees without talking to the others.
    ///
    /// The innermost launcher wins (torchrun inside `srun`, `mpirun` inside `sbatch`), in the order of
    /// `launchers.md` §1.3: torchrun / DeepSpeed / `env://`, Horovod, Open MPI, MVAPICH2, Hydra (MPICH,
    /// Intel MPI, Slurm PMI2), PMIx, a Slurm step, LSF, a Kubernetes Indexed Job, else a single process.
    /// Explicit settings override each value: `COHORT_RANK`, `COHORT_WORLD_SIZE`, `COHORT_LOCAL_RANK`,
    /// `COHORT_LOCAL_WORLD_SIZE`, `COHORT_NODE_RANK`, and for the group `COHORT_GROUP`,
    /// `COHORT_RUN_GROUP` or `WANDB_RUN_GROUP`; `COHORT_LEADER` (`host[:port]`) and `COHORT_LEADER_PORT`
    /// for the leader. torchrun's `MASTER_PORT` is never used as the leader's port.
    ///
    /// Detection never fails: unreadable values (not a number, a rank not below the world size) are
    /// skipped, the next source is used, and ``LaunchInfo/notes`` says what happened.
    ///
    /// ```swift
    /// let launch = Launch.detect()
    /// if launch.isDistributed { print(launch.rank ?? -1, launch.worldSize ?? -1, launch.notes) }
    /// ```
    /// - Parameter environment: the variables to read (the process environment by default).
    /// - Returns: the launch facts; a single process (rank 0 of 1) when no launcher is found.
    public static func detect(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> LaunchInfo {
        var detector = LaunchDetector(environment: environment)
        return detector.detect()
    }
}
