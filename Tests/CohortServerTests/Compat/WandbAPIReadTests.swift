import CohortModel
import CohortTestSupport
import Foundation
import Testing

/// The official client logs two runs in one group (`api_log.py`); a second Python process reads
/// them back through `wandb.Api()` (`api_read.py`): projects, runs under several filters, one run's
/// config, summary, history, scan_history and files (downloaded). The script checks the values and
/// prints a verdict; this test fails with every failed check listed.
@Suite(
    "wandb.Api() reads back from cohort server",
    .enabled(if: WandbClient.isInstalled || WandbClient.required, "needs wandb==0.31.0 in \(WandbClient.venv)"))
struct WandbAPIReadTests {
    @Test("projects, filtered runs, config, summary, history, scan_history, files and download")
    func readBack() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-api-read")
        var passed = false
        defer { if passed { directory.remove() } }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let client = directory.appending("client")
        try FileManager.default.createDirectory(atPath: client, withIntermediateDirectories: true)

        let logged = try WandbClient.run("api_log.py", server: server, directory: client, timeout: .seconds(150))
        #expect(logged.status == 0, "api_log.py failed:\n\(logged.standardError)\n\(logged.standardOutput)\nserver:\n\(server.output)")
        let line = try #require(logged.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") })

        let reader = directory.appending("reader")
        try FileManager.default.createDirectory(atPath: reader, withIntermediateDirectories: true)
        let read = try WandbClient.run(
            "api_read.py", server: server, directory: reader, extra: ["COHORT_LOGGED": String(line)], timeout: .seconds(150))
        #expect(read.status == 0, "api_read.py failed:\n\(read.standardError)\n\(read.standardOutput)")
        let verdictLine = try #require(read.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") }, "\(read.standardError)")
        let verdict = try JSONParser.parse(String(verdictLine))
        let failures = verdict["failures"]?.arrayValue?.compactMap(\.stringValue) ?? ["no failures list in \(verdictLine)"]
        #expect(failures.isEmpty, "wandb.Api() checks failed:\n\(failures.joined(separator: "\n"))\nserver:\n\(server.output.suffix(4000))")
        #expect(verdict["ok"] == true)
        #expect((verdict["passed"]?.arrayValue?.count ?? 0) >= 30, "\(verdictLine)")
        passed = failures.isEmpty
    }
}
