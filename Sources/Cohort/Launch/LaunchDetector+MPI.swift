/// MPI-style launchers: Horovod (Gloo), Open MPI, MVAPICH2, Hydra (MPICH, Intel MPI, Slurm PMI2), PMIx.
extension LaunchDetector {
    /// Horovod's `horovodrun` in Gloo mode (in MPI mode the MPI launcher's variables are read instead).
    mutating func horovod() -> RankFacts? {
        guard has("HOROVOD_RANK"), let rank = index("HOROVOD_RANK") else { return nil }
        var facts = RankFacts(launcher: .horovod, rank: rank, worldSize: count("HOROVOD_SIZE"))
        facts.localRank = index("HOROVOD_LOCAL_RANK")
        facts.localWorldSize = count("HOROVOD_LOCAL_SIZE")
        facts.nodeRank = index("HOROVOD_CROSS_RANK")
        facts.nodeCount = count("HOROVOD_CROSS_SIZE")
        if has("HOROVOD_GLOO_RENDEZVOUS_ADDR") {
            note(
                "HOROVOD_GLOO_RENDEZVOUS_ADDR not used as the leader address: it is horovodrun's "
                    + "rendezvous server, not rank 0")
        }
        let keys = [
            "HOROVOD_RANK", "HOROVOD_SIZE", "HOROVOD_LOCAL_RANK", "HOROVOD_LOCAL_SIZE", "HOROVOD_CROSS_RANK",
            "HOROVOD_CROSS_SIZE",
        ]
        return accepting(facts, from: keys)
    }

    /// Open MPI 4 (ORTE) or 5 (PRRTE) `mpirun`. It gives no node index: `OMPI_COMM_WORLD_NODE_RANK`
    /// ranks this process among those of *all* jobs on its node, so it is never used as one.
    mutating func openMPI() -> RankFacts? {
        guard has("OMPI_COMM_WORLD_RANK"), let rank = index("OMPI_COMM_WORLD_RANK") else { return nil }
        var facts = RankFacts(
            launcher: .openMPI, rank: rank, worldSize: firstCount("OMPI_COMM_WORLD_SIZE", "OMPI_WORLD_SIZE"))
        facts.localRank = index("OMPI_COMM_WORLD_LOCAL_RANK")
        facts.localWorldSize = firstCount("OMPI_COMM_WORLD_LOCAL_SIZE", "OMPI_WORLD_LOCAL_SIZE")
        facts.nodeCount = count("OMPI_MCA_orte_num_nodes")
        if has("OMPI_COMM_WORLD_NODE_RANK") {
            note(
                "OMPI_COMM_WORLD_NODE_RANK not used as the node rank: it ranks this process among all "
                    + "jobs' processes on its node; Open MPI gives no node index")
        }
        let keys = [
            "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
            "OMPI_COMM_WORLD_LOCAL_SIZE", "OMPI_WORLD_LOCAL_SIZE", "OMPI_MCA_orte_num_nodes",
        ]
        return accepting(facts, from: keys)
    }

    /// MVAPICH2's `mpirun_rsh`.
    mutating func mvapich() -> RankFacts? {
        guard has("MV2_COMM_WORLD_RANK"), let rank = index("MV2_COMM_WORLD_RANK") else { return nil }
        var facts = RankFacts(launcher: .mvapich, rank: rank, worldSize: count("MV2_COMM_WORLD_SIZE"))
        facts.localRank = index("MV2_COMM_WORLD_LOCAL_RANK")
        facts.localWorldSize = count("MV2_COMM_WORLD_LOCAL_SIZE")
        let keys = [
            "MV2_COMM_WORLD_RANK", "MV2_COMM_WORLD_SIZE", "MV2_COMM_WORLD_LOCAL_RANK", "MV2_COMM_WORLD_LOCAL_SIZE",
        ]
        return accepting(facts, from: keys)
    }

    /// Hydra's `mpiexec` (MPICH, Intel MPI): `PMI_RANK`/`PMI_SIZE`, or `PMI_ID` alone under
    /// `-pmi-port` (the size then only travels over the PMI wire protocol). Without Hydra's
    /// `MPI_LOCALRANKID` inside an `srun` step, it is Slurm's PMI2 plugin (`srun --mpi=pmi2`).
    mutating func hydra() -> RankFacts? {
        let rankKey: String
        if has("PMI_RANK") {
            rankKey = "PMI_RANK"
        } else if has("PMI_ID") {
            rankKey = "PMI_ID"
        } else {
            return nil
        }
        guard let rank = index(rankKey) else { return nil }
        var facts = RankFacts(launcher: .hydra, rank: rank, worldSize: rankKey == "PMI_RANK" ? count("PMI_SIZE") : nil)
        if rankKey == "PMI_ID" {
            note(
                "MPICH -pmi-port: PMI_ID is the rank; PMI_SIZE is not set (the size only travels over the "
                    + "PMI protocol)")
        }
        if !has("MPI_LOCALRANKID") && isSlurmStep {
            facts.launcher = .slurm
            facts.worldSize = facts.worldSize ?? slurmStepTaskCount()
            applySlurmTask(to: &facts)
            note("srun --mpi=pmi2: rank from PMI_RANK, the rest from Slurm")
        } else {
            facts.localRank = index("MPI_LOCALRANKID")
            facts.localWorldSize = count("MPI_LOCALNRANKS")
            if let key = ["HYDRA_BSTRAP_NODE_ID", "HYDRA_BSTRAP_PROXY_ID"].first(where: has) {
                facts.nodeRank = index(key)
                note("node rank from \(key) (set by Intel MPI's Hydra, undocumented)")
            }
        }
        let keys = [
            rankKey, "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS", "HYDRA_BSTRAP_NODE_ID", "HYDRA_BSTRAP_PROXY_ID",
        ]
        return accepting(facts, from: keys)
    }

    /// A PMIx direct launch (usually `srun --mpi=pmix`): `PMIX_RANK`, with the size and the local
    /// and node values from the Slurm step when there is one.
    mutating func pmix() -> RankFacts? {
        guard has("PMIX_RANK"), let rank = index("PMIX_RANK") else { return nil }
        var facts = RankFacts(launcher: .pmix, rank: rank)
        if isSlurmStep {
            facts.worldSize = slurmStepTaskCount()
            applySlurmTask(to: &facts)
        } else {
            note("PMIX_RANK without a Slurm step: PMIx gives no world size in the environment")
        }
        return accepting(facts, from: ["PMIX_RANK", "SLURM_STEP_NUM_TASKS", "SLURM_NTASKS"])
    }
}
