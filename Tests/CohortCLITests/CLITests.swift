import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("The cohort command and example-train")
struct CLITests {
    static func environment(dir: String) -> [String: String] {
        ["COHORT_DIR": dir, "COHORT_MODE": "offline"]
    }

    @Test("cohort --version names the Cohort version and the libcurl it links")
    func version() throws {
        let result = try ChildProcess.run(ChildProcess.product("cohort"), ["--version"])
        #expect(result.status == 0)
        #expect(result.standardOutput.hasPrefix("cohort \(CohortVersion.current)"))
        #expect(result.standardOutput.contains("libcurl/"))
    }

    @Test("example-train logs a run offline that cohort runs --json lists with its summary")
    func exampleAndRunsJSON() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let train = try ChildProcess.run(
            ChildProcess.product("example-train"), ["--steps", "40", "--project", "cli-test", "--name", "demo-run"],
            environment: Self.environment(dir: directory.path))
        #expect(train.status == 0, "\(train.standardError)")
        #expect(train.standardOutput.contains("run directory"))

        let listing = try ChildProcess.run(ChildProcess.product("cohort"), ["runs", "--dir", directory.path, "--json"])
        #expect(listing.status == 0)
        let runs = try #require(try JSONParser.parse(listing.standardOutput).arrayValue)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run["name"] == "demo-run")
        #expect(run["project"] == "cli-test")
        #expect(run["job_type"] == "train")
        #expect(run["state"] == "finished")
        #expect(run["last_step"] == .int(40))
        #expect(run["start_time"]?.stringValue?.hasSuffix("Z") == true)
        #expect(run["summary"]?["train/loss"]?.number != nil)
        #expect(run["summary"]?["val/acc"]?["max"]?.number != nil)
        #expect(run["summary"]?["best_val_acc"]?.number != nil)

        let files = try FileManager.default.contentsOfDirectory(atPath: (run["directory"]?.stringValue ?? "") + "/files")
        #expect(files.contains { $0.hasSuffix("-notes.txt") })
        #expect(files.contains("config.yaml"))
        #expect(files.contains("output.log"))
    }

    @Test("example-train --media logs every media type every 10 steps under files/media")
    func exampleMedia() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let train = try ChildProcess.run(
            ChildProcess.product("example-train"), ["--steps", "20", "--project", "cli-media", "--media"],
            environment: Self.environment(dir: directory.path))
        #expect(train.status == 0, "\(train.standardError)")
        let listing = try ChildProcess.run(ChildProcess.product("cohort"), ["runs", "--dir", directory.path, "--json"])
        let run = try #require(try JSONParser.parse(listing.standardOutput).arrayValue?.first)
        let media = (run["directory"]?.stringValue ?? "") + "/files/media"
        for kind in ["images", "table", "html", "audio", "videos"] {
            let files = (try? FileManager.default.subpathsOfDirectory(atPath: media + "/" + kind)) ?? []  // missing: checked below
            #expect(files.filter { !$0.hasSuffix("/") && $0.contains(".") }.count >= 2, "\(kind): \(files)")
        }
        #expect(run["summary"]?["media/weights"]?["_type"] == "histogram")
        #expect(run["summary"]?["media/sample"]?["_type"] == "image-file")
    }

    @Test("cohort runs prints a table with one line per run, and the crashed state of a killed run")
    func runsTable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let failing = try ChildProcess.run(
            ChildProcess.product("example-train"), ["--steps", "30", "--fail-at", "5", "--name", "will-fail"],
            environment: Self.environment(dir: directory.path))
        #expect(failing.status == 1)
        let table = try ChildProcess.run(ChildProcess.product("cohort"), ["runs"], environment: Self.environment(dir: directory.path))
        #expect(table.status == 0)
        let lines = table.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.last?.contains("will-fail") == true)
        #expect(lines.last?.contains("failed") == true)
    }

    @Test("cohort runs --json on a directory without runs prints an empty array")
    func emptyJSON() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let listing = try ChildProcess.run(ChildProcess.product("cohort"), ["runs", "--dir", directory.path, "--json"])
        #expect(listing.status == 0)
        #expect(listing.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
    }

    @Test("an unknown subcommand fails with usage help instead of crashing")
    func unknownCommand() throws {
        let result = try ChildProcess.run(ChildProcess.product("cohort"), ["frobnicate"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("Usage") || result.standardError.contains("Error"))
    }

    @Test("cohort launch starts N ranks with torchrun's variables and one group")
    func launchEnvironment() throws {
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["launch", "-n", "3", "--group", "g7", "--", "/bin/sh", "-c",
             "echo rank=$RANK world=$WORLD_SIZE local=$LOCAL_RANK/$LOCAL_WORLD_SIZE group=$TORCHELASTIC_RUN_ID cohort=$COHORT_RUN_GROUP master=$MASTER_ADDR"])
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init).sorted()
        #expect(lines == (0..<3).map { "rank=\($0) world=3 local=\($0)/3 group=g7 cohort=g7 master=127.0.0.1" })
    }

    @Test("cohort launch keeps COHORT_RUN_GROUP from its environment unless --group is given")
    func launchInheritsGroup() throws {
        let script = "echo group=$TORCHELASTIC_RUN_ID cohort=$COHORT_RUN_GROUP"
        let inherited = try ChildProcess.run(
            ChildProcess.product("cohort"), ["launch", "-n", "2", "--", "/bin/sh", "-c", script],
            environment: ["COHORT_RUN_GROUP": "from-env"])
        #expect(inherited.status == 0, "\(inherited.standardError)")
        #expect(inherited.standardOutput.split(separator: "\n").map(String.init) == Array(repeating: "group=from-env cohort=from-env", count: 2))
        let explicit = try ChildProcess.run(
            ChildProcess.product("cohort"), ["launch", "-n", "1", "--group", "flag", "--", "/bin/sh", "-c", script],
            environment: ["COHORT_RUN_GROUP": "from-env"])
        #expect(explicit.standardOutput == "group=flag cohort=flag\n")
    }

    @Test("when one rank fails, cohort launch stops the others and exits with its code")
    func launchFailure() throws {
        let started = ContinuousClock.now
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["launch", "-n", "3", "--", "/bin/sh", "-c", "if [ $RANK = 1 ]; then exit 3; fi; exec sleep 60"],
            timeout: .seconds(50))
        #expect(result.status == 3)
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("SIGTERM to cohort launch reaches every rank")
    func launchForwardsSignals() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let child = try ChildProcess.launch(
            ChildProcess.product("cohort"),
            ["launch", "-n", "2", "--", "/bin/sh", "-c", "echo started > \(directory.path)/rank-$RANK; exec sleep 60"])
        #expect(child.waitForFile(directory.appending("rank-0"), containing: "started"))
        #expect(child.waitForFile(directory.appending("rank-1"), containing: "started"))
        child.send(SIGTERM)
        let result = try child.wait(timeout: .seconds(30))
        #expect(result.status == 128 + SIGTERM || (result.signaled && result.status == SIGTERM))
    }

    @Test("cohort launch without a command is a usage error")
    func launchUsage() throws {
        let result = try ChildProcess.run(ChildProcess.product("cohort"), ["launch", "-n", "2"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("command"))
    }
}
