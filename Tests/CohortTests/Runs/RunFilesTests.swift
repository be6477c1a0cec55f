import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("The run directory in W&B's layout")
struct RunFilesTests {
    static func text(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test("an offline run lives in cohort/offline-run-<time>-<id> with its journal, files/ and logs/")
    func layout() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", id: "layout01", dir: directory.path, settings: RunTestEnvironment.settings())
        let name = (run.syncDir as NSString).lastPathComponent
        #expect(name.hasPrefix("offline-run-") && name.hasSuffix("-layout01"))
        #expect(name.count == "offline-run-".count + 15 + "-layout01".count)
        #expect(run.dir == run.syncDir + "/files")
        #expect(run.journalPath == run.syncDir + "/run-layout01.journal")
        #expect(FileManager.default.fileExists(atPath: run.syncDir + "/logs"))
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory.appending("cohort/latest-run"))
        #expect(link == name)
        await run.finish()
    }

    @Test("config.yaml wraps each key as W&B does and follows config changes")
    func configYAML() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(
            project: "p", config: ["lr": 0.001, "model": ["layers": 4], "name": "resnet: 50"], dir: directory.path,
            settings: RunTestEnvironment.settings())
        try run.config.update(["batch": 32])
        await run.finish()
        let yaml = try Self.text(run.dir + "/config.yaml")
        #expect(yaml.contains("lr:\n  value: 0.001\n"))
        #expect(yaml.contains("model:\n  value:\n    layers: 4\n"))
        #expect(yaml.contains("name:\n  value: \"resnet: 50\"\n"))
        #expect(yaml.contains("batch:\n  value: 32\n"))
    }

    @Test("wandb-summary.json holds the final summary with _wandb.runtime")
    func summaryFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["loss": 0.5, "nested": ["a": 1]])
        try run.log(["loss": 0.25])
        run.summary["note"] = "done"
        await run.finish()
        let summary = try JSONParser.parse(try Self.text(run.dir + "/wandb-summary.json"))
        #expect(summary["loss"] == .double(0.25))
        #expect(summary["nested"]?["a"] == .int(1))
        #expect(summary["note"] == "done")
        #expect(summary["_step"] == .int(1))
        #expect(summary["_wandb"]?["runtime"]?.intValue != nil)
    }

    @Test("wandb-metadata.json records host, OS, Swift version, command line and start time")
    func metadata() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        await run.finish()
        let metadata = try JSONParser.parse(try Self.text(run.dir + "/wandb-metadata.json"))
        #expect(metadata["host"]?.stringValue == ProcessInfo.processInfo.hostName)
        #expect(metadata["os"]?.stringValue?.hasPrefix("Linux-") == true)
        #expect(metadata["swift"]?.stringValue?.hasPrefix("6.") == true)
        #expect(metadata["program"]?.stringValue?.isEmpty == false)
        #expect(metadata["args"]?.arrayValue != nil)
        #expect(metadata["startedAt"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test("wandb-metadata.json names the git commit and remote of the working directory's repository")
    func gitMetadata() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let repository = directory.appending("repo")
        try FileManager.default.createDirectory(atPath: repository, withIntermediateDirectories: true)
        for arguments in [
            ["init", "-q"], ["remote", "add", "origin", "https://example.invalid/team/project.git"],
            ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "--allow-empty", "-m", "first"],
        ] {
            let result = try ChildProcess.run("/usr/bin/git", ["-C", repository] + arguments)
            try #require(result.status == 0, "git \(arguments) failed: \(result.standardError)")
        }
        let head = try ChildProcess.run("/usr/bin/git", ["-C", repository, "rev-parse", "HEAD"]).standardOutput
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try ChildProcess.run(
            ChildProcess.product("cohort-fixture"), ["log", "1"],
            environment: RunTestEnvironment.childEnvironment(dir: directory.appending("runs")), directory: repository)
        #expect(result.status == 0)
        let run = try RunTestEnvironment.onlyRun(in: directory.appending("runs"))
        let metadata = try JSONParser.parse(try Self.text(run.directory + "/files/wandb-metadata.json"))
        #expect(metadata["git"]?["commit"]?.stringValue == head)
        #expect(metadata["git"]?["remote"]?.stringValue == "https://example.invalid/team/project.git")
    }

    @Test("a disabled run accepts every call and writes nothing")
    func disabled() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", mode: .disabled, dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["loss": 1.0])
        run.summary["x"] = 1
        try run.config.update(["a": 1])
        #expect(run.mode == .disabled)
        #expect(run.summary["loss"] == .double(1.0))
        #expect(try await run.history.rows().isEmpty)
        await run.finish()
        #expect(!FileManager.default.fileExists(atPath: directory.appending("cohort")))
    }

    @Test("settings come from COHORT_* first, then WANDB_*")
    func environment() {
        let settings = Settings.fromEnvironment([
            "COHORT_PROJECT": "cohort-project", "WANDB_PROJECT": "wandb-project", "WANDB_ENTITY": "team",
            "WANDB_RUN_GROUP": "g", "WANDB_JOB_TYPE": "eval", "WANDB_MODE": "dryrun", "WANDB_RESUME": "true",
            "WANDB_TAGS": "a, b,,c", "COHORT_CONSOLE": "off", "COHORT_JOURNAL_FLUSH_MS": "250",
        ])
        #expect(settings.project == "cohort-project")
        #expect(settings.entity == "team")
        #expect(settings.group == "g")
        #expect(settings.jobType == "eval")
        #expect(settings.mode == .offline)
        #expect(settings.resume == .auto)
        #expect(settings.tags == ["a", "b", "c"])
        #expect(!settings.captureConsole)
        #expect(settings.journalFlushInterval == .milliseconds(250))
    }
}
