public import Logging
public import NIOCore
import Synchronization

/// A worker rank's network side: runs a `WorkerStateMachine` over a TCP connection to the leader,
/// reconnecting with backoff, sending heartbeats from a timer, and respecting the channel's
/// writability (reports wait in the machine's bounded queue, not in NIO's unbounded buffer).
///
/// `report(step:metrics:)` never blocks: it runs the machine under a lock and enqueues any write
/// onto the worker's event loop. When the leader is unreachable the machine keeps queueing
/// (dropping the oldest step report when full) and the worker keeps retrying.
///
/// **Ownership.** A final class holding a `Mutex` (not an actor), so `report` stays synchronous
/// and cheap for the training loop. The lock covers the machine and the enqueueing of its actions;
/// every action is performed on the worker's one event loop in the order the machine produced it.
///
/// ```swift
/// let worker = CoordinatorWorker(configuration: .init(protocol: .init(hello: hello), host: "10.0.0.1", port: 29_600))
/// worker.start()
/// worker.report(step: 1, metrics: ["loss": 0.3])
/// let outcome = await worker.finish(exitCode: 0, finalStep: 1, deadline: .seconds(10))
/// ```
public final class CoordinatorWorker: Sendable {
    /// Settings of a worker.
    public struct Configuration: Sendable {
        /// The protocol settings (hello, queue capacity, backoff, heartbeat interval, deadlines).
        public var `protocol`: WorkerStateMachine.Configuration
        /// The leader's host.
        public var host: String
        /// The leader's port.
        public var port: Int
        /// Asked before every connection attempt for the leader's address; `nil` from it means
        /// "not known yet" (the attempt counts as failed and is retried with backoff). When unset,
        /// `host` and `port` are used. Lets a worker follow a leader that publishes its address
        /// (a rendezvous file) or moves (a restarted job).
        public var resolveAddress: (@Sendable () -> LeaderEndpoint?)?
        /// How often the machine's `tick` runs (heartbeats, handshake timeout, finish deadline).
        /// Default 100 ms; keep it well below the heartbeat interval.
        public var tickInterval: Duration = .milliseconds(100)
        /// How long one TCP connect may take before it counts as failed. Default 5 s.
        public var connectTimeout: Duration = .seconds(5)
        /// The largest frame sent or accepted. Default 1 MiB.
        public var maximumFrameSize: Int = CoordinatorCodec.defaultMaximumFrameSize
        /// The most messages handed to the event loop but not yet written to the channel; past it
        /// reports wait in the bounded queue (as when the socket is not writable). Default 1024.
        public var maximumInFlight: Int = 1024
        /// The most events buffered in `events` for a slow consumer (oldest dropped past it). Default 64.
        public var eventBufferCapacity: Int = 64

        /// Creates a configuration with the documented defaults.
        public init(protocol: WorkerStateMachine.Configuration, host: String, port: Int) {
            self.protocol = `protocol`
            self.host = host
            self.port = port
        }
    }

    /// Where a leader listens.
    public struct LeaderEndpoint: Sendable, Hashable {
        /// A host name or IP address.
        public var host: String
        /// The TCP port.
        public var port: Int

        /// Creates an endpoint.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// Something that happened to the worker's link to the leader.
    public enum Event: Sendable, Equatable {
        /// The leader welcomed this worker (again, after a reconnect).
        case joined(CoordinatorMessage.Welcome)
        /// The leader went away; the worker keeps queueing and retries.
        case leaderLost
        /// The leader refused this worker; it will not retry.
        case rejected(reason: String)
        /// `finish` ended (delivered or not); the stream finishes after this.
        case finished(WorkerStateMachine.FinishOutcome)
    }

    /// Link events, in order. Finishes after `.finished`.
    public let events: AsyncStream<Event>

    let configuration: Configuration
    let logger: Logger
    let clock: ContinuousClock
    let eventLoop: any EventLoop
    let codec: CoordinatorCodec
    let state: Mutex<State>
    let eventSink: AsyncStream<Event>.Continuation

