import Cohort
import CohortTestSupport
import Testing

extension Semantics {
    /// Calls made after `finish` (semantics.md §2.2: logging after `finish()` is a usage error).
    @Suite("Semantics: misuse after finish")
    struct LifecycleMisuseTests {
        @Test("log after finish throws CohortError with code runFinished and adds no row")
        func logAfterFinishThrows() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.log(["x": 1])
            await run.finish()
            let error = #expect(throws: CohortError.self) { try run.log(["x": 2]) }
            #expect(error?.code == .runFinished)
            let historyError = #expect(throws: CohortError.self) { try run.history.add(["x": 3]) }
            #expect(historyError?.code == .runFinished)
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1]])
        }

        @Test("defineMetric after finish throws runFinished")
        func defineMetricAfterFinishThrows() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            await run.finish()
            let error = #expect(throws: CohortError.self) { try run.defineMetric("x", summary: [.max]) }
            #expect(error?.code == .runFinished)
        }

        @Test("finish twice is fine: the second call returns and changes nothing")
        func finishTwice() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.log(["x": 1], commit: false)
            await run.finish()
            await run.finish()
            await run.finish(exitCode: 1)
            #expect(run.isFinished)
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1]])
            let local = try #require(LocalRun.list(under: directory.path).first)
            #expect(local.state == .finished)
            #expect(local.exitCode == 0)
        }

        @Test("finish called concurrently from several tasks finishes once")
        func concurrentFinish() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.log(["x": 1], commit: false)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 { group.addTask { await run.finish() } }
            }
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1]])
        }
    }
}
