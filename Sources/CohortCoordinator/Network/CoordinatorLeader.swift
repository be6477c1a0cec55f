public import Logging
public import NIOCore
import Synchronization

/// The group leader's network side: a TCP listener that runs a `LeaderStateMachine` over every
/// worker connection, delivers what the machine decides as `LeaderEvent`s, and hands out the
/// group summary when the finish barrier passes.
///
/// **Ownership.** A final class holding a `Mutex` (not an actor): every input (a decoded message,
/// a closed connection, a timer tick) arrives on an event loop, synchronously, and must reach the
/// state machine in arrival order without hopping through an unstructured task per message. The
/// lock is held only while the machine runs and its actions are enqueued (events yielded, writes
/// scheduled onto the connection's event loop), never across I/O.
///
/// ```swift
/// let leader = try await CoordinatorLeader.start(configuration: .init(protocol: machineSettings))
/// print(leader.port)                           // tell the workers
/// Task { for await event in leader.events { … } }
/// let summary = try await leader.requestFinish(deadline: .seconds(30))
/// await leader.shutdown()
/// ```
public final class CoordinatorLeader: Sendable {
    /// Settings of a leader.
    public struct Configuration: Sendable {
        /// The protocol settings (world size, token, timeouts) of the state machine.
        public var `protocol`: LeaderStateMachine.Configuration
        /// The address to listen on. Default `"0.0.0.0"` (every interface).
        public var host: String = "0.0.0.0"
        /// The port to listen on; 0 picks a free one (read it from `port`). Default 0.
        public var port: Int = 0
        /// How often the machine's `tick` runs (liveness, alignment windows, finish deadline). Default 1 s.
        public var tickInterval: Duration = .seconds(1)
        /// The largest frame accepted; a bigger one closes that connection. Default 1 MiB.
        public var maximumFrameSize: Int = CoordinatorCodec.defaultMaximumFrameSize
        /// The listen backlog. Default 256.
        public var backlog: Int32 = 256
        /// How many undelivered events `events` may hold before the leader applies back-pressure: past
        /// it the leader stops reading from the workers (their reports wait in TCP buffers, then in
        /// the workers' bounded queues, which count what they drop) until the consumer has taken
        /// half of them. No event is ever dropped. Default 65 536.
        public var eventBufferCapacity: Int = 65_536

        /// Creates a configuration with the documented defaults.
        public init(protocol: LeaderStateMachine.Configuration) { self.protocol = `protocol` }
    }

    /// The address the leader listens on (with the real port when 0 was asked for).
    public let localAddress: SocketAddress
    /// The port the leader listens on.
    public var port: Int { localAddress.port ?? 0 }
    /// What the state machine decided, in order: aggregates, dead and missing ranks, the group
    /// summary. Finishes when the leader shuts down. Iterate it once, and keep up: it never drops,
    /// and past `eventBufferCapacity` undelivered events the leader pauses reading from workers.
    public let events: LeaderEvents

    let configuration: Configuration
    let logger: Logger
    let clock: ContinuousClock
    let serverChannel: any Channel
    let state: Mutex<State>
    let eventSink: LeaderEvents.Producer.Source
    let eventDemand: LeaderEventDemand

    struct State: ~Copyable {
        var machine: LeaderStateMachine
        var channels: [ConnectionID: any Channel] = [:]
        var nextConnection: UInt64 = 0
        var summary: GroupSummary?
        var summaryWaiters: [CheckedContinuation<GroupSummary, any Error>] = []
        var timer: RepeatedTask?
        var finishTimer: Scheduled<Void>?
        var isShutDown = false
        /// Reads from workers are paused: the consumer of `events` is behind.
        var readsPaused = false
    }

