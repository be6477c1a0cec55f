import CohortModel
import CohortTestSupport
import Foundation
import Synchronization
import Testing

@testable import Cohort

/// Swift runs in online mode against the real `cohort server` on loopback, read back with the
/// official `wandb.Api()` (PyPI `wandb` 0.31.0).
@Suite("Online runs", .serialized)
struct OnlineRunTests {
    static func settings(server: CohortServerProcess, baseURL: String? = nil) -> Settings {
        var settings = RunTestEnvironment.settings()
        settings.mode = .online
        settings.baseURL = baseURL ?? server.baseURL
        settings.apiKey = server.adminKey
        settings.fileStreamInterval = .milliseconds(200)
        settings.initTimeout = .seconds(10)
        settings.finishTimeout = .seconds(60)
        return settings
    }

    /// `entity/project/id` of a run, from its URL.
    static func path(of url: String?) throws -> String {
        let parts = try #require(url).split(separator: "/").map(String.init)
        try #require(parts.count >= 5 && parts[parts.count - 2] == "runs")
        return [parts[parts.count - 4], parts[parts.count - 3], parts[parts.count - 1]].joined(separator: "/")
    }

    /// What `wandb.Api()` reads of the run at `path`.
    static func read(_ path: String, files: [String] = [], server: CohortServerProcess, directory: TemporaryDirectory) throws -> JSONValue {
        if !WandbClient.isInstalled && !WandbClient.required { return .null }
        let result = try WandbClient.run("read_swift_run.py", arguments: [path] + files, server: server, directory: directory.path)
        try #require(result.status == 0, "read_swift_run.py failed: \(result.standardError.suffix(3000))")
        let line = try #require(result.standardOutput.split(separator: "\n").last)
        return try JSONParser.parse(String(line))
    }

    /// Reads the run at `path` with `wandb.Api()` and expects it finished with one row per step whose
    /// `x` is 0, 1, …, `x` - 1, each once.
    static func expectFinished(
        _ path: String, x count: Int, server: CohortServerProcess, directory: TemporaryDirectory,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let read = try Self.read(path, server: server, directory: directory)
        guard read != .null else { return }
        #expect(read["history"]?.arrayValue?.compactMap { $0["x"]?.number } == (0..<count).map(Double.init), sourceLocation: sourceLocation)
        #expect(read["state"] == "finished", sourceLocation: sourceLocation)
    }

    @Test("a Swift run streams history, summary, config and saved files; wandb.Api() reads them back equal")
    func onlineRun() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let run = try await Run.start(
            project: "online", group: "g1", jobType: "train", name: "swift-run", tags: ["swift"], config: ["lr": 0.1, "layers": 3],
            dir: directory.path, settings: Self.settings(server: server))
        #expect(run.mode == .online)
        let path = try Self.path(of: run.url)
        #expect(run.url?.hasPrefix(server.baseURL) == true)
        for step in 0..<5 { try run.log(["loss": 1.0 / Double(step + 1), "nested": ["acc": Double(step) / 10]]) }
        run.summary["best"] = 0.9
        let saved = directory.appending("notes.txt")
        try "saved with policy now\n".write(toFile: saved, atomically: true, encoding: .utf8)
        try run.save(saved, basePath: directory.path, policy: .now)
        await run.finish()

        let read = try Self.read(path, files: ["notes.txt"], server: server, directory: directory)
        guard read != .null else { return }
        #expect(read["state"] == "finished")
        let history = try #require(read["history"]?.arrayValue)
        #expect(history.count == 5)
        #expect(history.map { $0["_step"]?.intValue } == [0, 1, 2, 3, 4])
        #expect(history.map { $0["loss"]?.number } == (0..<5).map { 1.0 / Double($0 + 1) })
        #expect(history.last?["nested"]?["acc"]?.number == 0.4)
        #expect(read["summary"]?["best"]?.number == 0.9)
        #expect(read["summary"]?["loss"]?.number == 0.2)
        #expect(read["config"]?["lr"]?.number == 0.1 && read["config"]?["layers"]?.intValue == 3)
        #expect(read["name"] == "swift-run" && read["group"] == "g1" && read["job_type"] == "train" && read["tags"] == ["swift"])
        let files = read["files"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for name in ["notes.txt", "config.yaml", "wandb-summary.json", "wandb-metadata.json"] {
            #expect(files.contains(name), "\(name) in \(files)")
        }
        #expect(read["contents"]?["notes.txt"] == "saved with policy now\n")
    }

