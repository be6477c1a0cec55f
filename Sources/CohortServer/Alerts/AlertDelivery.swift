public import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
public import Logging
import Synchronization

/// Delivers stored alerts to a Slack-style webhook (`--alert-webhook URL`), off the request path.
///
/// `enqueue` only appends to an unbounded stream and returns at once; one background task POSTs the
/// alerts in order, each up to `attempts` times with exponential backoff (`backoff`, doubled each try,
/// capped at 30 s). A 2xx answer delivers; anything else (a refused connection, a timeout, a 4xx or 5xx)
/// is retried, and an alert that still fails after the last attempt is logged and dropped, never held
/// against the next one. The webhook URL is never logged (Slack's URLs are secrets).
public final class AlertDelivery: Sendable {
    /// What one POST answered: the HTTP status, or `nil` when no answer came (connection, timeout).
    public typealias Poster = @Sendable (_ url: URL, _ body: Data) async -> Int?

    public let url: URL
    public let attempts: Int
    public let backoff: Duration
    private let continuation: AsyncStream<AlertRecord>.Continuation
    private let worker: Task<Void, Never>
    private let counters: Counters

    /// Starts the delivery task. `post` defaults to a URLSession POST with a 10 s timeout.
    public init(
        url: URL, attempts: Int = 5, backoff: Duration = .milliseconds(500), logger: Logger,
        post: Poster? = nil
    ) {
        let counters = Counters()
        let tries = max(1, attempts)
        self.url = url
        self.attempts = tries
        self.backoff = backoff
        self.counters = counters
        let (stream, continuation) = AsyncStream<AlertRecord>.makeStream(bufferingPolicy: .unbounded)
        self.continuation = continuation
        let post = post ?? AlertDelivery.urlSessionPost
        worker = Task.detached {
            for await alert in stream {
                let body = AlertDelivery.payload(for: alert)
                var delay = backoff
                var delivered = false
                for attempt in 1...tries {
                    if let status = await post(url, body), (200..<300).contains(status) {
                        delivered = true
                        break
                    } else if attempt < tries {
                        try? await Task.sleep(for: delay)
                        delay = min(delay * 2, .seconds(30))
                    }
                }
                counters.value.withLock { delivered ? ($0.delivered += 1) : ($0.failed += 1) }
                if !delivered {
                    logger.warning(
                        "alert not delivered to the webhook",
                        metadata: ["run": "\(alert.key)", "title": "\(alert.title)", "attempts": "\(tries)"])
                }
            }
        }
    }

    /// Queues `alert` for delivery; never blocks.
    public func enqueue(_ alert: AlertRecord) {
        continuation.yield(alert)
    }

    /// Alerts delivered and alerts given up on so far.
    public var outcomes: (delivered: Int, failed: Int) { counters.value.withLock { $0 } }

    /// Stops taking alerts and waits until the queued ones are delivered or given up on.
    public func finish() async {
        continuation.finish()
        await worker.value
    }

    deinit { continuation.finish() }

    /// Slack's incoming-webhook JSON: a one-line `text` and one attachment coloured by severity.
    public static func payload(for alert: AlertRecord) -> Data {
        let object: [String: Any] = [
            "text": "[\(alert.severity.rawValue)] \(alert.title) (\(alert.key.entity)/\(alert.key.project)/\(alert.key.name))",
            "attachments": [
                [
                    "title": alert.title,
                    "text": alert.text,
                    "color": color(alert.severity),
                    "footer": "cohort · \(alert.key.entity)/\(alert.key.project)/\(alert.key.name)",
                    "ts": Int(alert.createdAt.timeIntervalSince1970),
                ] as [String: Any]
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// Slack's attachment colours: green for INFO, amber for WARN, red for ERROR.
    public static func color(_ severity: AlertRecord.Severity) -> String {
        switch severity {
        case .info: "good"
        case .warn: "warning"
        case .error: "danger"
        }
    }

    /// What the delivery task counts (a class, so the task and `outcomes` share it).
    private final class Counters: Sendable {
        let value = Mutex<(delivered: Int, failed: Int)>((0, 0))
    }

    /// One POST through URLSession (FoundationNetworking on Linux).
    @Sendable static func urlSessionPost(_ url: URL, _ body: Data) async -> Int? {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body
        return await withCheckedContinuation { (continuation: CheckedContinuation<Int?, Never>) in
            let task = URLSession.shared.dataTask(with: request) { _, response, error in
                guard error == nil, let http = response as? HTTPURLResponse else {
                    continuation.resume(returning: nil)
                    return
                }
                continuation.resume(returning: http.statusCode)
            }
            task.resume()
        }
    }
}
