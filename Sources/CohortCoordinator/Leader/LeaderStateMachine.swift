import NIOCore

/// Identifies one connection to the leader; the owner maps its channels to these.
public struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    /// The owner's number for the connection.
    public var rawValue: UInt64

    /// Creates an id.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// `connection-<number>`, for logs.
    public var description: String { "connection-\(rawValue)" }
}

/// The group leader's protocol logic: handshakes, step alignment and aggregation, liveness, and the
/// finish barrier. A pure value: the owner feeds it messages, disconnects and clock ticks, and
/// performs the actions it returns (send, close, log, write the summary). It never blocks and
/// holds bounded state: at most `maximumOpenSteps` unclosed steps.
///
/// ```swift
/// var leader = LeaderStateMachine(configuration: .init(worldSize: 4, groupToken: token,
///                                                     groupName: "g", leaderRunID: runID), now: .now)
/// for action in leader.received(message, from: connection, now: .now) { perform(action) }
/// ```
public struct LeaderStateMachine: Sendable {
    /// Settings of a leader; every duration is measured on the leader's own clock.
    public struct Configuration: Sendable {
        /// The number of ranks in the group.
        public var worldSize: Int
        /// The shared secret a `hello` must carry.
        public var groupToken: String
        /// The group's name, sent in `welcome`.
        public var groupName: String
        /// The id of the aggregate run, sent in `welcome`.
        public var leaderRunID: String
        /// How long a step stays open after its first report before it closes without the
        /// ranks that have not reported it. Default 10 s.
        public var alignmentWindow: Duration = .seconds(10)
        /// A joined rank silent for this long is marked dead. Default 30 s.
        public var heartbeatTimeout: Duration = .seconds(30)
        /// A rank that has not joined this long after the leader started is marked missing and
        /// no longer awaited. Default 60 s.
        public var joinTimeout: Duration = .seconds(60)
        /// How long the finish barrier waits after `requestFinish` for ranks still running. Default 60 s.
        public var finishDeadline: Duration = .seconds(60)
        /// The most unclosed steps kept; past it the oldest closes (logged with the ranks it has;
        /// reports for it that arrive later are counted as late). It bounds the leader's memory and
        /// must exceed how far apart the ranks' reports can reach the leader. Default
        /// `defaultMaximumOpenSteps(worldSize:)`.
        public var maximumOpenSteps: Int

        /// Creates a configuration with the documented defaults.
        public init(worldSize: Int, groupToken: String, groupName: String, leaderRunID: String) {
            self.worldSize = worldSize
            self.groupToken = groupToken
            self.groupName = groupName
            self.leaderRunID = leaderRunID
            self.maximumOpenSteps = Self.defaultMaximumOpenSteps(worldSize: worldSize)
        }

        /// The default open-step cap: room for 131,072 open rank-reports (measured at 160–410
        /// bytes each with 3 scalars, so about 20–50 MB), at least 1,024 steps: 65,536 steps for
        /// 2 ranks, 16,384 for 8, 4,096 for 32, 1,024 from 128 ranks up.
        public static func defaultMaximumOpenSteps(worldSize: Int) -> Int {
            max(1024, 131_072 / max(worldSize, 1))
        }
    }

    /// What the owner must do.
    public enum Action: Sendable, Equatable {
        /// Write `message` on the connection.
        case send(CoordinatorMessage, to: ConnectionID)
        /// Write `message` (a `reject`) on the connection, then close it.
        case sendAndClose(CoordinatorMessage, ConnectionID)
        /// Close the connection (protocol violation, or its rank was marked dead).
        case close(ConnectionID)
        /// Log a closed step's aggregate to the group's aggregate run.
        case logAggregate(StepAggregate)
        /// Record that a rank was marked dead (it stops blocking alignment).
        case markDead(rank: Int)
        /// Record that a rank never joined (it stops blocking alignment).
        case markMissing(rank: Int)
        /// The first report of `rank` that arrived after its step had closed (every later one is
        /// only counted, in the group summary's `lateReports`); warn about it once.
        case lateReport(rank: Int, step: Int64, closedThrough: Int64)
        /// Write the group summary; the barrier has passed and nothing more will be aggregated.
        case writeGroupSummary(GroupSummary)
    }

    /// The configuration this leader runs with.
    public let configuration: Configuration
    var ranks: [RankRecord]
    var connections: [ConnectionID: Int] = [:]
    var openSteps: [Int64: OpenStep] = [:]
    /// The keys of `openSteps`, lowest first.
    var openOrder = StepHeap()
    var lastClosedStep: Int64?
    /// The cached alignment frontier (see `alignmentFrontier()`); `nil` when it must be recomputed.
    var frontier: Frontier?
    let startedAt: ContinuousClock.Instant
    var finishRequestedAt: ContinuousClock.Instant?
    /// The finish deadline given to `requestFinish`, if any (else `configuration.finishDeadline`).
    var finishWait: Duration?
    var summaryWritten = false

