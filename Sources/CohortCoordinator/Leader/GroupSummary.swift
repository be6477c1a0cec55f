/// What the leader writes to the group's aggregate run once the finish barrier passes.
public struct GroupSummary: Sendable, Equatable {
    /// How the group as a whole ended.
    public enum State: String, Sendable, Equatable {
        /// Every rank finished with exit code 0.
        case finished
        /// Some ranks finished with exit code 0 and some did not.
        case partial
        /// No rank finished with exit code 0.
        case failed
    }

    /// How one rank ended.
    public enum RankState: String, Sendable, Equatable {
        /// Sent `finish` with exit code 0.
        case finished
        /// Sent `finish` with a non-zero exit code.
        case failed
        /// Joined, then fell silent for longer than the heartbeat timeout.
        case dead
        /// Never joined within the join timeout.
        case missing
        /// Still running when the finish deadline passed.
        case unfinished
    }

    /// One rank's outcome.
    public struct Rank: Sendable, Equatable {
        /// The rank.
        public var rank: Int
        /// How it ended.
        public var state: RankState
        /// Its run id, if it joined.
        public var runID: String?
        /// Its exit code, if it sent `finish`.
        public var exitCode: Int32?
        /// The final step from its `finish`, else the highest step it reported.
        public var finalStep: Int64?
        /// Step reports the rank dropped (its queue was full), as it last told the leader.
        public var droppedReports: UInt64
        /// Its reports that arrived after their step had closed (counted, not aggregated).
        public var lateReports: Int
        /// Its string summary values.
        public var strings: [String: String]
    }

    /// The group's name.
    public var groupName: String
    /// How the group ended.
    public var state: State
    /// Every rank, ascending.
    public var ranks: [Rank]
    /// Cross-rank statistics per numeric summary key, over the ranks that reported the key.
    public var metrics: [String: Aggregate]
    /// Whether the barrier passed because the finish deadline ran out (not every rank ended).
    public var deadlineExceeded: Bool

    /// Creates a group summary.
    public init(groupName: String, state: State, ranks: [Rank], metrics: [String: Aggregate], deadlineExceeded: Bool) {
        self.groupName = groupName
        self.state = state
        self.ranks = ranks
        self.metrics = metrics
        self.deadlineExceeded = deadlineExceeded
    }
}
