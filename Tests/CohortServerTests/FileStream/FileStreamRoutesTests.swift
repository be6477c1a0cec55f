@testable import CohortServer
import CohortTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("POST /files/{entity}/{project}/{run}/file_stream")
struct FileStreamRoutesTests {
    private func post(
        _ client: some TestClientProtocol, harness: ServerHarness, run: String, body: String,
        entity: String = ServerHarness.entity, key: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = harness.authorization(key)
        headers.append(contentsOf: extra)
        return try await client.execute(
            uri: ServerHarness.fileStreamURI(run, entity: entity), method: .post, headers: headers,
            body: ByteBuffer(string: body))
    }

    @Test("the trace's long run: history appended in order, summary replaced, preempting, complete")
    func longRun() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            for body in TraceBodies.long {
                let response = try await post(client, harness: harness, run: "run1", body: body)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "{}")
                #expect(response.headers[.contentType] == "application/json")
            }
        }
        let key = harness.runKey("run1")
        let run = try #require(try await harness.store.run(key))
        let history = try await harness.store.history(key, from: 0, to: nil)
        #expect(history.count == 16)
        #expect(run.historyLineCount == 16)
        #expect(run.eventsLineCount == 5)
        #expect(run.logLineCount == 4)
        #expect(run.state == .finished && run.exitCode == 0)
        // Every history line carries its own _step, in order.
        let steps = history.compactMap { line -> Int? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["_step"] as? Int
        }
        #expect(steps == Array(0..<16))
        // The summary is the last request's summary line.
        let lastSummary = try FileStreamRequest.parse(Array(TraceBodies.long.last!.utf8)).batch.summary!.lines.last!
        #expect(run.summary == lastSummary)
    }

    @Test("a retried request stores nothing twice")
    func retry() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            for body in TraceBodies.long.prefix(3) {
                // The client re-sends the same body after a 5xx or a lost answer.
                let first = try await post(client, harness: harness, run: "run1", body: body)
                let again = try await post(client, harness: harness, run: "run1", body: body)
                #expect(first.status == .ok && again.status == .ok)
            }
        }
        let key = harness.runKey("run1")
        #expect(try await harness.store.history(key, from: 0, to: nil).count == 8)
        #expect(try await harness.store.events(key, from: 0, to: nil).count == 2)
    }

    @Test("console lines are overwritten from the offset (the trace's progress bar)")
    func consoleRewrite() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            for body in TraceBodies.console {
                let response = try await post(client, harness: harness, run: "run1", body: body)
                #expect(response.status == .ok)
            }
        }
        let key = harness.runKey("run1")
        #expect(try await harness.store.console(key) == [
            "2026-11-29T01:59:30.074459 line A", "2026-11-29T01:59:30.074475 progress 100%",
            "ERROR 2026-11-29T01:59:47.075731 line B",
        ])
        let run = try #require(try await harness.store.run(key))
        #expect(run.summary == #"{"_runtime":17,"_wandb":{"runtime":17}}"#)
        #expect(run.state == .finished)
    }

    @Test("complete with a non-zero exit code fails the run; a heartbeat refreshes it")
    func completeAndHeartbeat() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        let before = try await harness.createRun("run1")
        try await Task.sleep(for: .milliseconds(20))
        try await harness.application().test(.router) { client in
            #expect(try await post(client, harness: harness, run: "run1", body: TraceBodies.heartbeat[0]).status == .ok)
            let afterBeat = try #require(try await harness.store.run(harness.runKey("run1")))
            #expect(afterBeat.heartbeatAt > before.heartbeatAt)
            #expect(afterBeat.state == .running)
            #expect(try await post(client, harness: harness, run: "run1", body: TraceBodies.mainFinal[0]).status == .ok)
        }
        let run = try #require(try await harness.store.run(harness.runKey("run1")))
        #expect(run.state == .failed && run.exitCode == 3)
    }

    @Test("the stop hook answers {\"stopped\":true}")
    func stopped() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let router = Router(context: CohortRequestContext.self)
        let group = router.group().add(middleware: APIKeyMiddleware(store: harness.store))
        FileStreamRoutes.register(on: group, services: harness.services, stopRequested: { $0.key.name == "run1" })
        try await Application(router: router).test(.router) { client in
            let response = try await post(client, harness: harness, run: "run1", body: "{}")
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"stopped":true}"#)
        }
    }

    @Test("bodies that can never succeed are 400, nothing stored", arguments: ["not json", "[]", #"{"files": {"output.log": {"offset": -2, "content": []}}}"#])
    func badRequest(_ body: String) async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            let response = try await post(client, harness: harness, run: "run1", body: body)
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains("file_stream body"))
        }
        #expect(await harness.store.fileStreamCalls == 0)
    }

    @Test("no key is 401, another entity's key is 403, an unknown run is 404")
    func permissions() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            let anonymous = try await client.execute(
                uri: ServerHarness.fileStreamURI("run1"), method: .post, body: ByteBuffer(string: "{}"))
            #expect(anonymous.status == .unauthorized)
            let other = try await post(client, harness: harness, run: "run1", body: "{}", key: harness.otherKey)
            #expect(other.status == .forbidden)
            let missing = try await post(client, harness: harness, run: "nope", body: TraceBodies.long[1])
            #expect(missing.status == .notFound)
        }
        #expect(try await harness.store.history(harness.runKey("run1"), from: 0, to: nil).isEmpty)
    }

    @Test("a body over the limit is 413; gzip (never advertised) is 415")
    func sizeAndEncoding() async throws {
        let harness = try await ServerHarness.make { $0.maximumBodySize = 1024 }
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            let big = #"{"files": {"output.log": {"offset": 0, "content": [""# + String(repeating: "x", count: 2000) + #""]}}}"#
            #expect(try await post(client, harness: harness, run: "run1", body: big).status == .contentTooLarge)
            let gzip = try await post(
                client, harness: harness, run: "run1", body: "{}", headers: [.contentEncoding: "gzip"])
            #expect(gzip.status == .unsupportedMediaType)
        }
        #expect(await harness.store.fileStreamCalls == 0)
    }

    @Test("a store that is down is 503 with Retry-After, so the client retries")
    func unavailable() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            // The key lookup happens before the failure is switched on.
            await harness.store.fail(with: StoreError(.unavailable, "database is locked"))
            let response = try await post(client, harness: harness, run: "run1", body: "{}")
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "5")
        }
    }

    @Test("unknown files are ignored and uploaded names that would escape the run are dropped, not refused")
    func lenientRoute() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let body = #"{"files": {"other.bin": {"offset": 0, "content": ["x"]}}, "uploaded": ["media/a.png", "../x", "/etc/passwd", "ok.txt"]}"#
        try await harness.application().test(.router) { client in
            let response = try await post(client, harness: harness, run: "run1", body: body)
            #expect(response.status == .ok)
        }
        let batch = try #require(await harness.store.lastBatch)
        #expect(batch.uploaded == ["media/a.png", "ok.txt"])
        #expect(batch.history == nil && batch.console == nil)
    }
}
