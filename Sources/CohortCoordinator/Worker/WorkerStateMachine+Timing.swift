// Backoff, heartbeats, handshake timeout and the finish deadline.

extension WorkerStateMachine {
    /// The delay before reconnecting after `failures` consecutive failed attempts:
    /// `initialBackoff × multiplier^(failures − 1)`, capped at `maximumBackoff`, then shortened by up
    /// to `jitterFraction` of itself (`jitter` 1 keeps it whole, 0 takes the full fraction).
    /// - Parameters:
    ///   - failures: consecutive failed attempts, at least 1.
    ///   - configuration: the backoff settings.
    ///   - jitter: a random number in `0...1` (clamped), injected so tests are deterministic.
    public static func backoffDelay(afterFailures failures: Int, configuration: Configuration, jitter: Double) -> Duration {
        let initial = configuration.initialBackoff / .seconds(1)
        let maximum = configuration.maximumBackoff / .seconds(1)
        var base = initial
        var remaining = min(max(0, failures - 1), 64)
        while remaining > 0, base < maximum {
            base *= configuration.backoffMultiplier
            remaining -= 1
        }
        base = min(maximum, base)
        let clamped = min(1, max(0, jitter))
        let fraction = min(1, max(0, configuration.jitterFraction))
        return .seconds(base * (1 - fraction * (1 - clamped)))
    }

    /// Advances the worker's clock: reconnects when the backoff is over, sends a heartbeat when one
    /// is due, drops a handshake that took too long, and ends a finish whose deadline passed.
    /// - Parameters:
    ///   - now: the worker's monotonic clock.
    ///   - wallTime: seconds since 1970, carried in the heartbeat for the leader's log.
    ///   - jitter: a random number in `0...1` for the backoff if the handshake times out.
    public mutating func tick(now: ContinuousClock.Instant, wallTime: Double, jitter: Double) -> [Action] {
        if let deadline = finishDeadline, now >= deadline, pendingFinish != nil {
            let open: Bool = switch state {
            case .connecting, .handshaking, .connected: true
            default: false
            }
            return (open ? [.close] : []) + [endFinish(delivered: false)]
        }
        switch state {
        case .backoff(let until) where now >= until:
            state = .connecting
            return [.connect]
        case .handshaking(let since) where now >= since + configuration.handshakeTimeout:
            return [.close] + enterBackoff(now: now, jitter: jitter)
        case .connected:
            guard writable, let last = lastHeartbeat, now >= last + configuration.heartbeatInterval else { return [] }
            lastHeartbeat = now
            let heartbeat = CoordinatorMessage.Heartbeat(rank: configuration.hello.rank, time: wallTime, droppedReports: droppedReports)
            return [.send([.heartbeat(heartbeat)])]
        default:
            return []
        }
    }

    /// The worker's run is finishing: deliver the queue and a `finish` message, waiting at most
    /// `finishDeadline` for a connection; ends with `.finished`. Reports after this are ignored.
    /// - Parameters:
    ///   - exitCode: the process exit code (0 is success).
    ///   - finalStep: the last step the run logged.
    ///   - now: the worker's clock.
    ///   - deadline: how long to wait; `nil` uses `configuration.finishDeadline`.
    public mutating func finish(
        exitCode: Int32, finalStep: Int64, now: ContinuousClock.Instant, deadline: Duration? = nil
    ) -> [Action] {
        guard pendingFinish == nil, state != .finished else { return [] }
        pendingFinish = .init(rank: configuration.hello.rank, exitCode: exitCode, finalStep: finalStep)
        finishDeadline = now + (deadline ?? configuration.finishDeadline)
        switch state {
        case .idle, .rejected:
            return [endFinish(delivered: false)]
        case .connected:
            return flush()
        case .backoff where hasJoined:
            // The leader was lost: try it once now instead of waiting out the backoff; if it
            // refuses, `connectFailed` ends the finish at once.
            state = .connecting
            return [.connect]
        case .connecting, .handshaking, .backoff, .finished:
            return []
        }
    }

    /// Ends the finish: no more connections or reports.
    mutating func endFinish(delivered: Bool) -> Action {
        let outcome = FinishOutcome(delivered: delivered, undeliveredMessages: queue.count, droppedReports: droppedReports)
        state = .finished
        pendingFinish = nil
        queue.removeAll()
        return .finished(outcome)
    }
}