    struct State: ~Copyable {
        var machine: WorkerStateMachine
        /// The current connection, once active.
        var channel: (any Channel)?
        /// Numbers connection attempts, so events of an old connection are ignored.
        var generation: UInt64 = 0
        var timer: RepeatedTask?
        /// The completion of the last write handed to `channel`, so a close waits for it.
        var lastWrite: EventLoopFuture<Void>?
        /// Messages handed to the event loop and not yet written to the channel.
        var inFlight = 0
        /// Messages waiting for the scheduled drain, which writes them all with one flush.
        var outbox: [CoordinatorMessage] = []
        /// A drain of `outbox` is scheduled on the channel's event loop.
        var drainScheduled = false
        /// The channel's writability, as NIO last reported it.
        var channelWritable = true
        /// The writability last given to the machine.
        var machineWritable = true
        var outcome: WorkerStateMachine.FinishOutcome?
        var finishWaiters: [CheckedContinuation<WorkerStateMachine.FinishOutcome, Never>] = []
    }

    /// Creates an idle worker; call `start()` to connect.
    /// - Parameters:
    ///   - configuration: the leader's address and the protocol settings.
    ///   - group: the event loop group; one loop of it runs this worker. Default the process-wide singleton.
    ///   - logger: where link problems are logged.
    public init(
        configuration: Configuration, group: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "cohort.coordinator.worker")
    ) {
        self.configuration = configuration
        self.logger = logger
        self.clock = ContinuousClock()
        self.eventLoop = (group ?? CoordinatorSockets.defaultGroup).next()
        self.codec = CoordinatorCodec(maximumFrameSize: configuration.maximumFrameSize)
        self.state = Mutex(State(machine: WorkerStateMachine(configuration: configuration.protocol)))
        (events, eventSink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(configuration.eventBufferCapacity))
    }

    /// Starts connecting to the leader and the tick timer. Calling it again does nothing.
    /// The timer keeps the worker alive until `finish` ends it: always call `finish`.
    public func start() {
        let interval = TimeAmount.nanoseconds(Int64(configuration.tickInterval / .nanoseconds(1)))
        state.withLock { state in
            guard state.machine.connectionState == .idle else { return }
            state.timer = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in self.tick() }
            perform(state.machine.start(now: clock.now), state: &state)
        }
    }

    /// Reports the scalar metrics logged at `step`. Never blocks: the report is written soon, or
    /// queued (dropping the oldest queued report when the queue is full). Ignored after `finish`.
    public func report(step: Int64, metrics: [String: Double]) {
        state.withLock { state in perform(state.machine.report(step: step, metrics: metrics), state: &state) }
    }

    /// Reports the run's summary (merged with one still queued). Never blocks.
    public func summary(values: [String: Double], strings: [String: String] = [:]) {
        state.withLock { state in perform(state.machine.summary(values: values, strings: strings), state: &state) }
    }

    /// Delivers the queue and a `finish` message, waiting at most `deadline` for the leader, then
    /// stops the worker. Returns whether it was delivered and what was not.
    /// - Parameters:
    ///   - exitCode: the process exit code (0 is success).
    ///   - finalStep: the last step the run logged.
    ///   - deadline: how long to wait; `nil` uses the protocol's `finishDeadline`.
    public func finish(exitCode: Int32, finalStep: Int64, deadline: Duration? = nil) async -> WorkerStateMachine.FinishOutcome {
        await withCheckedContinuation { continuation in
            state.withLock { state in
                if let outcome = state.outcome { return continuation.resume(returning: outcome) }
                state.finishWaiters.append(continuation)
                // A worker never started ends at once (nothing to deliver to).
                perform(state.machine.finish(exitCode: exitCode, finalStep: finalStep, now: clock.now, deadline: deadline), state: &state)
            }
        }
    }

    /// Step reports dropped so far because the queue was full.
    public var droppedReports: UInt64 { state.withLock { $0.machine.droppedReports } }

    /// Messages waiting for the leader.
    public var queuedMessages: Int { state.withLock { $0.machine.queuedMessages } }

    /// Whether NIO last reported the connection writable (its outbound buffer below the high watermark).
    var isChannelWritable: Bool { state.withLock { $0.channelWritable } }

    /// Where the link to the leader is.
    public var connectionState: WorkerStateMachine.ConnectionState { state.withLock { $0.machine.connectionState } }
}