    /// Binds the listener and starts the tick timer. The timer keeps the leader alive until
    /// `shutdown()` (or a cancelled `run()`): always end it with one of them.
    /// - Parameters:
    ///   - configuration: where to listen and the protocol settings.
    ///   - group: the event loop group; default the process-wide singleton.
    ///   - logger: where connection problems are logged.
    /// - Throws: the bind error (address in use, bad host).
    public static func start(
        configuration: Configuration, group: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "cohort.coordinator.leader")
    ) async throws -> CoordinatorLeader {
        let group = group ?? CoordinatorSockets.defaultGroup
        let box = LeaderBox()
        let codec = CoordinatorCodec(maximumFrameSize: configuration.maximumFrameSize)
        let channel = try await CoordinatorSockets.listen(
            host: configuration.host, port: configuration.port, group: group, backlog: configuration.backlog
        ) { child in
            guard let leader = box.leader else { return child.close() }
            return CoordinatorSockets.addCodec(
                to: child, codec: codec, handler: { LeaderConnectionHandler(leader: leader, id: leader.nextConnectionID()) }
            )
        }.get()
        let leader = CoordinatorLeader(configuration: configuration, serverChannel: channel, logger: logger)
        box.leader = leader
        leader.startTimer()
        return leader
    }

    private init(configuration: Configuration, serverChannel: any Channel, logger: Logger) {
        self.configuration = configuration
        self.serverChannel = serverChannel
        self.localAddress = serverChannel.localAddress!  // a bound channel has one
        self.logger = logger
        self.clock = ContinuousClock()
        let machine = LeaderStateMachine(configuration: configuration.protocol, now: clock.now)
        self.state = Mutex(State(machine: machine))
        let high = max(configuration.eventBufferCapacity, 2)
        let demand = LeaderEventDemand()
        let producer = LeaderEvents.Producer.makeSequence(
            elementType: LeaderEvent.self,
            backPressureStrategy: .init(lowWatermark: high / 2, highWatermark: high),
            finishOnDeinit: false, delegate: demand)
        self.events = LeaderEvents(producer: producer.sequence)
        self.eventSink = producer.source
        self.eventDemand = demand
        demand.leader = self  // cleared in `shutdown()`, which breaks the cycle
    }

    /// Waits, at most `deadline`, for every rank to finish or die, then returns the group summary.
    /// The wait is bounded by the deadline rather than by task cancellation. The summary is
    /// also delivered as `.groupSummary` on `events`. Returns at once if the barrier already passed.
    /// - Parameter deadline: how long to wait for ranks still running; `nil` uses the protocol's
    ///   `finishDeadline`. Only the first request's deadline counts.
    /// - Throws: `CoordinatorNetworkError.shutDown` if the leader shuts down first.
    public func requestFinish(deadline: Duration? = nil) async throws -> GroupSummary {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                if let summary = state.summary { return continuation.resume(returning: summary) }
                if state.isShutDown { return continuation.resume(throwing: CoordinatorNetworkError.shutDown) }
                state.summaryWaiters.append(continuation)
                let wait = deadline ?? configuration.protocol.finishDeadline
                if state.finishTimer == nil {
                    // A tick right at the deadline, so the barrier does not wait for the next periodic one.
                    state.finishTimer = serverChannel.eventLoop.scheduleTask(in: .nanoseconds(Int64(wait / .nanoseconds(1)))) {
                        self.tick()
                    }
                }
                perform(state.machine.requestFinish(now: clock.now, deadline: deadline), state: &state)
            }
        }
    }

    /// Stops listening, closes every connection, fails pending `requestFinish` calls and ends `events`.
    /// Safe to call more than once.
    public func shutdown() async {
        let channels: [any Channel] = state.withLock { state in
            guard !state.isShutDown else { return [] }
            state.isShutDown = true
            state.timer?.cancel()
            state.finishTimer?.cancel()
            for waiter in state.summaryWaiters { waiter.resume(throwing: CoordinatorNetworkError.shutDown) }
            state.summaryWaiters.removeAll()
            return Array(state.channels.values)
        }
        try? await serverChannel.close()
        for channel in channels { try? await channel.close() }
        eventSink.finish()
        eventDemand.leader = nil
    }

    /// Serves until the task is cancelled, then shuts down (a swift-service-lifecycle style `run()`).
    public func run() async {
        await withTaskCancellationHandler {
            try? await serverChannel.closeFuture.get()
        } onCancel: {
            // The one bridge allowed by STYLE.md: cancellation must reach the leader's async shutdown.
            _ = serverChannel.close(mode: .all)
        }
        await shutdown()
    }

    private func startTimer() {
        let interval = TimeAmount.nanoseconds(Int64(configuration.tickInterval / .nanoseconds(1)))
        let timer = serverChannel.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            self.tick()
        }
        state.withLock { state in
            if state.isShutDown { timer.cancel() } else { state.timer = timer }
        }
    }

    func nextConnectionID() -> ConnectionID {
        state.withLock { state in
            state.nextConnection += 1
            return ConnectionID(state.nextConnection)
        }
    }
}

/// The leader's events as an `AsyncSequence` that never drops: a NIO producer with a high/low
/// watermark, whose demand pauses and resumes the leader's reads from its workers.
public struct LeaderEvents: AsyncSequence, Sendable {
    public typealias Element = LeaderEvent
    typealias Producer = NIOAsyncSequenceProducer<
        LeaderEvent, NIOAsyncSequenceProducerBackPressureStrategies.HighLowWatermark, LeaderEventDemand>

    let producer: Producer

    /// Iterates the events in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Producer.AsyncIterator
        /// The next event, or `nil` once the leader has shut down and every event was taken.
        public mutating func next() async -> LeaderEvent? { await base.next() }
    }

    /// Makes the one iterator of the sequence.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: producer.makeAsyncIterator()) }
}

/// Tells the leader when the consumer of its events wants more (resume reading from workers) or
/// has gone away (resume too: nothing is read for it any more, but the protocol must go on).
final class LeaderEventDemand: NIOAsyncSequenceProducerDelegate, Sendable {
    private let storage = Mutex<CoordinatorLeader?>(nil)
    var leader: CoordinatorLeader? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }

    func produceMore() { leader?.resumeReads() }
    func didTerminate() { leader?.resumeReads() }
}

/// Something the leader's state machine decided, for its owner to write to the aggregate run.
public enum LeaderEvent: Sendable, Equatable {
    /// A step closed: log its cross-rank aggregate.
    case aggregate(StepAggregate)
    /// A rank fell silent past the heartbeat timeout.
    case rankDead(Int)
    /// A rank never joined within the join timeout.
    case rankMissing(Int)
    /// The finish barrier passed: write the group summary. Nothing is aggregated after it.
    case groupSummary(GroupSummary)
}

/// Why a coordinator call could not complete.
public enum CoordinatorNetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The leader was shut down before the group summary was written.
    case shutDown

    /// What happened.
    public var description: String {
        switch self {
        case .shutDown: "the coordinator leader shut down before the group summary was written"
        }
    }
}

/// Lets the child-channel initializer, created before the leader exists, reach it. A connection
/// accepted in the instant before the leader is stored is closed (its worker reconnects).
final class LeaderBox: Sendable {
    private let storage = Mutex<CoordinatorLeader?>(nil)
    var leader: CoordinatorLeader? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
