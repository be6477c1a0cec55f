import CohortTestSupport
import CohortTransport
import Foundation
import Synchronization
import Testing

@Suite("RetryingHTTPClient against the fault-injecting proxy")
struct RetryingHTTPClientTests {
    final class Events: Sendable {
        let list = Mutex<[RetryEvent]>([])
        var all: [RetryEvent] { list.withLock { $0 } }
        func append(_ event: RetryEvent) { list.withLock { $0.append(event) } }
    }

    @Test("503 then 200: retried once and succeeds")
    func serviceUnavailableThenSuccess() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.respond(503, body: "busy"), times: 2, pathPrefix: "/graphql")
            let clock = InstantClock()
            let events = Events()
            let http = RetryingHTTPClient(client: client, clock: clock, observer: events.append)
            let response = try await http.execute(HTTPRequest(method: .post, url: proxy.baseURL + "/graphql", body: .bytes([1])))
            #expect(response.status == 200)
            #expect(proxy.requests.count == 3)
            #expect(events.all.map(\.attempt) == [1, 2])
            #expect(events.all.map(\.reason) == ["HTTP 503", "HTTP 503"])
            #expect(clock.sleeps.count == 2)
            #expect(clock.sleeps.allSatisfy { $0 <= .seconds(4) })
        }
    }

    @Test("429 with Retry-After: 1 waits at least a second before the next attempt")
    func rateLimitedHonoursRetryAfter() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.respond(429, headers: [("Retry-After", "1")]), pathPrefix: "/files/")
            let clock = InstantClock()
            let http = RetryingHTTPClient(client: client, clock: clock)
            let response = try await http.execute(HTTPRequest(method: .post, url: proxy.baseURL + "/files/e/p/r/file_stream", body: .bytes([1])))
            #expect(response.status == 200)
            #expect(proxy.requests.count == 2)
            #expect(clock.sleeps == [.seconds(1)])
        }
    }

    @Test("400, 401, 403, 404, 409 and 410 are not retried and the error names the status",
          arguments: [400, 401, 403, 404, 409, 410])
    func clientErrorsNotRetried(status: Int) async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.respond(status, body: "refused: \(status)"))
            let clock = InstantClock()
            let http = RetryingHTTPClient(client: client, clock: clock)
            do {
                _ = try await http.execute(HTTPRequest(
                    method: .post, url: proxy.baseURL + "/graphql?token=SECRET",
                    headers: [HTTPHeader("Authorization", "Basic c2VjcmV0")], body: .bytes([1])))
                Issue.record("HTTP \(status) did not throw")
            } catch let error as TransportError {
                #expect(error.kind == .httpStatus)
                #expect(error.status == status)
                #expect(error.description.contains("HTTP \(status)"))
                #expect(error.description.contains("refused: \(status)"))
                #expect(!error.description.contains("SECRET") && !error.description.contains("c2VjcmV0"))
            }
            #expect(proxy.requests.count == 1)
            #expect(clock.sleeps.isEmpty)
        }
    }

    @Test("a connection closed without an answer is retried")
    func droppedConnectionRetried() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.closeConnection, times: 2, pathPrefix: "/upload")
            let http = RetryingHTTPClient(client: client, clock: InstantClock())
            let response = try await http.execute(HTTPRequest(method: .put, url: proxy.baseURL + "/upload", body: .bytes(pattern(10_000))))
            #expect(response.status == 200)
            #expect(proxy.stored(at: "/upload") == pattern(10_000))
            #expect(proxy.requests.count == 3)
        }
    }

    @Test("connection refused is retried, then surfaced as a transport error")
    func connectionRefusedSurfaced() async throws {
        let unused = try await FaultInjectingProxy.start()
        let url = unused.baseURL + "/graphql"
        try await unused.shutdown()  // nothing listens on that port any more
        let client = HTTPClient()
        defer { client.shutdown() }
        var config = RetryPolicy.Configuration()
        config.maxAttempts = 4
        let clock = InstantClock()
        let events = Events()
        let http = RetryingHTTPClient(client: client, policy: RetryPolicy(configuration: config), clock: clock, observer: events.append)
        do {
            _ = try await http.execute(HTTPRequest(method: .post, url: url, body: .bytes([1])))
            Issue.record("a request to a closed port succeeded")
        } catch {
            #expect(error.kind == .connectionFailed)
            #expect(error.description.contains("Could not connect"))
        }
        #expect(events.all.count == 4)
        #expect(events.all.last?.nextDelay == nil)
        #expect(clock.sleeps.count == 3)
    }

    @Test("a proxy in front of an upstream forwards requests and injects faults")
    func forwardingProxy() async throws {
        let origin = try await FaultInjectingProxy.start()
        let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", origin.port))
        let client = HTTPClient()
        proxy.inject(.respond(502), pathPrefix: "/blob")
        let http = RetryingHTTPClient(client: client, clock: InstantClock())
        let bytes = pattern(50_000)
        let put = try await http.execute(HTTPRequest(method: .put, url: proxy.baseURL + "/blob", body: .bytes(bytes)))
        #expect(put.status == 200)
        #expect(origin.stored(at: "/blob") == bytes)
        #expect(proxy.requests.count == 2)
        #expect(origin.requests.count == 1)
        await client.shutdownGracefully()
        try await proxy.shutdown()
        try await origin.shutdown()
    }

    @Test("cancelling during the wait between attempts stops at once")
    func cancelDuringBackoff() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.respond(503, headers: [("Retry-After", "30")]), pathPrefix: "/")
            let http = RetryingHTTPClient(client: client)  // the real clock: the wait is 30 s
            let task = Task { () async throws(TransportError) -> HTTPResponse in
                try await http.execute(HTTPRequest(url: proxy.baseURL + "/x"))
            }
            await proxy.waitForRequests(count: 1)
            task.cancel()
            guard case .failure(let error) = await task.result else { Issue.record("no error"); return }
            #expect((error as? TransportError)?.kind == .cancelled)
            #expect(proxy.requests.count == 1)
        }
    }
}
