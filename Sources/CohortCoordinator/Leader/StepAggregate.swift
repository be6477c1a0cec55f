/// Everything the leader logs to the aggregate run when a step closes.
public struct StepAggregate: Sendable, Equatable {
    /// Why a step closed.
    public enum CloseReason: Sendable, Equatable {
        /// Every live rank reported the step (or moved past it).
        case allReported
        /// The alignment window passed since the step's first report (or a later step's did).
        case window
        /// Too many steps were open; the oldest was closed to bound memory.
        case capacity
        /// The group finished (finish barrier passed) with the step still open.
        case finish
    }

    /// Straggler facts of one live rank at the moment the step closed.
    public struct RankProgress: Sendable, Equatable {
        /// Steps this rank is behind the fastest rank (0 for the fastest); `nil` before its first report.
        public var lag: Int64?
        /// Time between this rank's last two step reports, as the leader saw them; `nil` before two.
        public var stepTime: Duration?

        /// Creates progress facts.
        public init(lag: Int64?, stepTime: Duration?) {
            self.lag = lag
            self.stepTime = stepTime
        }
    }

    /// The closed step.
    public var step: Int64
    /// Cross-rank statistics per metric, over the ranks that reported the metric at this step.
    public var metrics: [String: Aggregate]
    /// The ranks whose reports are in `metrics`, ascending.
    public var reportedRanks: [Int]
    /// Lag and step time of every live (joined, not dead, not finished) rank.
    public var ranks: [Int: RankProgress]
    /// Why the step closed.
    public var reason: CloseReason

    /// Creates a step aggregate.
    public init(step: Int64, metrics: [String: Aggregate], reportedRanks: [Int], ranks: [Int: RankProgress], reason: CloseReason) {
        self.step = step
        self.metrics = metrics
        self.reportedRanks = reportedRanks
        self.ranks = ranks
        self.reason = reason
    }
}
