import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Nothing logged is lost when the process dies")
struct CrashSafetyTests {
    @Test("a child killed with SIGKILL leaves a journal holding every row logged before its last flush()")
    func sigkillAfterFlush() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let marker = directory.appending("ready")
        let child = try ChildProcess.launch(
            ChildProcess.product("cohort-fixture"), ["kill-after-flush", "500", "200", marker],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path))
        #expect(child.waitForFile(marker, containing: "ready"))
        child.send(SIGKILL)
        let result = try child.wait()
        #expect(result.signaled && result.status == SIGKILL)

        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        let rows = try RunJournal.read(path: run.directory + "/run-\(run.id).journal").historyRows
        #expect(rows.count >= 500)
        for (index, row) in rows.enumerated() {
            #expect(row["_step"] == .int(Int64(index)))
            #expect(row["loss"] == .double(Double(index)))
        }
        #expect(run.state == .crashed)
        #expect(run.exitCode == nil)
    }

    @Test("SIGTERM and SIGINT finish the run with exit code 128+signal and the process still dies of the signal",
        arguments: [SIGTERM, SIGINT])
    func terminatingSignal(_ signalNumber: Int32) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let marker = directory.appending("ready")
        let child = try ChildProcess.launch(
            ChildProcess.product("cohort-fixture"), ["wait-for-signal", "50", marker],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path))
        #expect(child.waitForFile(marker, containing: "ready"))
        child.send(signalNumber)
        let result = try child.wait(timeout: .seconds(30))
        #expect(result.signaled && result.status == signalNumber)

        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(run.state == .failed)
        #expect(run.exitCode == 128 + signalNumber)
        #expect(run.historyRowCount == 50)
        #expect(run.journalTail == .clean)
    }

    @Test("returning from main finishes the run and commits the pending row")
    func exitFinishesRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort-fixture"), ["exit-pending"],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path))
        #expect(result.status == 0)
        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(run.state == .finished)
        #expect(run.exitCode == 0)
        let rows = try RunJournal.read(path: run.directory + "/run-\(run.id).journal").historyRows
        #expect(rows.count == 2)
        #expect(rows.last?["b"] == .int(2))
        #expect(rows.last?["_step"] == .int(1))
    }

    @Test("a non-zero exit code marks the run failed")
    func failedRun() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort-fixture"), ["log", "10", "3"],
            environment: RunTestEnvironment.childEnvironment(dir: directory.path))
        #expect(result.status == 0)
        let run = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(run.state == .failed)
        #expect(run.exitCode == 3)
        #expect(run.lastStep == 9)
    }

    @Test("a journal with a torn tail still lists, and resuming it keeps every whole record")
    func tornTailResume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try await Run.start(project: "p", id: "torn1", dir: directory.path, settings: RunTestEnvironment.settings())
        for step in 0..<20 { try first.log(["x": step]) }
        await first.finish(exitCode: 1)
        // Simulate a crash in the middle of a write: half a record at the end.
        let handle = try #require(FileHandle(forWritingAtPath: first.journalPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0x40, 0x00, 0x00, 0x00, 0xAA, 0xBB]))
        try handle.close()

        let listed = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(listed.historyRowCount == 20)
        if case .torn = listed.journalTail {} else { Issue.record("expected a torn tail, got \(listed.journalTail)") }

        let resumed = try await Run.start(project: "p", id: "torn1", resume: .must, dir: directory.path, settings: RunTestEnvironment.settings())
        #expect(resumed.startingStep == 20)
        try resumed.log(["x": 20])
        await resumed.finish()
        let journal = try RunJournal.read(path: resumed.journalPath)
        #expect(journal.tail == .clean)
        #expect(journal.historyRows.map { $0["x"] } == (0...20).map { .int(Int64($0)) })
    }
}
