import NIOCore

/// A worker rank's side of the protocol: connecting and handshaking with the leader, a bounded
/// queue of outgoing reports, heartbeats, reconnecting with backoff, and a finish with a deadline.
///
/// A pure value: the owner feeds it connection events, the worker's own reports and clock ticks,
/// and performs the actions it returns. Nothing here blocks training: a report is either handed
/// out at once (`.send`) or queued; when the queue is full the oldest step report is dropped and
/// counted (`droppedReports`), and the count reaches the leader in the next `hello` and heartbeat.
/// When the leader goes away the worker says `.leaderLost` once, keeps queueing, and retries.
///
/// ```swift
/// var worker = WorkerStateMachine(configuration: configuration)
/// perform(worker.start(now: .now))                    // [.connect]
/// perform(worker.report(step: 1, metrics: ["loss": 0.3]))
/// ```
public struct WorkerStateMachine: Sendable {
    /// Settings of a worker.
    public struct Configuration: Sendable {
        /// The `hello` this worker introduces itself with (its `droppedReports` is filled in).
        public var hello: CoordinatorMessage.Hello
        /// The most messages queued while the leader cannot take them. Default 4096.
        public var queueCapacity: Int = 4096
        /// The delay before the first reconnect. Default 100 ms.
        public var initialBackoff: Duration = .milliseconds(100)
        /// The longest delay between reconnects. Default 30 s.
        public var maximumBackoff: Duration = .seconds(30)
        /// How much each failed attempt multiplies the delay. Default 2.
        public var backoffMultiplier: Double = 2
        /// The share of the delay that jitter may take away (0 = no jitter). Default 0.5.
        public var jitterFraction: Double = 0.5
        /// How often a connected worker sends a heartbeat. Default 5 s.
        public var heartbeatInterval: Duration = .seconds(5)
        /// How long a `hello` may wait for its answer before the connection is dropped. Default 10 s.
        public var handshakeTimeout: Duration = .seconds(10)
        /// How long `finish` waits to deliver the queue and the finish message. Default 10 s.
        public var finishDeadline: Duration = .seconds(10)

        /// Creates a configuration with the documented defaults.
        public init(hello: CoordinatorMessage.Hello) { self.hello = hello }
    }

    /// Where the connection to the leader is.
    public enum ConnectionState: Sendable, Equatable {
        /// Not started.
        case idle
        /// A TCP connection is being opened.
        case connecting
        /// Connected; `hello` sent, waiting for `welcome`.
        case handshaking
        /// Welcomed; reports flow.
        case connected
        /// Waiting to reconnect.
        case backoff
        /// The leader rejected this worker; no more attempts.
        case rejected
        /// Finished (delivered or deadline passed); no more attempts.
        case finished
    }

    /// What the owner must do.
    public enum Action: Sendable, Equatable {
        /// Open a connection to the leader; report the result with `connectSucceeded` or `connectFailed`.
        case connect
        /// Write these messages in order and flush.
        case send([CoordinatorMessage])
        /// Close the connection (after the writes before it complete).
        case close
        /// Call `tick` at (or after) this instant to reconnect.
        case scheduleReconnect(at: ContinuousClock.Instant)
        /// The leader welcomed this worker.
        case joined(CoordinatorMessage.Welcome)
        /// The leader went away; the worker keeps logging its own run and retries in the background.
        case leaderLost
        /// The leader refused this worker (wrong token, world size …); it will not retry.
        case rejected(reason: String)
        /// `finish` is done: the worker's part of the group is over.
        case finished(FinishOutcome)
    }

    /// How a finish ended.
    public struct FinishOutcome: Sendable, Equatable {
        /// Whether the queue and the finish message were handed to a welcomed connection.
        public var delivered: Bool
        /// Messages still queued (not delivered) when the finish ended.
        public var undeliveredMessages: Int
        /// Step reports dropped over the worker's life because the queue was full.
        public var droppedReports: UInt64

        /// Creates an outcome.
        public init(delivered: Bool, undeliveredMessages: Int, droppedReports: UInt64) {
            self.delivered = delivered
            self.undeliveredMessages = undeliveredMessages
            self.droppedReports = droppedReports
        }
    }

    enum State: Sendable, Equatable {
        case idle
        case connecting
        case handshaking(since: ContinuousClock.Instant)
        case connected
        case backoff(until: ContinuousClock.Instant)
        case rejected
        case finished
    }

