import CohortTestSupport
import CohortTransport
import Foundation
import Testing


@Suite("RetryPolicy decisions")
struct RetryPolicyTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)

    func decide(_ outcome: Result<HTTPResponse, TransportError>, attempt: Int = 1, elapsed: Duration = .zero,
                policy: RetryPolicy = RetryPolicy()) -> RetryPolicy.Decision {
        var random = SplitMix64(seed: 42)
        return policy.decide(after: outcome, attempt: attempt, elapsed: elapsed, now: now, using: &random)
    }

    @Test("429 and 5xx are retried, other statuses are not", arguments: [
        (200, false), (204, false), (301, false), (400, false), (401, false), (403, false), (404, false),
        (409, false), (410, false), (413, false), (422, false), (429, true), (500, true), (501, false),
        (502, true), (503, true), (504, true), (505, false),
    ])
    func statusTable(status: Int, retried: Bool) {
        let decision = decide(.success(HTTPResponse(status: status)))
        if retried {
            guard case .retry = decision else { Issue.record("\(status) should be retried"); return }
        } else {
            #expect(decision == .stop, "\(status) must not be retried")
        }
    }

    @Test("transient transport failures are retried")
    func transientErrorsRetried() async {
        let client = HTTPClient()
        defer { client.shutdown() }
        // Port 1 on loopback: nothing listens there, so the connection is refused.
        let refused: TransportError
        do {
            _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
            Issue.record("a request to a closed port succeeded")
            return
        } catch { refused = error }
        #expect(refused.kind == .connectionFailed)
        #expect(refused.isTransient)
        guard case .retry = decide(.failure(refused)) else { Issue.record("connection refused not retried"); return }
    }

    @Test("Retry-After in seconds sets the delay, and is capped")
    func retryAfterSeconds() {
        let response = HTTPResponse(status: 429, headers: [HTTPHeader("Retry-After", "7")])
        #expect(decide(.success(response)) == .retry(after: .seconds(7)))
        var config = RetryPolicy.Configuration()
        config.maxRetryAfter = .seconds(3)
        #expect(decide(.success(response), policy: RetryPolicy(configuration: config)) == .retry(after: .seconds(3)))
    }

    @Test("Retry-After as an HTTP-date counts from now")
    func retryAfterDate() {
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        #expect(RetryPolicy.retryAfter("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
        #expect(RetryPolicy.retryAfter("Tuesday, 14-Nov-23 22:13:25 GMT", now: now) == .seconds(5))
        #expect(RetryPolicy.retryAfter("Tue Nov 14 22:14:20 2023", now: now) == .seconds(60))
        #expect(RetryPolicy.retryAfter("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero)
        #expect(RetryPolicy.retryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.retryAfter("-3", now: now) == nil)
    }

    @Test("backoff stays within full-jitter bounds and the cap")
    func backoffBounds() {
        let policy = RetryPolicy()
        var random = SplitMix64(seed: 7)
        for attempt in 1...12 {
            let ceiling = min(Duration.seconds(60), .seconds(2) * (1 << (attempt - 1)))
            var seen: [Duration] = []
            for _ in 0..<200 {
                let delay = policy.backoff(attempt: attempt, using: &random)
                #expect(delay >= .zero && delay <= ceiling)
                seen.append(delay)
            }
            // Full jitter spreads over the whole range, not around one value.
            #expect(seen.min()! < ceiling / 4 && seen.max()! > ceiling * 3 / 4)
        }
    }

    @Test("attempts and total time are limited")
    func limits() {
        var config = RetryPolicy.Configuration()
        config.maxAttempts = 3
        config.maxTotalTime = .seconds(10)
        let policy = RetryPolicy(configuration: config)
        let unavailable = Result<HTTPResponse, TransportError>.success(HTTPResponse(status: 503))
        guard case .retry = decide(unavailable, attempt: 2, policy: policy) else { Issue.record("attempt 2 not retried"); return }
        #expect(decide(unavailable, attempt: 3, policy: policy) == .stop)
        let waitLong = Result<HTTPResponse, TransportError>.success(
            HTTPResponse(status: 503, headers: [HTTPHeader("retry-after", "5")]))
        #expect(decide(waitLong, attempt: 1, elapsed: .seconds(6), policy: policy) == .stop)
    }

    @Test("error descriptions name the status and never the query or credentials")
    func descriptionRedacts() {
        let response = HTTPResponse(status: 404, body: Array("no such run".utf8))
        let error = TransportError.httpStatus(response, target: TransportError.redacted("https://api:KEY@host:8080/files/a?token=SECRET"))
        #expect(error.description.contains("404"))
        #expect(error.description.contains("no such run"))
        #expect(error.description.contains("https://host:8080/files/a"))
        #expect(!error.description.contains("SECRET") && !error.description.contains("KEY"))
    }
}
