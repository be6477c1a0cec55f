@testable import CohortCoordinator
import Logging
import NIOCore
import Testing

/// Namespace of the socket tests, so `swift test --filter CoordinatorNetwork` selects them.
@Suite enum CoordinatorNetwork {}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Runs `body`, failing with `TimedOut` after `seconds` (a bound on waiting, never a synchronisation).
func within<T: Sendable>(
    _ seconds: Double = 30, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

enum Net {
    /// A logger that keeps test output quiet (the tests check events, not log lines).
    static var quiet: Logger {
        var logger = Logger(label: "cohort.coordinator.test")
        logger.logLevel = .critical
        return logger
    }

    static func leader(
        worldSize: Int, token: String, heartbeatTimeout: Duration = .seconds(30),
        tickInterval: Duration = .milliseconds(50)
    ) async throws -> CoordinatorLeader {
        var settings = LeaderStateMachine.Configuration(worldSize: worldSize, groupToken: token, groupName: "g-\(token)", leaderRunID: "agg")
        settings.alignmentWindow = .seconds(60)
        settings.heartbeatTimeout = heartbeatTimeout
        var configuration = CoordinatorLeader.Configuration(protocol: settings)
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.tickInterval = tickInterval
        return try await CoordinatorLeader.start(configuration: configuration, logger: quiet)
    }

    static func hello(rank: Int, worldSize: Int, token: String) -> CoordinatorMessage.Hello {
        .init(rank: rank, worldSize: worldSize, runID: "run-\(rank)", host: "localhost", pid: 1, groupToken: token)
    }

    static func worker(
        rank: Int, worldSize: Int, token: String, port: Int,
        configure: (inout CoordinatorWorker.Configuration) -> Void = { _ in }
    ) -> CoordinatorWorker {
        var settings = WorkerStateMachine.Configuration(hello: hello(rank: rank, worldSize: worldSize, token: token))
        settings.heartbeatInterval = .milliseconds(100)
        settings.initialBackoff = .milliseconds(20)
        settings.maximumBackoff = .milliseconds(200)
        var configuration = CoordinatorWorker.Configuration(protocol: settings, host: "127.0.0.1", port: port)
        configuration.tickInterval = .milliseconds(20)
        configure(&configuration)
        return CoordinatorWorker(configuration: configuration, logger: quiet)
    }

    /// The metrics rank `rank` logs at `step`: integers, so cross-rank sums are exact in any order.
    static func metrics(rank: Int, step: Int64) -> [String: Double] {
        ["loss": Double(rank * 1000) + Double(step), "lr": Double(step)]
    }

    /// Waits for the first worker event matching `predicate`.
    static func waitFor(
        _ worker: CoordinatorWorker, _ what: String, seconds: Double = 30,
        where predicate: @escaping @Sendable (CoordinatorWorker.Event) -> Bool
    ) async throws {
        try await within(seconds, what) {
            for await event in worker.events where predicate(event) { return }
            throw TimedOut(what: what + " (stream ended)")
        }
    }

    /// Shuts the leader down and returns every event it delivered.
    static func drain(_ leader: CoordinatorLeader) async throws -> [LeaderEvent] {
        await leader.shutdown()
        return try await within(10, "the leader's events") {
            var events: [LeaderEvent] = []
            for await event in leader.events { events.append(event) }
            return events
        }
    }

    /// Checks that every step aggregate covers `ranks` and equals the statistics of what they logged.
    static func checkAggregates(_ events: [LeaderEvent], ranks: [Int], steps: Range<Int64>) {
        let aggregates = events.compactMap { if case .aggregate(let a) = $0 { a } else { nil } }
        #expect(aggregates.map(\.step) == Array(steps))
        for aggregate in aggregates {
            #expect(aggregate.reportedRanks == ranks)
            let losses = ranks.map { metrics(rank: $0, step: aggregate.step)["loss"]! }
            let loss = aggregate.metrics["loss"]
            #expect(loss?.mean == losses.reduce(0, +) / Double(losses.count))
            #expect(loss?.min == losses.min())
            #expect(loss?.max == losses.max())
            #expect(loss?.count == ranks.count)
            #expect(aggregate.metrics["lr"]?.mean == Double(aggregate.step))
        }
    }
}

/// A hand-driven peer on a real socket: speaks frames (or raw bytes) and records what it receives.
final class RawPeer: Sendable {
    let channel: any Channel
    let received: AsyncStream<CoordinatorMessage>

    private init(channel: any Channel, received: AsyncStream<CoordinatorMessage>) {
        self.channel = channel
        self.received = received
    }

    /// Connects with the coordinator codec installed (`framed`) or bare.
    static func connect(port: Int, framed: Bool = true) async throws -> RawPeer {
        let (stream, sink) = AsyncStream.makeStream(of: CoordinatorMessage.self)
        let channel = try await CoordinatorSockets.connect(
            host: "127.0.0.1", port: port, eventLoop: CoordinatorSockets.defaultGroup.next(), timeout: .seconds(5)
        ) { channel in
            framed
                ? CoordinatorSockets.addCodec(to: channel, codec: CoordinatorCodec(), handler: { Recorder(sink: sink) })
                : channel.eventLoop.makeSucceededVoidFuture()
        }.get()
        if !framed { sink.finish() }
        return RawPeer(channel: channel, received: stream)
    }

    func send(_ messages: CoordinatorMessage...) async throws {
        for message in messages { try await channel.writeAndFlush(message) }
    }

    /// Writes `messages` in one flush without waiting for each; the leader may close the connection
    /// before the last arrives, which is not an error here.
    func sendPipelined(_ messages: CoordinatorMessage...) async {
        for message in messages.dropLast() { channel.write(message, promise: nil) }
        try? await channel.writeAndFlush(messages[messages.count - 1])
    }

    func sendBytes(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// The next message received, or `nil` once the connection closed.
    func next() async throws -> CoordinatorMessage? {
        try await within(10, "a message from the leader") {
            var iterator = self.received.makeAsyncIterator()
            return await iterator.next()
        }
    }

    /// Waits until the other side closes the connection.
    func waitClosed() async throws {
        try await within(10, "the leader to close the connection") { try await self.channel.closeFuture.get() }
    }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = CoordinatorMessage
        let sink: AsyncStream<CoordinatorMessage>.Continuation
        init(sink: AsyncStream<CoordinatorMessage>.Continuation) { self.sink = sink }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { sink.yield(Self.unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) {
            sink.finish()
            context.fireChannelInactive()
        }
    }
}
