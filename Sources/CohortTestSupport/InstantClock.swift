internal import Synchronization

/// A clock whose `sleep` returns at once after moving its time forward by the requested amount, and
/// records each sleep. For testing code that waits (retry backoff, `Retry-After`) without waiting.
public final class InstantClock: Clock, Sendable {
    /// A point on the clock: the time slept since the clock was made.
    public struct Instant: InstantProtocol, Sendable {
        /// Time since the clock's start.
        public let offset: Duration

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex<(now: Duration, sleeps: [Duration])>((.zero, []))

    /// A clock at offset zero.
    public init() {}

    public var now: Instant { Instant(offset: state.withLock { $0.now }) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Every duration passed to `sleep`, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Advances the clock to `deadline` (if later) and returns; throws only when the task is cancelled.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            let slept = max(.zero, deadline.offset - state.now)
            state.sleeps.append(slept)
            state.now += slept
        }
    }
}
