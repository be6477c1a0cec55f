extension LeaderStateMachine {
    /// Where a rank is in its life, as the leader sees it.
    enum Liveness: Sendable, Equatable {
        /// Not joined yet; awaited by alignment until the join timeout.
        case pending
        /// Joined and heard from recently.
        case alive
        /// Joined, then silent past the heartbeat timeout.
        case dead
        /// Never joined within the join timeout.
        case missing
        /// Sent `finish`.
        case finished(exitCode: Int32)

        /// Whether alignment waits for this rank.
        var blocksAlignment: Bool { self == .pending || self == .alive }
        /// Whether the finish barrier is done with this rank.
        var isTerminal: Bool { !blocksAlignment }
    }

    /// What the leader knows about one rank.
    struct RankRecord: Sendable {
        var liveness = Liveness.pending
        var connection: ConnectionID?
        var runID: String?
        var lastSeen: ContinuousClock.Instant?
        /// The highest step reported.
        var highestStep: Int64?
        /// When `highestStep` was first reported.
        var highestStepAt: ContinuousClock.Instant?
        /// Time between the last two increases of `highestStep`.
        var stepTime: Duration?
        var finalStep: Int64?
        var droppedReports: UInt64 = 0
        var lateReports = 0
        var summary: [String: Double] = [:]
        var strings: [String: String] = [:]

        mutating func join(_ hello: CoordinatorMessage.Hello, connection: ConnectionID, now: ContinuousClock.Instant) {
            liveness = .alive
            self.connection = connection
            runID = hello.runID
            lastSeen = now
            droppedReports = hello.droppedReports
        }

        /// Records that the rank reported `step` at `now`.
        mutating func advance(to step: Int64, now: ContinuousClock.Instant) {
            if let highest = highestStep, step <= highest { return }
            if let previous = highestStepAt { stepTime = now - previous }
            highestStep = step
            highestStepAt = now
        }

        var summaryState: GroupSummary.RankState {
            switch liveness {
            case .finished(let exitCode): exitCode == 0 ? .finished : .failed
            case .dead: .dead
            case .missing, .pending: .missing
            case .alive: .unfinished
            }
        }
    }

    /// The reports of a step that has not closed yet.
    struct OpenStep: Sendable {
        var firstReport: ContinuousClock.Instant
        /// Each reporting rank's metrics, in arrival order; a rank appears at most once.
        var reports: [RankReport] = []

        /// Adds a rank's metrics. `repeated` says the rank may already have reported this step
        /// (its highest step was not below it), so its entry is looked up and merged, later values
        /// winning; otherwise the metrics are appended without a search.
        mutating func add(rank: Int, metrics: [String: Double], repeated: Bool) {
            if repeated, let index = reports.firstIndex(where: { $0.rank == rank }) {
                reports[index].metrics.merge(metrics) { $1 }
            } else {
                reports.append(RankReport(rank: rank, metrics: metrics))
            }
        }
    }

    /// One rank's metrics at an open step.
    struct RankReport: Sendable {
        var rank: Int
        var metrics: [String: Double]
    }
}
