@testable import CohortServer
import CohortTestSupport
import Foundation
import Testing

/// Faults and bad input against a live `cohort server` process: refused keys, malformed and oversized
/// bodies, names that would escape their run, retried file_stream requests, key management, and the
/// server killed (SIGKILL) and restarted under the official client.
@Suite("Faults: a live cohort server", .serialized)
struct FaultLiveTests {
    static let wrongKey = "cohort-wrong-" + String(repeating: "zq7", count: 16)

    @Test("bad requests are refused with the right status and the server keeps serving; keys are managed by the CLI; no secret leaks")
    func badRequests() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-faults")
        var passed = false
        defer { if passed { directory.remove() } }
        let server = try FaultServer(dataDirectory: directory.appending("server"))
        try server.start()
        let admin = server.adminKey

        // The admin key file: mode 0600, holding the key the server was given.
        let attributes = try FileManager.default.attributesOfItem(atPath: server.dataDirectory + "/admin-key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try String(contentsOfFile: server.dataDirectory + "/admin-key", encoding: .utf8) == admin + "\n")

        // Wrong key: 401 with a GraphQL-shaped error (wandb-core raises errors[0].message), key not echoed.
        let viewer = "query Viewer { viewer { entity } }"
        let wrong = try Curl.graphql(server, viewer, key: Self.wrongKey)
        #expect(wrong.status == 401)
        #expect(wrong.errorMessages.first?.contains("not valid") == true, "\(wrong.body)")
        #expect(!wrong.body.contains(Self.wrongKey))
        #expect(try Curl.graphql(server, viewer, key: nil).status == 401)
        let stream = try Curl.request(
            "POST", server.baseURL + "/files/admin/p/r/file_stream", key: Self.wrongKey, body: #"{"files": {}}"#)
        #expect(stream.status == 401 && !stream.body.contains(Self.wrongKey))

        // Malformed JSON and GraphQL: 400 (or a GraphQL error), and the server keeps serving.
        for body in ["not json", "{", "[]", #"{"query": 5}"#, #"{"variables": {}}"#, ""] {
            let answer = try Curl.request("POST", server.baseURL + "/graphql", key: admin, body: body)
            #expect(answer.status == 400, "body \(body): \(answer.status) \(answer.body)")
            #expect(!answer.errorMessages.isEmpty, "body \(body): \(answer.body)")
        }
        for query in ["query {", "mutation { noSuchField }", "{ viewer { nope } }", "query Q($a: Int!) { viewer { entity } }"] {
            let answer = try Curl.graphql(server, query, key: admin)
            #expect([200, 400].contains(answer.status), "\(query): \(answer.status)")
            #expect(!answer.errorMessages.isEmpty, "\(query): \(answer.body)")
            #expect(answer.json["data"] as? [String: Any] == nil, "\(query): \(answer.body)")
        }
        #expect(try Curl.request("GET", server.baseURL + "/healthz").status == 200)

        // Oversized bodies: 413 (64 MiB is the limit).
        let big = directory.appending("big.json")
        let handle = try #require(FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: big, contents: nil); return big }()))
        try handle.write(contentsOf: Data(#"{"query": ""#.utf8))
        let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
        for _ in 0..<65 { try handle.write(contentsOf: chunk) }
        try handle.write(contentsOf: Data(#""}"#.utf8))
        try handle.close()
        for path in ["/graphql", "/files/admin/p/r/file_stream"] {
            let answer = try Curl.request("POST", server.baseURL + path, key: admin, body: "@" + big)
            #expect(answer.status == 413, "\(path): \(answer.status) \(answer.body.prefix(200))")
        }
        #expect(try Curl.request("GET", server.baseURL + "/healthz").status == 200)

        // A run to attach files and history to.
        let upsert = try Curl.graphql(
            server, WandbDocuments.upsertBucket,
            variables: #"{"name": "r1", "project": "p", "entity": "admin", "config": "{}"}"#, key: admin)
        #expect(upsert.errorMessages.isEmpty, "\(upsert.body)")

        // Traversal in CreateRunFiles names: a GraphQL error, nothing announced.
        for name in ["../escape.txt", "a/../../escape.txt", "/etc/passwd", "a\u{0}b", "..", "a\\..\\b"] {
            let variables = try String(
                decoding: JSONSerialization.data(withJSONObject: ["entity": "admin", "project": "p", "run": "r1", "files": ["ok.txt", name]]),
                as: UTF8.self)
            let answer = try Curl.graphql(server, WandbDocuments.createRunFiles, variables: variables, key: admin)
            #expect(!answer.errorMessages.isEmpty, "\(String(reflecting: name)): \(answer.body)")
            #expect(!answer.body.contains("uploadUrl\":\"http"), "\(String(reflecting: name)): \(answer.body)")
        }
        // Traversal in blob PUT paths, even correctly signed: 400; nothing written outside the data directory.
        let signer = try URLSigner.loadOrCreate(in: server.dataDirectory)
        for rawName in ["..%2F..%2F..%2Fescape.txt", "..", "%2Fetc%2Fescape", "a%00b", "a%2F..%2F..%2Fescape.txt"] {
            let path = BlobPaths.runFilesPrefix + "admin/p/r1/" + rawName
            let url = server.baseURL + signer.sign(method: "PUT", path: path, expires: Date().addingTimeInterval(600))
            let answer = try Curl.request("PUT", url, body: "escaped")
            #expect(answer.status == 400, "\(rawName): \(answer.status) \(answer.body)")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appending("escape.txt")))
        #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/escape.txt"))

        // A retried file_stream request (the same body twice): stored once.
        let history = #"{"files": {"wandb-history.jsonl": {"offset": 0, "content": ["{\"_step\": 0, \"x\": 1}", "{\"_step\": 1, \"x\": 2}"]}}}"#
        for _ in 0..<2 {
            let answer = try Curl.request("POST", server.baseURL + "/files/admin/p/r1/file_stream", key: admin, body: history)
            #expect(answer.status == 200, "\(answer.body)")
        }

        // Keys: create (while the server runs) → works in its entity only; revoke → 401.
        let created = try server.keys(["create", "--entity", "team"])
        #expect(created.status == 0, "\(created.standardError)")
        let teamKey = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(APIKeys.isWellFormed(teamKey), "printed \(String(reflecting: teamKey))")
        let teamViewer = try Curl.graphql(server, viewer, key: teamKey)
        #expect(teamViewer.status == 200 && (teamViewer.json["data"] as? [String: Any]).flatMap { $0["viewer"] as? [String: Any] }?["entity"] as? String == "team", "\(teamViewer.body)")
        let foreign = try Curl.graphql(
            server, WandbDocuments.upsertBucket, variables: #"{"name": "stolen", "project": "p", "entity": "admin"}"#, key: teamKey)
        #expect(foreign.errorMessages.first?.contains("permission denied") == true, "\(foreign.body)")
        let foreignStream = try Curl.request("POST", server.baseURL + "/files/admin/p/r1/file_stream", key: teamKey, body: history)
        #expect(foreignStream.status == 403, "\(foreignStream.body)")
        let listed = try server.keys(["list"])
        #expect(!listed.standardOutput.contains(teamKey) && !listed.standardOutput.contains(admin))
        let teamLine = try #require(listed.standardOutput.split(separator: "\n").first { $0.contains(" team ") })
        let teamID = String(teamLine.split(separator: " ").first ?? "")
        let revoked = try server.keys(["revoke", teamID])
        #expect(revoked.status == 0, "\(revoked.standardError)")
        #expect(try Curl.graphql(server, viewer, key: teamKey).status == 401)
        #expect(try server.keys(["revoke", "no-such-id"]).status != 0)

        #expect(try server.stop() == 0)
        // Nothing leaked into the logs: neither the wrong key nor the created one. (The admin key is
        // printed once, by design, when it is created.)
        let output = server.output
        #expect(!output.contains(Self.wrongKey) && !output.contains(teamKey))
        #expect(output.components(separatedBy: admin).count - 1 == 1, "the admin key is printed exactly once")

        let store = try await server.openStore()
        let runKey = RunKey(entity: "admin", project: "p", name: "r1")
        let lines = try await store.history(runKey, from: 0, to: nil)
        #expect(lines.count == 2, "the retried request stored nothing twice: \(lines)")
        #expect(try await store.run(runKey)?.historyLineCount == 2)
        #expect(try await store.runFiles(runKey).allSatisfy { !$0.name.contains("..") && !$0.name.hasPrefix("/") })
        #expect(try await store.run(RunKey(entity: "admin", project: "p", name: "stolen")) == nil)
        await store.close()
        passed = true
    }

    @Test("a DSN given with --database never shows in errors or logs")
    func dsnNotEchoed() throws {
        let directory = try TemporaryDirectory(prefix: "cohort-faults-dsn")
        defer { directory.remove() }
        let secret = "dsn-secret-pw-4711"
        for dsn in ["postgres://cohort:\(secret)@127.0.0.1:1/cohort", "mysql://cohort:\(secret)@127.0.0.1/cohort"] {
            let serve = try ChildProcess.run(
                ChildProcess.product("cohort"), ["server", "--port", "0", "--data", directory.appending("d"), "--database", dsn],
                timeout: .seconds(60))
            #expect(serve.status != 0)
            #expect(!(serve.standardOutput + serve.standardError).contains(secret), "\(serve.standardError)")
            let keys = try ChildProcess.run(
                ChildProcess.product("cohort"), ["server", "keys", "list", "--data", directory.appending("d"), "--database", dsn],
                timeout: .seconds(60))
            #expect(keys.status != 0)
            #expect(!(keys.standardOutput + keys.standardError).contains(secret), "\(keys.standardError)")
        }
    }
}

/// The official client against a live server: refused keys, and the server killed mid-run.
@Suite(
    "Faults: the official wandb client against a failing server", .serialized,
    .enabled(if: WandbClient.isInstalled || WandbClient.required, "needs wandb==0.31.0 in \(WandbClient.venv)"))
struct FaultWandbTests {
    @Test("a wrong key or another entity's key: wandb.init fails with a clear error and nothing is stored")
    func refusedKeys() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-faults-keys")
        var passed = false
        defer { if passed { directory.remove() } }
        let server = try FaultServer(dataDirectory: directory.appending("server"))
        try server.start()
        let created = try server.keys(["create", "--entity", "team"])
        let teamKey = created.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)

        let wrong = try FaultClient.report(
            try FaultClient.launch("faults_init_refused.py", server: server, key: FaultLiveTests.wrongKey, directory: directory.appending("c1"))
                .wait(timeout: .seconds(120)))
        #expect(wrong["failed"] as? Bool == true)
        #expect((wrong["error"] as? String)?.contains("API key is not valid") == true, "\(wrong)")

        let foreign = try FaultClient.report(
            try FaultClient.launch(
                "faults_init_refused.py", server: server, key: teamKey, directory: directory.appending("c2"),
                extra: ["FAULT_ENTITY": "admin"]
            ).wait(timeout: .seconds(120)))
        #expect(foreign["failed"] as? Bool == true)
        #expect((foreign["error"] as? String)?.contains("permission denied") == true, "\(foreign)")

        #expect(try server.stop() == 0)
        #expect(!server.output.contains(FaultLiveTests.wrongKey) && !server.output.contains(teamKey))
        let store = try await server.openStore()
        for entity in ["admin", "team"] {
            #expect(try await store.projects(entity: entity).isEmpty, "nothing stored in \(entity)")
            #expect(try await store.runs(entity: entity, project: "faults").isEmpty)
        }
        await store.close()
        passed = true
    }

    @Test("the server is killed (SIGKILL) and restarted mid-run: the client's retries complete the run, every step stored once")
    func killAndRestart() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-faults-kill")
        var passed = false
        defer { if passed { directory.remove() } }
        let server = try FaultServer(dataDirectory: directory.appending("server"))
        try server.start()
        let mark = directory.appending("mark")
        let steps = 40
        let client = try FaultClient.launch(
            "faults_kill_restart.py", server: server, key: server.adminKey, directory: directory.appending("client"),
            extra: ["FAULT_MARK": mark, "FAULT_STEPS": "\(steps)", "FAULT_SLEEP": "0.15", "FAULT_MARK_AT": "12"])
        #expect(client.waitForFile(mark, containing: "\n", timeout: .seconds(120)), "the client reached the mark")
        try server.kill9()
        try await Task.sleep(for: .seconds(2))  // the client's requests fail meanwhile
        try server.start()
        let result = try client.wait(timeout: .seconds(240))
        #expect(result.status == 0, "client:\n\(result.standardError)\n\(result.standardOutput)\nserver:\n\(server.output)")
        #expect(try server.stop() == 0)
        let report = try FaultClient.report(result)
        let runID = try #require(report["id"] as? String)

        let store = try await server.openStore()
        let key = RunKey(entity: "admin", project: "faults", name: runID)
        let run = try #require(try await store.run(key))
        let history = try await store.history(key, from: 0, to: nil).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(history.compactMap { ($0["_step"] as? NSNumber)?.intValue } == Array(0..<steps), "every step exactly once, in order")
        #expect(history.compactMap { ($0["step_value"] as? NSNumber)?.intValue } == Array(0..<steps))
        #expect(run.historyLineCount == steps)
        #expect(run.state == .finished && run.exitCode == 0)
        #expect(run.displayName == "survivor")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(run.summary.utf8)) as? [String: Any])
        #expect(summary["done"] as? Bool == true)
        await store.close()
        passed = true
    }
}
