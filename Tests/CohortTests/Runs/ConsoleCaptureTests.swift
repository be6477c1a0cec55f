import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Console capture into output.log")
struct ConsoleCaptureTests {
    @Test("stdout and stderr go to output.log and the journal, and still reach the terminal")
    func captured() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort-fixture"), ["console"],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path))
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("hello from stdout"))
        #expect(result.standardOutput.contains("last line before exit"))
        #expect(result.standardError.contains("hello from stderr"))

        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        let log = String(decoding: try Data(contentsOf: URL(fileURLWithPath: run.directory + "/files/output.log")), as: UTF8.self)
        for line in ["hello from stdout", "hello from stderr", "progress 50%", "last line before exit"] {
            #expect(log.contains(line), "output.log lacks \(line)")
        }
        let journal = try RunJournal.read(path: run.directory + "/run-\(run.id).journal")
        let text = journal.records.filter { $0.kind == .output }.compactMap { $0.payload["text"]?.stringValue }.joined()
        #expect(text.contains("hello from stderr"))
        #expect(text.contains("last line before exit"))
    }

    @Test("COHORT_CONSOLE=off leaves the console alone and writes no output.log")
    func off() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort-fixture"), ["console"],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path, extra: ["COHORT_CONSOLE": "off"]))
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("hello from stdout"))
        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(!FileManager.default.fileExists(atPath: run.directory + "/files/output.log"))
    }
}
