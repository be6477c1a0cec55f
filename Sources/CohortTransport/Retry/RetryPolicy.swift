public import Foundation

/// The one place that decides whether a failed HTTP exchange is tried again, and after how long.
///
/// Retried: transient transport failures (connection refused or lost, timeouts, name resolution), `429`,
/// and `5xx` except `501 Not Implemented` and `505 HTTP Version Not Supported` (which a retry cannot
/// change). Never retried: every other status, including `400`, `401`, `403`, `404`, `409`, `410`, and
/// failures of the request itself (TLS, unreadable file, cancellation). The delay is exponential with full
/// jitter, `random(0 ... min(maxDelay, baseDelay · 2^(attempt-1)))`, unless the answer carries
/// `Retry-After` (seconds or an HTTP-date), which is honoured up to ``Configuration/maxRetryAfter``.
///
/// ```swift
/// var rng = SystemRandomNumberGenerator()
/// switch RetryPolicy().decide(after: .success(response), attempt: 1, elapsed: .zero, now: Date(), using: &rng) {
/// case .retry(let delay): try await Task.sleep(for: delay)
/// case .stop: break
/// }
/// ```
public struct RetryPolicy: Sendable {
    /// Limits of a ``RetryPolicy``.
    public struct Configuration: Sendable {
        /// The most attempts, the first one included. Default 10.
        public var maxAttempts: Int = 10
        /// The backoff before the first retry is at most this. Default 2 s (W&B's clients use 2 s).
        public var baseDelay: Duration = .seconds(2)
        /// No backoff is longer than this. Default 60 s (as W&B's clients).
        public var maxDelay: Duration = .seconds(60)
        /// No retry starts after this much time since the first attempt; `nil` for no limit. Default 10 min.
        public var maxTotalTime: Duration? = .seconds(600)
        /// A longer `Retry-After` is cut to this. Default 5 min.
        public var maxRetryAfter: Duration = .seconds(300)

        /// The defaults above.
        public init() {}
    }

    /// What to do after an attempt.
    public enum Decision: Sendable, Hashable {
        /// Wait this long, then try again.
        case retry(after: Duration)
        /// Return the outcome as it is.
        case stop
    }

    /// The limits in use.
    public var configuration: Configuration

    /// Creates a policy with these limits.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Decides what follows attempt number `attempt` (1 for the first) that ended with `outcome`.
    ///
    /// - Parameters:
    ///   - outcome: the answer (any status) or the transport failure.
    ///   - attempt: the number of attempts made so far, this one included.
    ///   - elapsed: the time since the first attempt started.
    ///   - now: the wall-clock time, to read an HTTP-date `Retry-After`.
    ///   - random: the source of the jitter.
    public func decide(
        after outcome: Result<HTTPResponse, TransportError>,
        attempt: Int,
        elapsed: Duration,
        now: Date,
        using random: inout some RandomNumberGenerator
    ) -> Decision {
        var delay: Duration
        switch outcome {
        case .success(let response):
            guard Self.isRetryable(status: response.status) else { return .stop }
            delay = backoff(attempt: attempt, using: &random)
            if let value = response.header("Retry-After"), let wanted = Self.retryAfter(value, now: now) {
                delay = min(wanted, configuration.maxRetryAfter)
            }
        case .failure(let error):
            guard error.isTransient else { return .stop }
            delay = backoff(attempt: attempt, using: &random)
        }
        guard attempt < configuration.maxAttempts else { return .stop }
        if let limit = configuration.maxTotalTime, elapsed + delay > limit { return .stop }
        return .retry(after: delay)
    }

    /// Whether an answer with `status` is worth another attempt: 429 and 5xx except 501 and 505.
    public static func isRetryable(status: Int) -> Bool {
        status == 429 || ((500..<600).contains(status) && status != 501 && status != 505)
    }

    /// The full-jitter backoff after attempt `attempt`: uniform in `0 ... min(maxDelay, baseDelay · 2^(attempt-1))`.
    public func backoff(attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(configuration.maxDelay, configuration.baseDelay * (1 << exponent))
        let nanoseconds = ceiling.nanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &random))
    }

    /// The wait a `Retry-After` value asks for: delta-seconds (`"120"`) or an HTTP-date
    /// (`"Wed, 21 Oct 2015 07:28:00 GMT"`, relative to `now`, never negative); `nil` when unreadable.
    public static func retryAfter(_ value: String, now: Date) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text) { return seconds >= 0 ? .seconds(seconds) : nil }
        guard let date = HTTPDate.parse(text) else { return nil }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int64((seconds * 1000).rounded(.up))) : .zero
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
