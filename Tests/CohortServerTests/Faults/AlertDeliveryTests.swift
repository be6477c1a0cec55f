@testable import CohortServer
import CohortTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// A webhook on a real loopback port that answers 500 to its first `failures` POSTs, then 200, and
/// keeps every body it was sent. While `held`, it answers nothing (its requests wait).
final class WebhookReceiver: Sendable {
    let failures: Int
    private let state = Mutex<(attempts: Int, accepted: [Data])>((0, []))
    private let holding = Mutex(false)

    init(failures: Int) { self.failures = failures }

    /// Whether requests wait unanswered.
    var held: Bool {
        get { holding.withLock { $0 } }
        set { holding.withLock { $0 = newValue } }
    }

    var attempts: Int { state.withLock { $0.attempts } }
    var accepted: [Data] { state.withLock { $0.accepted } }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            while self.held { try await Task.sleep(for: .milliseconds(20)) }
            let fail = self.state.withLock { state -> Bool in
                state.attempts += 1
                if state.attempts <= self.failures { return true }
                state.accepted.append(Data(body.readableBytesView))
                return false
            }
            return Response(status: fail ? .internalServerError : .ok)
        }
        var logger = Logger(label: "webhook")
        logger.logLevel = .warning
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    /// Waits until `count` bodies were accepted (or `timeout` passes).
    func waitForAccepted(_ count: Int, timeout: Duration = .seconds(20)) async throws -> [Data] {
        let deadline = ContinuousClock.now + timeout
        while accepted.count < count && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return accepted
    }
}

@Suite("Alerts: webhook delivery")
struct AlertDeliveryTests {
    @Test("a stored alert is POSTed as Slack-style JSON, retried after a 500; a throttled one is not sent")
    func deliveredThroughGraphQL() async throws {
        let receiver = WebhookReceiver(failures: 1)
        try await receiver.application().test(.live) { webhook in
            let port = try #require(webhook.port)
            let harness = try await ServerHarness.make { $0.alertWebhook = "http://127.0.0.1:\(port)/hook" }
            defer { harness.directory.remove() }
            try await harness.createRun("wa5l7hq8")
            let delivery = try #require(harness.services.alerts)
            receiver.held = true  // the webhook answers nothing until the GraphQL calls have returned
            try await harness.application().test(.router) { client in
                for variables in [WandbDocuments.alertVariables, WandbDocuments.alertVariables] {  // the second is throttled
                    let body = try JSONSerialization.data(withJSONObject: [
                        "query": WandbDocuments.notifyScriptableRunAlert, "operationName": "NotifyScriptableRunAlert",
                        "variables": try JSONSerialization.jsonObject(with: Data(variables.utf8)),
                    ])
                    let response = try await client.execute(
                        uri: "/graphql", method: .post, headers: harness.authorization(), body: ByteBuffer(bytes: body))
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"data":{"notifyScriptableRunAlert":{"success":true}}}"#)
                }
            }
            #expect(receiver.accepted.isEmpty, "both answers came back while the webhook was still held: it is not on the request path")
            receiver.held = false
            let bodies = try await receiver.waitForAccepted(1)
            try await Task.sleep(for: .seconds(1))  // room for a wrong second delivery to show up
            #expect(receiver.attempts == 2, "one 500, then the retry accepted")
            #expect(receiver.accepted.count == 1, "the throttled alert is stored nowhere and sent nowhere")
            let first = try #require(bodies.first)
            let payload = try #require(try JSONSerialization.jsonObject(with: first) as? [String: Any])
            let text = try #require(payload["text"] as? String)
            #expect(text.contains("hello") && text.contains("WARN") && text.contains("test-entity/proto-research/wa5l7hq8"))
            let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["title"] as? String == "hello")
            #expect(attachment["text"] as? String == "alert text")
            #expect(attachment["color"] as? String == "warning")
            #expect(delivery.outcomes.delivered == 1 && delivery.outcomes.failed == 0)
            #expect(await harness.store.storedAlerts.count == 1)
        }
    }

    @Test("colours by severity; without a webhook nothing is set up")
    func payloadAndConfiguration() async throws {
        let key = RunKey(entity: "e", project: "p", name: "r")
        for (severity, color) in [(AlertRecord.Severity.info, "good"), (.warn, "warning"), (.error, "danger")] {
            let alert = AlertRecord(key: key, title: "t \"q\"", text: "line1\nline2", severity: severity, createdAt: Date())
            let payload = try #require(try JSONSerialization.jsonObject(with: AlertDelivery.payload(for: alert)) as? [String: Any])
            let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["color"] as? String == color)
            #expect(attachment["title"] as? String == "t \"q\"" && attachment["text"] as? String == "line1\nline2")
        }
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        #expect(harness.services.alerts == nil)
    }

    @Test("enqueue never waits for a slow webhook; alerts go out in order; a webhook that never accepts gives up after the attempts")
    func queueSemantics() async throws {
        final class Calls: Sendable { let list = Mutex<[String]>([]) }
        let calls = Calls()
        let slow = AlertDelivery(
            url: URL(string: "http://127.0.0.1:1/hook")!, attempts: 3, backoff: .milliseconds(10), logger: Logger(label: "t"),
            post: { _, body in
                let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
                let title = ((object?["attachments"] as? [[String: Any]])?.first?["title"] as? String) ?? "?"
                calls.list.withLock { $0.append(title) }
                try? await Task.sleep(for: .milliseconds(200))
                return title == "never" ? 503 : 204
            })
        let key = RunKey(entity: "e", project: "p", name: "r")
        let start = ContinuousClock.now
        for title in ["a", "never", "b"] {
            slow.enqueue(AlertRecord(key: key, title: title, text: "x", severity: .error, createdAt: Date()))
        }
        #expect(ContinuousClock.now - start < .milliseconds(100))
        await slow.finish()
        #expect(calls.list.withLock { $0 } == ["a", "never", "never", "never", "b"])
        #expect(slow.outcomes.delivered == 2 && slow.outcomes.failed == 1)
    }

    @Test("the real URLSession poster: a refused connection is retried, then given up on; a live webhook gets the body")
    func urlSessionPoster() async throws {
        #expect(await AlertDelivery.urlSessionPost(URL(string: "http://127.0.0.1:1/hook")!, Data("{}".utf8)) == nil)
        let receiver = WebhookReceiver(failures: 0)
        try await receiver.application().test(.live) { webhook in
            let port = try #require(webhook.port)
            let status = await AlertDelivery.urlSessionPost(URL(string: "http://127.0.0.1:\(port)/hook")!, Data(#"{"text":"hi"}"#.utf8))
            #expect(status == 200)
            #expect(receiver.accepted == [Data(#"{"text":"hi"}"#.utf8)])
        }
    }
}
