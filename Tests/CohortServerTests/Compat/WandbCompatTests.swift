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
        let server = try ServerProcess(dataDirectory: directory.appending("server"))
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
}
