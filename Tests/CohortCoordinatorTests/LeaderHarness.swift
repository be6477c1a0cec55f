import CohortCoordinator

/// A leader with a fake clock and one connection per rank, for tests without sockets.
struct LeaderHarness {
    static let token = "group-secret"
    let start = ContinuousClock.now
    var elapsed: Duration = .zero
    var leader: LeaderStateMachine
    var logged: [StepAggregate] = []
    var summaries: [GroupSummary] = []
    var actions: [LeaderStateMachine.Action] = []

    var now: ContinuousClock.Instant { start + elapsed }

    init(worldSize: Int = 4, configure: (inout LeaderStateMachine.Configuration) -> Void = { _ in }) {
        var configuration = LeaderStateMachine.Configuration(
            worldSize: worldSize, groupToken: Self.token, groupName: "g", leaderRunID: "agg"
        )
        configuration.alignmentWindow = .seconds(10)
        configuration.heartbeatTimeout = .seconds(30)
        configuration.joinTimeout = .seconds(60)
        configuration.finishDeadline = .seconds(60)
        configure(&configuration)
        leader = LeaderStateMachine(configuration: configuration, now: start)
    }

    static func connection(_ rank: Int) -> ConnectionID { ConnectionID(UInt64(rank) + 100) }

    static func hello(rank: Int, worldSize: Int = 4, token: String = token) -> CoordinatorMessage {
        .hello(.init(rank: rank, worldSize: worldSize, runID: "run-\(rank)", host: "h", pid: 1, groupToken: token))
    }

    @discardableResult
    mutating func receive(_ message: CoordinatorMessage, on connection: ConnectionID) -> [LeaderStateMachine.Action] {
        record(leader.received(message, from: connection, now: now))
    }

    mutating func joinAll(_ ranks: some Sequence<Int>) {
        for rank in ranks { receive(Self.hello(rank: rank, worldSize: leader.configuration.worldSize), on: Self.connection(rank)) }
    }

    @discardableResult
    mutating func step(_ rank: Int, _ step: Int64, _ metrics: [String: Double]) -> [LeaderStateMachine.Action] {
        receive(.step(.init(rank: rank, step: step, metrics: metrics)), on: Self.connection(rank))
    }

    @discardableResult
    mutating func finish(_ rank: Int, exitCode: Int32 = 0, finalStep: Int64 = 0) -> [LeaderStateMachine.Action] {
        receive(.finish(.init(rank: rank, exitCode: exitCode, finalStep: finalStep)), on: Self.connection(rank))
    }

    @discardableResult
    mutating func tick(after duration: Duration) -> [LeaderStateMachine.Action] {
        elapsed += duration
        return record(leader.tick(now: now))
    }

    private mutating func record(_ new: [LeaderStateMachine.Action]) -> [LeaderStateMachine.Action] {
        actions += new
        for action in new {
            if case .logAggregate(let aggregate) = action { logged.append(aggregate) }
            if case .writeGroupSummary(let summary) = action { summaries.append(summary) }
        }
        return new
    }
}

/// Population statistics computed the obvious way, to check `Aggregate` against.
func referenceStatistics(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(values.count)
    let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
    return (mean, variance.squareRoot())
}
