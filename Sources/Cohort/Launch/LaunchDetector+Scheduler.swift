/// Schedulers and their task launchers: Slurm, LSF, Kubernetes Indexed Jobs, and the single-process
/// fallback.
extension LaunchDetector {
    /// Whether this process is a task of an `srun` step (a batch script has no `SLURM_STEP_ID`).
    var isSlurmStep: Bool { has("SLURM_STEP_ID") || has("SLURM_STEPID") }

    /// The rank variable of a launcher inside Slurm, if one is set (even unreadably).
    var innerLauncherRankKey: String? {
        ["RANK", "HOROVOD_RANK", "OMPI_COMM_WORLD_RANK", "MV2_COMM_WORLD_RANK", "PMI_RANK", "PMI_ID", "PMIX_RANK"]
            .first(where: has)
    }

    /// A Slurm `srun` task: only inside a step, and only when no launcher inside it set a rank (under
    /// torchrun or Hydra, `SLURM_PROCID` counts nodes; under `mpirun` in a batch script it is 0 for all).
    mutating func slurm() -> RankFacts? {
        guard has("SLURM_PROCID"), isSlurmStep else { return nil }
        if let inner = innerLauncherRankKey {
            note("Slurm task variables not used: \(inner) is set by a launcher inside the srun step")
            return nil
        }
        guard let rank = index("SLURM_PROCID") else { return nil }
        var facts = RankFacts(launcher: .slurm, rank: rank, worldSize: slurmStepTaskCount())
        applySlurmTask(to: &facts)
        let keys = [
            "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NODEID",
            "SLURM_STEP_NUM_NODES", "SLURM_NNODES", "SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE",
        ]
        return accepting(facts, from: keys)
    }

    /// The number of tasks in the current step.
    mutating func slurmStepTaskCount() -> Int? {
        firstCount("SLURM_STEP_NUM_TASKS", "SLURM_NTASKS", "SLURM_NPROCS")
    }

    /// Sets the local and node values from Slurm's task variables, when they describe this rank
    /// (`SLURM_PROCID` equals it).
    mutating func applySlurmTask(to facts: inout RankFacts) {
        guard let procID = string("SLURM_PROCID") else { return }
        guard let rank = facts.rank, index("SLURM_PROCID") == rank else {
            note(
                "Slurm task variables not used for local and node values: "
                    + "SLURM_PROCID=\(Self.clipped(procID)) is not this rank")
            return
        }
        facts.localRank = index("SLURM_LOCALID")
        facts.nodeRank = index("SLURM_NODEID")
        facts.nodeCount = firstCount("SLURM_STEP_NUM_NODES", "SLURM_NNODES", "SLURM_JOB_NUM_NODES")
        facts.localWorldSize = slurmTasks(onNode: facts.nodeRank)
    }

    /// The number of tasks on node `node` from the step's (or job's) tasks-per-node list such as
    /// `2(x3),1`, else `SLURM_NTASKS_PER_NODE` (set only when the user passed `--ntasks-per-node`).
    mutating func slurmTasks(onNode node: Int?) -> Int? {
        if let key = ["SLURM_STEP_TASKS_PER_NODE", "SLURM_TASKS_PER_NODE"].first(where: has), let text = string(key) {
            if let layout = SlurmTasksPerNode.parse(text) {
                guard let node else { return nil }
                if let tasks = layout.tasks(onNode: node) { return tasks }
                note("\(key)=\(Self.clipped(text)) lists \(layout.nodeCount) nodes, not node \(node) (SLURM_NODEID)")
                return nil
            }
            note("\(key)=\(quoted(text)) is not a Slurm tasks-per-node list; ignored")
        }
        return count("SLURM_NTASKS_PER_NODE")
    }

    /// Notes why Slurm's task id was not used when another launcher gave the rank (pitfalls 1 and 2).
    mutating func noteIgnoredSlurmTask(launcher: LaunchInfo.Launcher) {
        guard let procID = string("SLURM_PROCID").map(Self.clipped), launcher != .slurm, launcher != .pmix else {
            return
        }
        if !isSlurmStep && launcher == .single {
            note(
                "Slurm batch script (no SLURM_STEP_ID): SLURM_PROCID=\(procID) describes the allocation, not "
                    + "this process, which runs alone; start ranks with srun or mpirun")
        } else if !isSlurmStep {
            note(
                "SLURM_PROCID=\(procID) ignored: \(launcher) inside an sbatch script (no SLURM_STEP_ID), where "
                    + "every rank inherits the batch script's SLURM_PROCID")
        } else if launcher != .single {
            note(
                "SLURM_PROCID=\(procID) ignored: \(launcher) runs inside an srun step and the innermost "
                    + "launcher's rank wins (SLURM_PROCID counts srun's tasks)")
        }
    }

    /// IBM LSF `jsrun`.
    mutating func lsf() -> RankFacts? {
        guard has("JSM_NAMESPACE_RANK"), let rank = index("JSM_NAMESPACE_RANK") else { return nil }
        var facts = RankFacts(launcher: .lsf, rank: rank, worldSize: count("JSM_NAMESPACE_SIZE"))
        facts.localRank = index("JSM_NAMESPACE_LOCAL_RANK")
        facts.localWorldSize = count("JSM_NAMESPACE_LOCAL_SIZE")
        let keys = ["JSM_NAMESPACE_RANK", "JSM_NAMESPACE_SIZE", "JSM_NAMESPACE_LOCAL_RANK", "JSM_NAMESPACE_LOCAL_SIZE"]
        return accepting(facts, from: keys)
    }

    /// A Kubernetes Indexed Job (or a JobSet's child job) with one process per pod. The world size
    /// (`spec.completions`) is not in the pod's environment; `COHORT_WORLD_SIZE` supplies it.
    mutating func kubernetesIndexedJob() -> RankFacts? {
        guard has("JOB_COMPLETION_INDEX"), let completionIndex = index("JOB_COMPLETION_INDEX") else { return nil }
        note(
            "Kubernetes Indexed Job: JOB_COMPLETION_INDEX is the rank (one process per pod); the job's "
                + "completions (the world size) are not in the pod's environment")
        let facts = RankFacts(launcher: .kubernetesIndexedJob, rank: completionIndex, localRank: 0, localWorldSize: 1)
        return accepting(facts, from: ["JOB_COMPLETION_INDEX"])
    }

    /// No launcher: one process.
    mutating func single() -> RankFacts {
        note("no launcher variables found: a single process (rank 0 of 1)")
        return .singleProcess
    }
}
