/// The values every rank of a job reads identically: group id, restart attempt, array task.
extension LaunchDetector {
    /// Explicit group settings, most specific first.
    static let explicitGroupKeys = ["COHORT_GROUP", "COHORT_RUN_GROUP", "WANDB_RUN_GROUP"]
    /// Scheduler job ids: a Slurm array's id first (so the folds of a cross-validation share a group),
    /// then the job's own id, then LSF's.
    static let jobIDKeys = ["SLURM_ARRAY_JOB_ID", "SLURM_JOB_ID", "SLURM_JOBID", "LSB_JOBID"]
    /// Ids an MPI launcher gives all ranks of one launch.
    static let mpiJobIDKeys = ["PMIX_NAMESPACE", "PMI_JOBID", "I_MPI_HYDRA_UUID", "OMPI_MCA_ess_base_jobid"]
    /// The Kubernetes job (or JobSet) name, for a manifest to set from the Downward API
    /// (`metadata.labels['job-name']`).
    static let kubernetesJobNameKey = "COHORT_KUBERNETES_JOB_NAME"
    /// The headless Service an Indexed Job's pods are in (`spec.template.spec.subdomain`), for a
    /// manifest to set: pod 0, the leader, is then `<job>-0.<subdomain>`.
    static let kubernetesSubdomainKey = "COHORT_KUBERNETES_SUBDOMAIN"

    /// The first id in `launchers.md` §1.3 order: explicit → `TORCHELASTIC_RUN_ID` (not `none`) →
    /// Slurm / LSF job id → MPI launch id → Kubernetes job name → `nil` (the leader hands one out).
    /// - Parameter distributed: whether the process has peers (only then does a leader exist).
    mutating func groupID(distributed: Bool) -> String? {
        for key in Self.explicitGroupKeys {
            if let value = string(key) { return grouped(by: key, value) }
        }
        // PET_RDZV_ID is what torchrun will pass on as TORCHELASTIC_RUN_ID, so a Kubeflow pod's
        // command agrees with its workers.
        for key in ["TORCHELASTIC_RUN_ID", "PET_RDZV_ID"] {
            guard let value = string(key) else { continue }
            if value.lowercased() == "none" {
                note(
                    "\(key)=none ignored: torchrun's default id for static rendezvous, shared by every such "
                        + "job on the cluster")
            } else {
                return grouped(by: key, value)
            }
        }
        for key in Self.jobIDKeys + Self.mpiJobIDKeys {
            if let value = string(key) { return grouped(by: key, value) }
        }
        if let name = kubernetesJobName() { return name }
        note(
            distributed ? "no group id in the environment: the leader hands one out" : "no group id in the environment")
        return nil
    }

    private mutating func grouped(by key: String, _ value: String) -> String {
        note("group id from \(key)")
        return value
    }

    /// `COHORT_KUBERNETES_JOB_NAME`, else the pod's `HOSTNAME` (`<job>-<index>` in an Indexed Job)
    /// without `-<JOB_COMPLETION_INDEX>`.
    mutating func kubernetesJobName() -> String? {
        if let name = string(Self.kubernetesJobNameKey) { return grouped(by: Self.kubernetesJobNameKey, name) }
        guard let completionIndex = string("JOB_COMPLETION_INDEX") else { return nil }
        let host = string("HOSTNAME").map { String($0.prefix { $0 != "." }) } ?? ""
        let suffix = "-" + completionIndex
        guard host.count > suffix.count, host.hasSuffix(suffix) else {
            note(
                "no Kubernetes job name: HOSTNAME=\(quoted(host)) does not end with -\(Self.clipped(completionIndex)) "
                    + "(set \(Self.kubernetesJobNameKey) from the job-name label)")
            return nil
        }
        note("group id from HOSTNAME without -JOB_COMPLETION_INDEX (the Kubernetes job name)")
        return String(host.dropLast(suffix.count))
    }

    /// `SLURM_RESTART_COUNT` (requeues keep the job id), else `TORCHELASTIC_RESTART_COUNT`, else 0.
    mutating func restartAttempt() -> Int {
        let slurm = index("SLURM_RESTART_COUNT")
        let torch = index("TORCHELASTIC_RESTART_COUNT")
        if let slurm {
            if let torch, torch > 0 {
                note("restart attempt from SLURM_RESTART_COUNT=\(slurm); TORCHELASTIC_RESTART_COUNT=\(torch) not used")
            }
            return slurm
        }
        return torch ?? 0
    }

    /// The Slurm array task id and count: the fold and the number of folds of a cross-validation.
    mutating func arrayTask() -> (id: Int?, count: Int?) {
        let id = index("SLURM_ARRAY_TASK_ID")
        let count = count("SLURM_ARRAY_TASK_COUNT")
        if let id {
            note("Slurm array task \(id): the group is the array's job id, the task id is the fold")
        }
        return (id, count)
    }
}
