import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Misuse gives clear errors and never damages what is stored")
struct MisuseTests {
    @Test("every call that records data after finish is an error naming the call", arguments: ["log", "config", "defineMetric", "save", "markPreempting"])
    func afterFinish(call: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["x": 1])
        await run.finish()
        let before = try Data(contentsOf: URL(fileURLWithPath: run.journalPath))
        #expect {
            switch call {
            case "log": try run.log(["x": 2])
            case "config": try run.config.update(["a": 1])
            case "defineMetric": try run.defineMetric("x", summary: [.max])
            case "save": _ = try run.save(directory.appending("none.txt"))
            default: try run.markPreempting()
            }
        } throws: { error in
            (error as? CohortError)?.code == .runFinished
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: run.journalPath)) == before)
    }

    @Test("finish twice, and concurrently, finishes once")
    func finishTwice() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["x": 1])
        async let first: Void = run.finish(exitCode: 0)
        async let second: Void = run.finish(exitCode: 5)
        _ = await (first, second)
        await run.join()
        let finishes = try RunJournal.read(path: run.journalPath).records.filter { $0.kind == .finish }
        #expect(finishes.count == 1)
    }

    @Test("bad run ids are refused before anything is created", arguments: ["", " x", "a/b", "a:b", "a;b", "a,b", "a#b", "a?b", "a'b"])
    func badIDs(id: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await #expect {
            _ = try await Run.start(project: "p", id: id, dir: directory.path, settings: RunTestEnvironment.settings())
        } throws: { error in
            (error as? CohortError)?.code == .invalidArgument
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appending("cohort")))
    }

    @Test("a project name with a slash is refused")
    func badProject() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await #expect(throws: CohortError.self) {
            _ = try await Run.start(project: "a/b", dir: directory.path, settings: RunTestEnvironment.settings())
        }
    }

    @Test("a run directory that cannot be created is a storage error, not a crash")
    func unwritableDirectory() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let blocker = directory.appending("file")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        await #expect {
            _ = try await Run.start(project: "p", dir: blocker, settings: RunTestEnvironment.settings())
        } throws: { error in
            (error as? CohortError)?.code == .storage
        }
    }
}

@Suite("Values nested too deeply")
struct DeepNestingTests {
    /// A value nested `depth` levels deep.
    static func nested(_ depth: Int) -> JSONValue {
        var value: JSONValue = 1
        for _ in 0..<depth { value = ["n": value] }
        return value
    }

    @Test("a row nested deeper than the limit is dropped with a warning; the journal stays readable")
    func deepRow() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        try run.log(["ok": 1])
        try run.log(["deep": Self.nested(5_000)])
        try run.log(["fine": Self.nested(10)])
        await run.finish()
        let journal = try RunJournal.read(path: run.journalPath)
        #expect(journal.tail == .clean)
        let rows = journal.historyRows
        #expect(rows.count == 2)
        #expect(rows.last?["fine"]?.nestingDepth == 10)
    }

    @Test("a config value nested too deeply is refused; a summary one is ignored")
    func deepConfigAndSummary() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        #expect(throws: CohortError.self) { try run.config.update(["deep": Self.nested(1_000)]) }
        run.summary["deep"] = Self.nested(1_000)
        run.summary["shallow"] = Self.nested(3)
        #expect(run.summary["deep"] == nil)
        #expect(run.summary["shallow"] != nil)
        await run.finish()
        #expect(try RunJournal.read(path: run.journalPath).tail == .clean)
    }
}