    /// The configuration this worker runs with.
    public let configuration: Configuration
    var state = State.idle
    var queue = CircularBuffer<CoordinatorMessage>()
    var writable = true
    var failedAttempts = 0
    var lastHeartbeat: ContinuousClock.Instant?
    var pendingFinish: CoordinatorMessage.Finish?
    var finishDeadline: ContinuousClock.Instant?
    /// Step reports dropped because the queue was full.
    public internal(set) var droppedReports: UInt64 = 0
    /// Whether the leader was lost and has not welcomed this worker again.
    public internal(set) var isLeaderLost = false
    /// Whether a leader has welcomed this worker at least once.
    public internal(set) var hasJoined = false

    /// Creates an idle worker.
    /// - Parameter configuration: the worker's settings; `queueCapacity` must be at least 1.
    public init(configuration: Configuration) {
        precondition(configuration.queueCapacity >= 1, "the queue holds at least one message")
        self.configuration = configuration
    }

    /// Where the connection is.
    public var connectionState: ConnectionState {
        switch state {
        case .idle: .idle
        case .connecting: .connecting
        case .handshaking: .handshaking
        case .connected: .connected
        case .backoff: .backoff
        case .rejected: .rejected
        case .finished: .finished
        }
    }

    /// Messages waiting to be written.
    public var queuedMessages: Int { queue.count }

    /// Starts connecting to the leader.
    public mutating func start(now: ContinuousClock.Instant) -> [Action] {
        guard state == .idle else { return [] }
        state = .connecting
        return [.connect]
    }

    /// The TCP connection opened: send `hello` (with the dropped count so far).
    public mutating func connectSucceeded(now: ContinuousClock.Instant) -> [Action] {
        guard state == .connecting else { return [.close] }
        state = .handshaking(since: now)
        writable = true
        var hello = configuration.hello
        hello.droppedReports = droppedReports
        return [.send([.hello(hello)])]
    }

    /// The TCP connection could not be opened.
    /// - Parameter jitter: a random number in `0...1` (injected for determinism).
    /// During a finish, a worker that was welcomed before stops waiting: its leader refused the
    /// reconnect, so it is gone and the finish deadline would pass for nothing. (A worker that never
    /// joined keeps retrying until the deadline: its leader may still be starting.)
    public mutating func connectFailed(now: ContinuousClock.Instant, jitter: Double) -> [Action] {
        guard state == .connecting else { return [] }
        if pendingFinish != nil, hasJoined { return [endFinish(delivered: false)] }
        return enterBackoff(now: now, jitter: jitter)
    }

    /// The connection closed (by the leader, the network, or a `.close` action).
    /// - Parameter jitter: a random number in `0...1` (injected for determinism).
    public mutating func connectionClosed(now: ContinuousClock.Instant, jitter: Double) -> [Action] {
        switch state {
        case .handshaking, .connected:
            var actions: [Action] = []
            if state == .connected, !isLeaderLost {
                isLeaderLost = true
                actions.append(.leaderLost)
            }
            if pendingFinish != nil, hasJoined {
                // Finishing: try once more at once rather than after a backoff; if the leader
                // refuses, `connectFailed` ends the finish.
                state = .connecting
                return actions + [.connect]
            }
            return actions + enterBackoff(now: now, jitter: jitter)
        case .idle, .connecting, .backoff, .rejected, .finished:
            return []
        }
    }

    /// A message from the leader arrived.
    public mutating func received(_ message: CoordinatorMessage, now: ContinuousClock.Instant) -> [Action] {
        guard case .handshaking = state else { return [] }
        switch message {
        case .welcome(let welcome):
            state = .connected
            hasJoined = true
            failedAttempts = 0
            isLeaderLost = false
            lastHeartbeat = now
            return [.joined(welcome)] + flush()
        case .reject(let reject):
            state = .rejected
            var actions: [Action] = [.close, .rejected(reason: reject.reason)]
            if pendingFinish != nil { actions.append(endFinish(delivered: false)) }
            return actions
        default:
            return [.close]
        }
    }

    /// The connection's writability changed (NIO's `channelWritabilityChanged`); while it is not
    /// writable, reports wait in the bounded queue instead of NIO's unbounded outbound buffer.
    public mutating func writabilityChanged(isWritable: Bool) -> [Action] {
        writable = isWritable
        return isWritable ? flush() : []
    }

    mutating func enterBackoff(now: ContinuousClock.Instant, jitter: Double) -> [Action] {
        failedAttempts += 1
        let until = now + Self.backoffDelay(afterFailures: failedAttempts, configuration: configuration, jitter: jitter)
        state = .backoff(until: until)
        return [.scheduleReconnect(at: until)]
    }
}
