import CohortModel
import CohortServer
import CohortTestSupport
import Crypto
import Foundation
import Logging
import Testing

/// More of what users do with the official client, each against a fresh `cohort server`: media in
/// `run.log`, `wandb.save` policies, resuming runs, and reading artifacts through `wandb.Api()`.
/// The Python scenarios (`Tests/WandbCompat/*.py`) check what the client reads back and print a
/// verdict (`verdict.py`); the tests fail with every failed check listed, then check what the
/// server stored.
@Suite(
    "More wandb client scenarios against cohort server",
    .enabled(if: WandbClient.isInstalled || WandbClient.required, "needs wandb==0.31.0 in \(WandbClient.venv)"))
struct WandbCompatScenarioTests {
    @Test("Histogram, Image and Table in run.log: media files stored byte for byte, history rows carry their _type descriptors")
    func media() async throws {
        let scenario = try Scenario("cohort-media")
        let logged = try scenario.run("media.py", ["log"])
        #expect(logged.status == 0, "logging failed:\n\(logged.standardError)\n\(logged.standardOutput)\nserver:\n\(scenario.server.output)")
        let line = try Scenario.lastJSON(logged)
        _ = try scenario.verdict(try scenario.run("media.py", ["read"], extra: ["COHORT_LOGGED": line.description]), minimumPassed: 34)
        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        let key = RunKey(entity: "admin", project: "media", name: try #require(line["run"]?.stringValue))
        let stored = Dictionary(uniqueKeysWithValues: try await store.runFiles(key).map { ($0.name, $0.digest) })
        let local = try #require(line["local"]?.objectValue)
        #expect(local.count == 4, "two images and two tables written locally")
        for (name, content) in local {
            let bytes = try #require(Data(base64Encoded: content.stringValue ?? ""))
            #expect(stored[name] == SHA256.hash(data: bytes).hexString, "\(name): the server stores what the client wrote")
        }
        scenario.passed = true
    }

    @Test("wandb.save with policy live (changed while running), end and now: the server keeps each file's final content")
    func savePolicies() async throws {
        let scenario = try Scenario("cohort-save")
        let verdict = try scenario.verdict(try scenario.run("save_policies.py"), minimumPassed: 11)
        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        let key = RunKey(entity: "admin", project: "saving", name: try #require(verdict["run"]?.stringValue))
        let stored = Dictionary(uniqueKeysWithValues: try await store.runFiles(key).map { ($0.name, $0.digest) })
        let final = try #require(verdict["final"]?.objectValue)
        #expect(Set(final.keys) == ["live.txt", "end.txt", "now.txt"])
        for (name, digest) in final {
            #expect(stored[name] == digest.stringValue, "\(name): the stored bytes are the final local content")
        }
        scenario.passed = true
    }

    @Test(
        "resume=must after finish and resume=allow after a SIGKILLed (then crashed) run continue history at the next step with summary and config merged",
        arguments: [("first", "must"), ("crash", "allow")])
    func resume(start: String, mode: String) async throws {
        // A run silent for 2 s is marked crashed, so the killed run's state changes within the test.
        let scenario = try Scenario("cohort-resume-\(start)", serverArguments: start == "crash" ? ["--crash-after", "2"] : [])
        let runID = "resume\(start)1"
        let first = try scenario.run("resume.py", [start, runID])
        if start == "crash" {
            #expect(first.status != 0, "the first process kills itself")
            _ = try scenario.verdict(try scenario.run("resume.py", ["await-state", runID, "crashed"]), minimumPassed: 1)
        } else {
            #expect(first.status == 0, "first run failed:\n\(first.standardError)\n\(first.standardOutput)")
        }
        let resumed = try scenario.run("resume.py", ["continue", runID, mode])
        #expect(resumed.status == 0, "resume=\(mode) failed:\n\(resumed.standardError)\n\(resumed.standardOutput)\nserver:\n\(scenario.server.output)")
        let report = try Scenario.lastJSON(resumed)
        #expect(report["resumed"] == true && report["start"] == 3, "the client resumes at step 3: \(report)")
        _ = try scenario.verdict(try scenario.run("resume.py", ["check", runID, "5"]), minimumPassed: 9)

        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        let key = RunKey(entity: "admin", project: "resuming", name: runID)
        let run = try #require(try await store.run(key))
        let steps = try await store.history(key, from: 0, to: nil).map { try JSONParser.parse($0)["_step"]?.intValue }
        #expect(steps == [0, 1, 2, 3, 4], "one history line per step, none repeated")
        #expect(run.historyLineCount == 5 && run.state == .finished)
        let config = try JSONParser.parse(run.config)
        #expect(config["a"]?["value"] == 1 && config["b"]?["value"] == 2)
        scenario.passed = true
    }

    @Test("resume=must for an unknown id and resume=never for an existing id fail in wandb.init with the client's own error")
    func resumeRefused() async throws {
        let scenario = try Scenario("cohort-resume-refused")
        let first = try scenario.run("resume.py", ["first", "existing1"])
        #expect(first.status == 0, "first run failed:\n\(first.standardError)\n\(first.standardOutput)")
        let must = try Scenario.lastJSON(try scenario.run("resume.py", ["refuse", "missing1", "must"]))
        #expect(must["refused"] == true)
        #expect(must["error"]?.stringValue?.contains("does not exist") == true, "\(must)")
        let never = try Scenario.lastJSON(try scenario.run("resume.py", ["refuse", "existing1", "never"]))
        #expect(never["refused"] == true)
        #expect(never["error"]?.stringValue?.contains("already exists") == true, "\(never)")

        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        #expect(try await store.run(RunKey(entity: "admin", project: "resuming", name: "missing1")) == nil, "no run was created")
        let existing = try #require(try await store.run(RunKey(entity: "admin", project: "resuming", name: "existing1")))
        #expect(existing.historyLineCount == 3 && existing.state == .finished, "the refused resume left the run alone")
        scenario.passed = true
    }

    @Test("wandb.Api().run(path).stop() on a training run: the official client interrupts the script and the run ends failed with exit code 255")
    func stopRun() async throws {
        let scenario = try Scenario("cohort-stop")
        let trained = try scenario.run("stop.py", ["train"], timeout: .seconds(240))
        #expect(trained.status != 0, "the script is interrupted:\n\(trained.standardOutput)")
        #expect(trained.standardError.contains("KeyboardInterrupt"), "\(trained.standardError.suffix(3000))")
        #expect(!trained.standardOutput.contains(#""interrupted": false"#), "the loop ran to its end: the stop never arrived")
        let first = try #require(trained.standardOutput.split(separator: "\n").first, "no output")
        let runID = try #require(try JSONParser.parse(String(first))["run"]?.stringValue)
        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        let run = try #require(try await store.run(RunKey(entity: "admin", project: "stopping", name: runID)))
        #expect(run.state == .failed && run.exitCode == 255, "\(run.state) \(String(describing: run.exitCode))")
        #expect(!run.stopRequested, "finishing cleared the request")
        #expect(run.historyLineCount > 0 && run.historyLineCount < 1800)
        scenario.passed = true
    }

    @Test("wandb.Api() artifact reads (cold cache): by version, latest and alias, single entries, files, download, lineage both ways, versions, collections and types")
    func artifactReads() async throws {
        let scenario = try Scenario("cohort-art-api")
        let logged = try scenario.run("artifacts_api.py", ["log"], timeout: .seconds(180))
        #expect(logged.status == 0, "logging failed:\n\(logged.standardError)\n\(logged.standardOutput)\nserver:\n\(scenario.server.output)")
        let line = try Scenario.lastJSON(logged)
        _ = try scenario.verdict(
            try scenario.run("artifacts_api.py", ["read"], extra: ["COHORT_LOGGED": line.description], timeout: .seconds(180)), minimumPassed: 44)
        let store = try await scenario.stoppedStore()
        defer { Task { await store.close() } }
        let producer = RunKey(entity: "admin", project: "art-api", name: try #require(line["producer"]?.stringValue))
        let collections = try await store.collections(entity: "admin", project: "art-api")
        #expect(collections.map(\.name) == ["api-ds", "api-model"] && collections.map(\.type) == ["dataset", "model"])
        #expect(try await store.lineage(of: producer).logged.count == 3)
        scenario.passed = true
    }
}

/// One scenario's server, client directories and verdict parsing.
private final class Scenario {
    let directory: TemporaryDirectory
    let server: CohortServerProcess
    var passed = false
    private var runs = 0

    init(_ prefix: String, serverArguments: [String] = []) throws {
        directory = try TemporaryDirectory(prefix: prefix)
        server = try CohortServerProcess(dataDirectory: directory.appending("server"), arguments: serverArguments)
    }

    deinit {
        _ = try? server.stop()  // already stopped when the test got to its store checks
        if passed { directory.remove() }  // kept on failure: client*/wandb/ has the client's logs
    }

    /// Runs a scenario script in a directory of its own (its own wandb cache).
    func run(
        _ script: String, _ arguments: [String] = [], extra: [String: String] = [:], timeout: Duration = .seconds(150)
    ) throws -> ChildProcess.Result {
        runs += 1
        let client = directory.appending("client\(runs)")
        try FileManager.default.createDirectory(atPath: client, withIntermediateDirectories: true)
        return try WandbClient.run(script, arguments: arguments, server: server, directory: client, extra: extra, timeout: timeout)
    }

    /// The script's verdict; records every failed check and fails when fewer than `minimumPassed` passed.
    func verdict(_ result: ChildProcess.Result, minimumPassed: Int) throws -> JSONValue {
        #expect(result.status == 0, "script failed:\n\(result.standardError)\n\(result.standardOutput)\nserver:\n\(server.output.suffix(4000))")
        let verdict = try Self.lastJSON(result)
        let failures = verdict["failures"]?.arrayValue?.compactMap(\.stringValue) ?? ["no failures list in \(verdict)"]
        #expect(failures.isEmpty, "wandb checks failed:\n\(failures.joined(separator: "\n"))\nserver:\n\(server.output.suffix(4000))")
        #expect(verdict["ok"] == true)
        #expect((verdict["passed"]?.arrayValue?.count ?? 0) >= minimumPassed, "\(verdict["passed"] ?? .null)")
        return verdict
    }

    /// Stops the server (it must exit cleanly) and opens its store.
    func stoppedStore() async throws -> any RunStore & ArtifactStore {
        let status = try server.stop()
        #expect(status == 0, "server exit status after SIGTERM; output:\n\(server.output.suffix(4000))")
        var configuration = ServerConfiguration(dataDirectory: server.dataDirectory)
        configuration.port = 0
        return try await CohortServerApp.openStore(configuration: configuration, logger: Logger(label: "test"))
    }

    /// The last JSON line a script printed.
    static func lastJSON(_ result: ChildProcess.Result) throws -> JSONValue {
        let line = try #require(
            result.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") }, "no JSON line:\n\(result.standardError)\n\(result.standardOutput)")
        return try JSONParser.parse(String(line))
    }
}

extension SHA256.Digest {
    fileprivate var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