    /// Creates a leader that has seen no rank yet.
    /// - Parameters:
    ///   - configuration: the group's settings; `worldSize` must be at least 1.
    ///   - now: the leader's start time (the join timeout counts from it).
    public init(configuration: Configuration, now: ContinuousClock.Instant) {
        precondition(configuration.worldSize >= 1, "a group has at least one rank")
        self.configuration = configuration
        self.ranks = Array(repeating: RankRecord(), count: configuration.worldSize)
        self.startedAt = now
    }

    /// Handles one decoded message from a connection.
    /// - Parameters:
    ///   - message: what arrived.
    ///   - connection: where it arrived.
    ///   - now: the leader's clock.
    /// - Returns: the actions to perform, in order.
    public mutating func received(_ message: CoordinatorMessage, from connection: ConnectionID, now: ContinuousClock.Instant) -> [Action] {
        if case .hello(let hello) = message { return handleHello(hello, from: connection, now: now) }
        if summaryWritten { return [] }  // the group is over: nothing more is aggregated
        guard let rank = connections[connection], message.rank == rank else { return [.close(connection)] }
        ranks[rank].lastSeen = now
        switch message {
        case .step(let report):
            return handleStep(report, rank: rank, now: now)
        case .summary(let summary):
            ranks[rank].summary.merge(summary.values) { $1 }
            ranks[rank].strings.merge(summary.strings) { $1 }
            return []
        case .heartbeat(let heartbeat):
            ranks[rank].droppedReports = heartbeat.droppedReports
            return []
        case .finish(let finish):
            return handleFinish(finish, rank: rank, now: now)
        case .hello, .welcome, .reject:
            return [.close(connection)]
        }
    }

    /// Handles a connection that closed. Its rank stays alive (it may reconnect) until the heartbeat
    /// timeout marks it dead.
    public mutating func connectionClosed(_ connection: ConnectionID, now: ContinuousClock.Instant) -> [Action] {
        guard let rank = connections.removeValue(forKey: connection) else { return [] }
        ranks[rank].connection = nil
        return []
    }

    /// The state of each rank as the group summary would report it now, ascending by rank.
    public var rankStates: [GroupSummary.RankState] {
        ranks.map { $0.summaryState }
    }

    /// How many steps are open (reported by someone, not yet closed).
    public var openStepCount: Int { openSteps.count }

    /// The highest closed step, if any.
    public var closedThrough: Int64? { lastClosedStep }

    /// Reports that arrived after their step had closed, over all ranks.
    public var lateReportCount: Int { ranks.reduce(0) { $0 + $1.lateReports } }

    private mutating func handleHello(_ hello: CoordinatorMessage.Hello, from connection: ConnectionID, now: ContinuousClock.Instant) -> [Action] {
        if connections[connection] != nil { return [.close(connection)] }
        if let reason = refusal(of: hello) {
            return [.sendAndClose(.reject(.init(reason: reason)), connection)]
        }
        connections[connection] = hello.rank
        ranks[hello.rank].join(hello, connection: connection, now: now)
        frontier = nil
        let welcome = CoordinatorMessage.Welcome(groupName: configuration.groupName, leaderRunID: configuration.leaderRunID)
        return [.send(.welcome(welcome), to: connection)]
    }

    /// Why `hello` is refused, or `nil` to accept it. Reasons never echo the token.
    private func refusal(of hello: CoordinatorMessage.Hello) -> String? {
        if hello.protocolVersion != CoordinatorMessage.protocolVersion {
            return "unsupported protocol version \(hello.protocolVersion); the leader speaks \(CoordinatorMessage.protocolVersion)"
        }
        if !constantTimeEqual(hello.groupToken, configuration.groupToken) { return "wrong group token" }
        if let name = hello.groupName, name != configuration.groupName { return "wrong group name" }
        if hello.worldSize != configuration.worldSize {
            return "world size \(hello.worldSize) does not match the leader's \(configuration.worldSize)"
        }
        if !(0..<configuration.worldSize).contains(hello.rank) { return "rank \(hello.rank) out of range" }
        let record = ranks[hello.rank]
        if record.connection != nil { return "rank \(hello.rank) is already connected" }
        if case .finished = record.liveness { return "rank \(hello.rank) has already finished" }
        if summaryWritten { return "the group has already finished" }
        return nil
    }
}

/// Compares two secrets in time that depends on their length only.
private func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}

extension CoordinatorMessage {
    /// The rank a worker message speaks for (`nil` for leader messages).
    var rank: Int? {
        switch self {
        case .hello(let hello): hello.rank
        case .step(let report): report.rank
        case .summary(let summary): summary.rank
        case .heartbeat(let heartbeat): heartbeat.rank
        case .finish(let finish): finish.rank
        case .welcome, .reject: nil
        }
    }
}
