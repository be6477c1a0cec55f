import CohortModel
import CohortServer
import CohortTestSupport
import Foundation
import Logging
import Testing

/// The official `wandb` 0.31.0 Python client logs to a live `cohort server` on loopback; the test
/// then reads what the server stored and compares it with what the script logged.
@Suite(
    "The official wandb client against cohort server",
    .enabled(if: WandbClient.isInstalled || WandbClient.required, "needs wandb==0.31.0 in \(WandbClient.venv)"))
struct WandbCompatTests {
    @Test("init with group/job type/config/tags/notes, scalar, nested, commit=False and explicit-step logs, summary, save now/end, alert, finish")
    func basicRun() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-compat")
        var passed = false
        defer { if passed { directory.remove() } }  // kept on failure: client/wandb/ has the client's logs
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        let client = directory.appending("client")
        try FileManager.default.createDirectory(atPath: client, withIntermediateDirectories: true)
        let result = try WandbClient.run("basic_run.py", server: server, directory: client)
        let status = try server.stop()
        #expect(result.status == 0, "wandb client failed:\n\(result.standardError)\n\(result.standardOutput)\nserver:\n\(server.output)")
        #expect(status == 0, "server exit status after SIGTERM; output:\n\(server.output)")
        let last = try #require(result.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") })
        let reported = try JSONParser.parse(String(last))
        let runID = try #require(reported["id"]?.stringValue)
        #expect(reported["entity"]?.stringValue == "admin" && reported["project"]?.stringValue == "compat")

        var configuration = ServerConfiguration(dataDirectory: server.dataDirectory)
        configuration.port = 0
        let store = try await CohortServerApp.openStore(configuration: configuration, logger: Logger(label: "test"))
        defer { Task { await store.close() } }
        let key = RunKey(entity: "admin", project: "compat", name: runID)
        let run = try #require(try await store.run(key))
        #expect(run.displayName == "compat-display")
        #expect(run.groupName == "grp-1" && run.jobType == "train")
        #expect(run.notes == "logged by the official client" && run.tags == ["t1", "t2"])
        #expect(run.state == .finished && run.exitCode == 0)

        let config = try JSONParser.parse(run.config)
        #expect(config["lr"]?["value"] == 0.1)
        #expect(config["opt"]?["value"]?["name"] == "adam")
        #expect(config["late"]?["value"] == "yes")

        let history = try await store.history(key, from: 0, to: nil).map { try JSONParser.parse($0) }
        #expect(history.map { $0["_step"]?.intValue } == [0, 1, 2, 3, 4, 5, 6, 10])
        #expect(history.prefix(5).map { $0["loss"]?.number } == (1...5).map { 1.0 / Double($0) })
        #expect(history[5]["nested"]?["b"]?["c"] == 2.5)
        #expect(history[6]["partial"] == 1 && history[6]["partial2"] == 2)
        #expect(history[7]["jump"] == 1)
        #expect(run.historyLineCount == 8)

        let summary = try JSONParser.parse(run.summary)
        #expect(summary["best"] == 0.99)
        #expect(summary["loss"]?.number == 0.2 && summary["jump"] == 1)

        let files = Dictionary(uniqueKeysWithValues: try await store.runFiles(key).map { ($0.name, $0) })
        for name in ["now.txt", "end.txt", "config.yaml", "wandb-summary.json", "wandb-metadata.json", "output.log"] {
            #expect(files[name]?.digest != nil, "run file \(name) stored; have \(files.keys.sorted())")
        }
        #expect(files["now.txt"]?.size == "saved now\n".utf8.count)

        let alerts = try await store.alerts(key)
        #expect(alerts.map(\.title) == ["loss plateau"], "the second alert within the wait duration is throttled")
        #expect(alerts.first?.severity == .warn && alerts.first?.text == "loss stopped improving")

