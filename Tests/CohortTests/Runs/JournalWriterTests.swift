import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("The journal writer")
struct JournalWriterTests {
    @Test("log() returns before anything is written; flush() puts every row in the journal")
    func flushWritesEverything() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A flush interval far longer than the test: only flush() can write the rows.
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings(flushInterval: .seconds(3600)))
        for step in 0..<1000 { try run.log(["x": step]) }
        try await run.flush()
        let rows = try RunJournal.read(path: run.journalPath).historyRows
        #expect(rows.count == 1000)
        await run.finish()
    }

    @Test("with a tiny queue, logging faster than the writer still keeps every row, in order")
    func boundedQueue() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var settings = RunTestEnvironment.settings()
        settings.maximumQueuedBytes = 4096
        let run = try await Run.start(project: "p", dir: directory.path, settings: settings)
        for step in 0..<20_000 { try run.log(["x": step, "payload": String(repeating: "y", count: 64)]) }
        await run.finish()
        let rows = try RunJournal.read(path: run.journalPath).historyRows
        #expect(rows.count == 20_000)
        #expect(rows.enumerated().allSatisfy { $0.element["x"] == .int(Int64($0.offset)) })
    }

    @Test("many threads logging at once lose no row and never share a step")
    func concurrentLoggers() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<2_500 { try? run.log(["worker": worker, "index": index]) }  // cannot fail while live
                }
            }
        }
        await run.finish()
        let rows = try RunJournal.read(path: run.journalPath).historyRows
        #expect(rows.count == 10_000)
        #expect(Set(rows.compactMap { $0["_step"]?.intValue }).count == 10_000)
    }

    @Test("records are framed with a checksum a reader verifies")
    func recordsVerify() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", config: ["a": 1], dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["x": 1])
        await run.finish(exitCode: 0)
        let journal = try RunJournal.read(path: run.journalPath)
        #expect(journal.tail == .clean)
        let kinds = journal.records.map(\.kind)
        #expect(kinds.first == .runStart)
        #expect(kinds.contains(.config))
        #expect(kinds.contains(.history))
        #expect(kinds.contains(.summary))
        #expect(kinds.last == .finish)
    }

    @Test("a row over W&B's 10 MiB limit is skipped, and the rows around it are kept")
    func oversizedRow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["x": 1])
        try run.log(["blob": String(repeating: "z", count: 11 * 1024 * 1024)])
        try run.log(["x": 3])
        await run.finish()
        let rows = try RunJournal.read(path: run.journalPath).historyRows
        #expect(rows.map { $0["_step"] } == [.int(0), .int(2)])
    }
}
