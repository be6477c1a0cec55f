/// What the launcher of this process says about it: its place in a distributed job, the group that
/// job's runs share, and where the group's leader may be found.
///
/// Made by ``Launch/detect(_:)`` from the environment alone, so every rank computes its own without
/// talking to the others. Values the launcher does not give are `nil`; ``notes`` says which variables
/// were used, which were ignored, and why.
///
/// ```swift
/// let launch = Launch.detect()
/// if let rank = launch.rank, let world = launch.worldSize {
///     print("rank \(rank) of \(world), group \(launch.groupID ?? "(leader assigns)")")
/// }
/// ```
public struct LaunchInfo: Sendable, Equatable {
    /// The launcher the rank facts came from.
    public var launcher: Launcher
    /// This process's global rank, `0..<worldSize`.
    ///
    /// `nil` when the process is not itself a rank — a Kubeflow pod's command before torchrun has
    /// started the workers (its pod-level `RANK` is a node index; see ``nodeRank``) — or when explicit
    /// settings give a world size but no `COHORT_RANK`.
    public var rank: Int?
    /// The number of ranks in the job; `nil` when the launcher does not say (MPICH `-pmi-port`, a
    /// Kubernetes Indexed Job without `COHORT_WORLD_SIZE`).
    public var worldSize: Int?
    /// This process's rank among the ranks on its node.
    public var localRank: Int?
    /// The number of ranks on this process's node.
    public var localWorldSize: Int?
    /// The index of this process's node, `0..<nodeCount`, when the launcher gives one (never taken from
    /// `OMPI_COMM_WORLD_NODE_RANK`, which is not a node index).
    public var nodeRank: Int?
    /// The number of nodes in the job, when the launcher gives it.
    public var nodeCount: Int?
    /// An id every rank of the job reads identically from its environment (the runs' group), or `nil`
    /// when the environment has none and the leader must hand one out.
    public var groupID: String?
    /// Which attempt of the job this is: `0` on the first run, then the count of Slurm requeues
    /// (`SLURM_RESTART_COUNT`) or torchrun restarts (`TORCHELASTIC_RESTART_COUNT`).
    public var restartAttempt: Int
    /// The task's index in a Slurm job array (`SLURM_ARRAY_TASK_ID`): the fold of a cross-validation run.
    public var arrayTaskID: Int?
    /// The number of tasks in the Slurm job array (`SLURM_ARRAY_TASK_COUNT`).
    public var arrayTaskCount: Int?
    /// Where the group's leader (rank 0) may listen, most likely first. Empty when the environment
    /// names no candidate.
    public var leaderCandidates: [LeaderAddress]
    /// Why each value was chosen: the variables used, those ignored, and the pitfalls avoided, in the
    /// order detection met them. Meant for run metadata and diagnostics.
    public var notes: [String]

    /// Creates launch facts; ``Launch/detect(_:)`` is the usual way to get them.
    /// - Parameters:
    ///   - launcher: where the rank facts came from.
    ///   - rank: the global rank, or `nil` when the process is not a rank.
    ///   - worldSize: the number of ranks, when known.
    ///   - localRank: the rank on this node, when known.
    ///   - localWorldSize: the number of ranks on this node, when known.
    ///   - nodeRank: the node's index, when known.
    ///   - nodeCount: the number of nodes, when known.
    ///   - groupID: the id every rank shares, when the environment has one.
    ///   - restartAttempt: the attempt number (`0` for the first).
    ///   - arrayTaskID: the Slurm array task id.
    ///   - arrayTaskCount: the Slurm array's task count.
    ///   - leaderCandidates: leader addresses, most likely first.
    ///   - notes: explanations.
    public init(
        launcher: Launcher, rank: Int?, worldSize: Int?, localRank: Int? = nil, localWorldSize: Int? = nil,
        nodeRank: Int? = nil, nodeCount: Int? = nil, groupID: String? = nil, restartAttempt: Int = 0,
        arrayTaskID: Int? = nil, arrayTaskCount: Int? = nil, leaderCandidates: [LeaderAddress] = [],
        notes: [String] = []
    ) {
        self.launcher = launcher
        self.rank = rank
        self.worldSize = worldSize
        self.localRank = localRank
        self.localWorldSize = localWorldSize
        self.nodeRank = nodeRank
        self.nodeCount = nodeCount
        self.groupID = groupID
        self.restartAttempt = restartAttempt
        self.arrayTaskID = arrayTaskID
        self.arrayTaskCount = arrayTaskCount
        self.leaderCandidates = leaderCandidates
        self.notes = notes
    }

    /// `true` when the process has peers: the world size is above 1, or it is unknown but a launcher
    /// (or an explicit setting) placed this process in a job.
    public var isDistributed: Bool {
        if let worldSize { return worldSize > 1 }
        return launcher != .single
    }

    /// `true` for global rank 0, which leads the group.
    public var isLeader: Bool { rank == 0 }

    /// The most likely leader address, the first of ``leaderCandidates``.
    public var leaderAddress: LeaderAddress? { leaderCandidates.first }
}