    @Test("through a proxy that answers 503, 429 with Retry-After, 500 and 502, resets and stalls: every row arrives once")
    func flakyServer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let port = try #require(URLComponents(string: server.baseURL)?.port)
        let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", port))
        // Every kind of trouble the issue lists, each once or twice, on file_stream and GraphQL.
        proxy.inject(.respond(503), times: 2, pathPrefix: "/files/")
        proxy.inject(.respond(429, headers: [("Retry-After", "1")]), times: 1, pathPrefix: "/files/")
        proxy.inject(.closeConnection, times: 1, pathPrefix: "/files/")
        proxy.inject(.delay(.seconds(2)), times: 1, pathPrefix: "/files/")
        proxy.inject(.respond(500), times: 1, pathPrefix: "/files/")
        proxy.inject(.respond(502), times: 1, pathPrefix: "/graphql")
        let run = try await Run.start(project: "flaky", dir: directory.path, settings: Self.settings(server: server, baseURL: proxy.baseURL))
        let path = try Self.path(of: run.url)
        for step in 0..<50 {
            try run.log(["x": Double(step)])
            if step % 10 == 0 { try await Task.sleep(for: .milliseconds(250)) }  // spread the rows over several requests
        }
        await run.finish()
        try await proxy.shutdown()
        let fileStreamPosts = proxy.requests.filter { $0.path.hasSuffix("/file_stream") }.count
        #expect(fileStreamPosts >= 5, "the faults were hit and the requests sent again")
        try Self.expectFinished(path, x: 50, server: server, directory: directory)
    }

    @Test("the server killed mid-run and started again: the run's rows all arrive, once each")
    func serverRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = directory.appending("server")
        let first = try CohortServerProcess(dataDirectory: data)
        let port = try #require(URLComponents(string: first.baseURL)?.port)
        let run = try await Run.start(project: "restart", dir: directory.path, settings: Self.settings(server: first))
        let path = try Self.path(of: run.url)
        for step in 0..<20 { try run.log(["x": Double(step)]) }
        try await run.flush()
        try await Task.sleep(for: .milliseconds(500))  // let a request or two reach the first server
        first.process.send(SIGKILL)
        _ = try first.process.wait(timeout: .seconds(30))
        for step in 20..<40 { try run.log(["x": Double(step)]) }  // logged while no server runs
        try await run.flush()
        let second = try CohortServerProcess(dataDirectory: data, arguments: ["--port", "\(port)"])
        defer { _ = try? second.stop() }
        for step in 40..<60 { try run.log(["x": Double(step)]) }
        await run.finish()
        try Self.expectFinished(path, x: 60, server: second, directory: directory)
    }

    @Test("resume online on a machine without the run's directory: steps, summary and config continue from the server")
    func resumeFromServer() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let first = try await Run.start(
            project: "resumed", config: ["lr": 0.1], id: "resume01", dir: directory.appending("machine-a"), settings: Self.settings(server: server))
        let path = try Self.path(of: first.url)
        for step in 0..<5 { try first.log(["x": Double(step)]) }
        first.summary["best"] = 7
        await first.finish(exitCode: 1)

        await #expect {
            _ = try await Run.start(project: "resumed", id: "resume01", resume: .never, dir: directory.appending("machine-b"), settings: Self.settings(server: server))
        } throws: { ($0 as? CohortError)?.code == .runExists }
        await #expect {
            _ = try await Run.start(project: "resumed", id: "nosuchrun", resume: .must, dir: directory.appending("machine-b"), settings: Self.settings(server: server))
        } throws: { ($0 as? CohortError)?.code == .runNotFound }

        let second = try await Run.start(
            project: "resumed", config: ["epochs": 3], id: "resume01", resume: .must, dir: directory.appending("machine-b"),
            settings: Self.settings(server: server))
        #expect(second.resumed && second.startingStep == 5 && second.step == 5)
        #expect(second.summary["best"] == .int(7))
        #expect(second.config["lr"] == .double(0.1))
        for step in 5..<8 { try second.log(["x": Double(step)]) }
        await second.finish()

        let read = try Self.read(path, server: server, directory: directory)
        guard read != .null else { return }
        let history = read["history"]?.arrayValue ?? []
        #expect(history.map { $0["_step"]?.intValue } == (0..<8).map { Int64($0) })
        #expect(history.compactMap { $0["x"]?.number } == (0..<8).map(Double.init))
        #expect(read["state"] == "finished" && read["summary"]?["best"]?.number == 7 && read["summary"]?["x"]?.number == 7)
        #expect(read["config"]?["lr"]?.number == 0.1 && read["config"]?["epochs"]?.intValue == 3)
    }

    @Test("a run killed with SIGKILL and then synced: the server holds exactly the rows of its journal")
    func killedThenSynced() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let runs = directory.appending("runs")
        let child = try ChildProcess.launch(
            ChildProcess.product("example-train"), ["--steps", "100000", "--step-delay", "0.001", "--project", "killed"],
            environment: RunTestEnvironment.childEnvironment(dir: runs, extra: ["COHORT_RUN_ID": "killed01"]))
        // Wait until rows are in the journal, then kill the process where it stands.
        let deadline = ContinuousClock.now + .seconds(60)
        var journal: String?
        while journal == nil && ContinuousClock.now < deadline {
            journal = RunSync.runDirectories(under: runs).first.map { $0 + "/run-killed01.journal" }
            if journal.map({ !FileManager.default.fileExists(atPath: $0) }) ?? true { journal = nil; try await Task.sleep(for: .milliseconds(50)) }
        }
        let journalPath = try #require(journal)
        #expect(child.waitForFile(journalPath, containing: "\"_step\":200"))
        child.send(SIGKILL)
        _ = try child.wait(timeout: .seconds(30))
        let rows = try RunJournal.read(path: journalPath).historyRows
        #expect(rows.count >= 200)

        let sync = try ChildProcess.run(
            ChildProcess.product("cohort"), ["sync", "--all", "--dir", runs, "--base-url", server.baseURL, "--api-key", server.adminKey],
            environment: ["HOME": directory.path])
        #expect(sync.status == 0 && sync.standardOutput.contains("killed01\tsynced"), "\(sync.standardOutput) \(sync.standardError)")
        let url = String(sync.standardOutput.split(separator: "\n").first?.split(separator: "\t").last ?? "")
        let read = try Self.read(try Self.path(of: url), server: server, directory: directory)
        guard read != .null else { return }
        let steps = read["history"]?.arrayValue?.compactMap { $0["_step"]?.intValue } ?? []
        #expect(steps == rows.compactMap { $0["_step"]?.intValue })
    }

    @Test("cohort sync uploads an offline run; syncing it again sends nothing twice")
    func syncTwice() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        var settings = RunTestEnvironment.settings()
        settings.mode = .offline
        let run = try await Run.start(project: "synced", config: ["seed": 7], dir: directory.path, settings: settings)
        for step in 0..<4 { try run.log(["loss": Double(4 - step)]) }
        await run.finish(exitCode: 0)
        let arguments = ["sync", run.syncDir, "--base-url", server.baseURL, "--api-key", server.adminKey]
        let first = try ChildProcess.run(ChildProcess.product("cohort"), arguments, environment: ["HOME": directory.path])
        #expect(first.status == 0, "\(first.standardError)")
        let line = try #require(first.standardOutput.split(separator: "\n").first)
        #expect(line.contains("\(run.id)\tsynced\t\(server.baseURL)/"))
        let second = try ChildProcess.run(ChildProcess.product("cohort"), arguments, environment: ["HOME": directory.path])
        #expect(second.status == 0 && second.standardOutput.contains("synced"), "\(second.standardError)")
        let url = String(line.split(separator: "\t").last ?? "")
        let read = try Self.read(try Self.path(of: url), server: server, directory: directory)
        guard read != .null else { return }
        #expect(read["history"]?.arrayValue?.compactMap { $0["loss"]?.number } == [4, 3, 2, 1])
        #expect(read["state"] == "finished" && read["config"]?["seed"]?.intValue == 7)
    }

    @Test("cohort sync honours http_proxy as curl does: every request goes through the proxy, to a host only the proxy can reach")
    func proxyEnvironment() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The server hands out URLs on a name that does not resolve; only a proxy can deliver them.
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"), arguments: ["--base-url", "http://cohort.invalid"])
        defer { _ = try? server.stop() }
        let port = try #require(URLComponents(string: server.baseURL)?.port)
        let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", port))
        var settings = RunTestEnvironment.settings()
        settings.mode = .offline
        let run = try await Run.start(project: "proxied", dir: directory.path, settings: settings)
        for step in 0..<3 { try run.log(["loss": Double(3 - step)]) }
        let saved = directory.appending("notes.txt")
        try "through the proxy\n".write(toFile: saved, atomically: true, encoding: .utf8)
        try run.save(saved, basePath: directory.path, policy: .now)
        await run.finish(exitCode: 0)
        let synced = try await ChildProcess.runDetached(  // off the concurrency threads the proxy answers on
            ChildProcess.product("cohort"), ["sync", run.syncDir, "--base-url", "http://cohort.invalid", "--api-key", server.adminKey],
            environment: ["HOME": directory.path, "http_proxy": proxy.baseURL, "no_proxy": "", "NO_PROXY": ""])
        try await proxy.shutdown()
        #expect(synced.status == 0, "\(synced.standardError)")
        let uris = proxy.requests.map(\.uri)
        #expect(uris.contains("http://cohort.invalid/graphql"), "\(uris)")
        #expect(uris.contains { $0.hasPrefix("http://cohort.invalid/files/") && $0.hasSuffix("/file_stream") }, "\(uris)")
        #expect(uris.contains { $0.hasPrefix("http://cohort.invalid/storage/") }, "the file upload too: \(uris)")
        #expect(uris.allSatisfy { $0.hasPrefix("http://cohort.invalid/") }, "absolute-form requests only, as to a proxy")
    }

    @Test("run.alert reaches the server, which forwards it to its webhook; a 64-character title is refused")
    func alert() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hook = try await FaultInjectingProxy.start()  // an in-memory origin that records the webhook's POST
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"), arguments: ["--alert-webhook", hook.baseURL + "/hook"])
        defer { _ = try? server.stop() }
        let run = try await Run.start(project: "alerts", dir: directory.path, settings: Self.settings(server: server))
        #expect(throws: CohortError.self) { try run.alert(title: String(repeating: "x", count: 64), text: "too long") }
        try run.alert(title: "Loss diverged", text: "loss is NaN at step 7", level: .error, waitDuration: .seconds(300))
        await run.finish()
        // The server delivers webhooks in the background: wait for it, within a bound.
        let deadline = ContinuousClock.now + .seconds(30)
        while hook.requests.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let body = hook.stored(at: "/hook").map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(body.contains("Loss diverged") && body.contains("loss is NaN at step 7"), "webhook body: \(body)")
        try await hook.shutdown()
    }

    @Test("a server that answers {\"stopped\": true} sets Run.isStopRequested and calls the settings' handler once")
    func stopRequested() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let port = try #require(URLComponents(string: server.baseURL)?.port)
        let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", port))
        proxy.inject(.respond(200, body: #"{"stopped":true}"#), times: 2, pathPrefix: "/files/")
        let calls = Mutex(0)
        var settings = Self.settings(server: server, baseURL: proxy.baseURL)
        settings.onStopRequested = { calls.withLock { $0 += 1 } }
        let run = try await Run.start(project: "stop", dir: directory.path, settings: settings)
        #expect(!run.isStopRequested)
        try run.log(["x": 1])
        let deadline = ContinuousClock.now + .seconds(20)
        while !run.isStopRequested && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(run.isStopRequested)
        await run.finish()
        try await proxy.shutdown()
        #expect(calls.withLock { $0 } == 1)
    }

    @Test("wandb.Api().run(path).stop() against the real server reaches a Swift run: isStopRequested, the handler once")
    func stopFromWandbAPI() async throws {
        guard WandbClient.isInstalled || WandbClient.required else { return }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let calls = Mutex(0)
        var settings = Self.settings(server: server)
        settings.onStopRequested = { calls.withLock { $0 += 1 } }
        let run = try await Run.start(project: "stop", dir: directory.path, settings: settings)
        try run.log(["x": 1])
        let request = try WandbClient.run("stop.py", arguments: ["request", try Self.path(of: run.url)], server: server, directory: directory.path)
        try #require(request.status == 0, "stop.py failed: \(request.standardError.suffix(3000))")
        var step = 1
        let deadline = ContinuousClock.now + .seconds(30)
        while !run.isStopRequested && ContinuousClock.now < deadline {
            step += 1
            try run.log(["x": Double(step)])  // a training loop that checks the flag between steps
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(run.isStopRequested)
        await run.finish(exitCode: 255)
        #expect(calls.withLock { $0 } == 1)
        let read = try Self.read(try Self.path(of: run.url), server: server, directory: directory)
        #expect(read["state"]?.stringValue == "failed", "\(read)")
    }

    @Test("online mode without an API key is refused before anything is written, saying what to do")
    func noKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var settings = RunTestEnvironment.settings()
        settings.mode = .online
        settings.baseURL = "http://127.0.0.1:9"
        await #expect {
            _ = try await Run.start(project: "p", dir: directory.path, settings: settings)
        } throws: { error in
            (error as? CohortError)?.code == .unauthorized && "\(error)".contains("cohort login")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appending("cohort")))
    }

    @Test("a key the server refuses stops Run.start with an error that names no key")
    func wrongKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        var settings = Self.settings(server: server)
        settings.apiKey = "wrong-" + String(repeating: "f", count: 40)
        await #expect {
            _ = try await Run.start(project: "p", dir: directory.path, settings: settings)
        } throws: { error in
            (error as? CohortError)?.code == .unauthorized && !"\(error)".contains("ffffffffff")
        }
    }
}