        let console = try await store.console(key)
        #expect(console.contains { $0.contains("stdout line for output.log") })
        passed = true
    }

    @Test("log_artifact of a directory with aliases, a second version re-using an unchanged file, then use_artifact + download in another process")
    func artifacts() async throws {
        try await Self.artifactsScenario(databaseURL: nil)
    }

    @Test(
        "the same artifacts scenario against cohort server --database postgres://…",
        .enabled(if: PostgresTestDatabase.enabled, "needs \(PostgresTestDatabase.variable)"))
    func artifactsOnPostgres() async throws {
        try await PostgresTestDatabase.withPublicSchema { url in try await Self.artifactsScenario(databaseURL: url) }
    }

    /// Logs two versions with the wandb client, uses and downloads them in another process, then reads
    /// what the server stored (in its SQLite file, or in PostgreSQL at `databaseURL`).
    static func artifactsScenario(databaseURL: String?) async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-compat-art")
        var passed = false
        defer { if passed { directory.remove() } }  // kept on failure: client*/wandb/ has the client's logs
        let server = try CohortServerProcess(
            dataDirectory: directory.appending("server"), arguments: databaseURL.map { ["--database", $0] } ?? [])
        let producer = directory.appending("client")
        let consumer = directory.appending("client2")  // its own WANDB_CACHE_DIR: a cold cache
        for path in [producer, consumer] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        let logged = try WandbClient.run("artifacts.py", arguments: ["log"], server: server, directory: producer)
        let used = try WandbClient.run("artifacts.py", arguments: ["use"], server: server, directory: consumer)
        let status = try server.stop()
        #expect(logged.status == 0, "log failed:\n\(logged.standardError)\n\(logged.standardOutput)\nserver:\n\(server.output)")
        #expect(used.status == 0, "use failed:\n\(used.standardError)\n\(used.standardOutput)\nserver:\n\(server.output)")
        #expect(status == 0, "server exit status after SIGTERM; output:\n\(server.output)")

        let logReport = try JSONParser.parse(String(try #require(logged.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") })))
        let useReport = try JSONParser.parse(String(try #require(used.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") })))
        let v0 = try #require(logReport["v0"]?["id"]?.stringValue)
        let v1 = try #require(logReport["v1"]?["id"]?.stringValue)
        #expect(logReport["v0"]?["version"] == "v0" && logReport["v1"]?["version"] == "v1")

        #expect(useReport["best"]?["id"]?.stringValue == v0 && useReport["latest"]?["id"]?.stringValue == v1)
        #expect(useReport["best"]?["files"]?["a.txt"] == "version zero\n")
        #expect(useReport["best"]?["files"]?["sub/b.csv"] == "x,y\n1,2\n")
        #expect(useReport["latest"]?["files"]?["a.txt"] == "version one, changed\n")
        #expect(useReport["latest"]?["files"]?["sub/b.csv"] == "x,y\n1,2\n")
        #expect(useReport["latest"]?["birth"]?["sub/b.csv"]?.stringValue == v0, "the unchanged file keeps v0 as its birth artifact")
        #expect(useReport["latest"]?["birth"]?["a.txt"]?.stringValue == v1)

        var configuration = ServerConfiguration(dataDirectory: server.dataDirectory)
        configuration.port = 0
        configuration.databaseURL = databaseURL
        let store = try await CohortServerApp.openStore(configuration: configuration, logger: Logger(label: "test"))
        do {
            try await checkStored(store, v0: v0, v1: v1, logReport: logReport, useReport: useReport)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        passed = true
    }

    /// The versions, files and lineage the server stored for the artifacts scenario.
    static func checkStored(
        _ store: any RunStore & ArtifactStore, v0: String, v1: String, logReport: JSONValue, useReport: JSONValue
    ) async throws {
        let first = try #require(try await store.artifact(id: v0))
        let second = try #require(try await store.artifact(id: v1))
        #expect(first.state == .committed && first.versionIndex == 0 && Set(first.aliases) == ["best"])
        #expect(second.versionIndex == 1 && second.aliases == ["latest"] && second.fileCount == 2)
        #expect(first.description == "two files" && first.type == "dataset")
        // The server handed out no upload URL for the unchanged file: v1's copy is v0's bytes.
        let files = Dictionary(uniqueKeysWithValues: try await store.artifactFiles(artifactID: v1).map { ($0.name, $0) })
        let firstFiles = Dictionary(uniqueKeysWithValues: try await store.artifactFiles(artifactID: v0).map { ($0.name, $0) })
        #expect(files["sub/b.csv"]?.birthArtifactID == v0 && files["sub/b.csv"]?.storagePath == firstFiles["sub/b.csv"]?.storagePath)
        #expect(files["a.txt"]?.birthArtifactID == v1)

        let producerRun = RunKey(entity: "admin", project: "compat-art", name: try #require(logReport["run"]?.stringValue))
        let consumerRun = RunKey(entity: "admin", project: "compat-art", name: try #require(useReport["run"]?.stringValue))
        let produced = try await store.lineage(of: producerRun)
        #expect(produced.logged.map(\.id) == [v0, v1])
        let consumed = try await store.lineage(of: consumerRun)
        #expect(Set(consumed.used.map(\.id)) == [v0, v1] && consumed.logged.isEmpty)
        #expect(try await store.users(of: v0) == [consumerRun])
    }
}
