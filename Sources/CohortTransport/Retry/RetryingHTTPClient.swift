public import Foundation

/// An ``HTTPClient`` that applies a ``RetryPolicy``: it tries again after transient failures, `429` and
/// `5xx`, and turns an error status that is not retried into a ``TransportError`` of kind
/// ``TransportError/Kind/httpStatus``.
///
/// Each attempt sends the request again from the start (a file-region body is read again), so requests
/// must be idempotent or carry their own offsets. Time comes from the injected clock, so tests of retries
/// need not wait.
///
/// ```swift
/// let http = RetryingHTTPClient(client: HTTPClient(), observer: { event in
///     logger.warning("http.retry", metadata: ["attempt": "\(event.attempt)", "reason": "\(event.reason)"])
/// })
/// let answer = try await http.execute(HTTPRequest(method: .put, url: signedURL, body: .file(region)))
/// ```
public struct RetryingHTTPClient: Sendable {
    /// The client that sends each attempt.
    public let client: HTTPClient
    /// The policy that decides about retries.
    public var policy: RetryPolicy
    private let observer: (@Sendable (RetryEvent) -> Void)?
    private let sleep: @Sendable (Duration) async throws -> Void
    private let startStopwatch: @Sendable () -> (@Sendable () -> Duration)
    private let wallClock: @Sendable () -> Date

    /// Creates a retrying client.
    /// - Parameters:
    ///   - client: the client that sends each attempt; it is not shut down by this value.
    ///   - policy: when to retry and how long to wait.
    ///   - clock: measures elapsed time and waits between attempts (a test clock in tests).
    ///   - wallClock: the current date, to read `Retry-After` HTTP-dates.
    ///   - observer: told about every attempt that failed (for logs and progress); called on the task
    ///     that runs ``execute(_:)``.
    public init<C: Clock<Duration>>(
        client: HTTPClient,
        policy: RetryPolicy = RetryPolicy(),
        clock: C = ContinuousClock(),
        wallClock: @escaping @Sendable () -> Date = { Date() },
        observer: (@Sendable (RetryEvent) -> Void)? = nil
    ) {
        self.client = client
        self.policy = policy
        self.observer = observer
        self.wallClock = wallClock
        sleep = { delay in try await clock.sleep(for: delay) }
        startStopwatch = {
            let start = clock.now
            return { start.duration(to: clock.now) }
        }
    }

    /// Sends `request`, retrying as the policy says.
    /// - Returns: the first answer with a status below 400.
    /// - Throws: ``TransportError``: the last transport failure, or ``TransportError/Kind/httpStatus`` with
    ///   the status and the start of the body when the last answer was 4xx or 5xx; ``TransportError/Kind/cancelled``
    ///   when the task is cancelled, also while waiting between attempts.
    public func execute(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let elapsed = startStopwatch()
        let target = TransportError.redacted(request.url)
        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            let outcome: Result<HTTPResponse, TransportError>
            do {
                outcome = .success(try await client.execute(request))
            } catch {
                outcome = .failure(error)
            }
            if case .failure(let error) = outcome, error.kind == .cancelled { throw error }
            let decision = policy.decide(after: outcome, attempt: attempt, elapsed: elapsed(), now: wallClock(), using: &random)
            if case .success(let response) = outcome, response.status < 400 { return response }
            switch decision {
            case .stop:
                observer?(RetryEvent(attempt: attempt, outcome: outcome, nextDelay: nil, target: target))
                switch outcome {
                case .success(let response): throw .httpStatus(response, target: target)
                case .failure(let error): throw error
                }
            case .retry(let delay):
                observer?(RetryEvent(attempt: attempt, outcome: outcome, nextDelay: delay, target: target))
                do {
                    try await sleep(delay)
                } catch {
                    throw .cancelled(target: target)
                }
            }
        }
    }
}

/// One failed attempt of a ``RetryingHTTPClient``, for logs and progress displays.
public struct RetryEvent: Sendable {
    /// The attempt that failed (1 for the first).
    public let attempt: Int
    /// Its answer (an error status) or its transport failure.
    public let outcome: Result<HTTPResponse, TransportError>
    /// The wait before the next attempt, or `nil` when this was the last one.
    public let nextDelay: Duration?
    /// `scheme://host/path` of the request (no query, no credentials).
    public let target: String

    /// A short reason, such as `HTTP 503` or the transport error's kind.
    public var reason: String {
        switch outcome {
        case .success(let response): "HTTP \(response.status)"
        case .failure(let error): "\(error.kind)"
        }
    }
}
