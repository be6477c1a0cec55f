import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Resuming a run from its journal")
struct ResumeTests {
    @Test("resume: .allow continues step, summary, config, name and tags from the journal")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let first = try await Run.start(
            project: "p", name: "first-name", tags: ["a", "b"], config: ["lr": 0.1, "layers": 3], id: "resume01",
            dir: directory.path, settings: settings)
        for step in 0..<10 { try first.log(["loss": 1.0 / Double(step + 1), "step_text": "s\(step)"]) }
        first.summary.set("best", 0.9)
        await first.finish(exitCode: 1)

        let second = try await Run.start(project: "p", id: "resume01", resume: .allow, dir: directory.path, settings: settings)
        #expect(second.resumed)
        #expect(second.startingStep == 10)
        #expect(second.step == 10)
        #expect(second.name == "first-name")
        #expect(second.tags == ["a", "b"])
        #expect(second.config["lr"] == .double(0.1))
        #expect(second.summary["best"] == .double(0.9))
        #expect(second.summary["loss"] == .double(0.1))
        #expect(second.syncDir == first.syncDir)

        try second.log(["loss": 0.05])
        try second.log(["loss": 0.5], step: 3)  // below the resumed step: dropped
        await second.finish()
        let rows = try await second.history.rows()
        #expect(rows.count == 11)
        #expect(rows.last?["_step"] == .int(10))
        #expect(rows.last?["loss"] == .double(0.05))
        let listed = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(listed.state == .finished)
        #expect(listed.resumeCount == 1)
    }

    @Test("the runtime of a resumed run continues from where the earlier process stopped")
    func runtimeContinues() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let first = try await Run.start(project: "p", id: "runtime1", dir: directory.path, settings: settings)
        try first.log(["x": 1])
        try await Task.sleep(for: .milliseconds(200))
        try first.log(["x": 2])
        await first.finish(exitCode: 1)
        let firstRuntime = try #require(try await first.history.rows().last?["_runtime"]?.number)
        #expect(firstRuntime >= 0.2)

        let second = try await Run.start(project: "p", id: "runtime1", resume: .must, dir: directory.path, settings: settings)
        try second.log(["x": 3])
        await second.finish()
        let resumedRuntime = try #require(try await second.history.rows().last?["_runtime"]?.number)
        #expect(resumedRuntime >= firstRuntime)
    }

    @Test("resume: .must for a run that does not exist is a clear error")
    func mustMissing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await #expect {
            _ = try await Run.start(project: "p", id: "missing1", resume: .must, dir: directory.path, settings: RunTestEnvironment.settings())
        } throws: { error in
            (error as? CohortError)?.code == .runNotFound && "\(error)".contains("missing1")
        }
    }

    @Test("resume: .never for a run that exists is a clear error and leaves the run untouched")
    func neverExisting() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let first = try await Run.start(project: "p", id: "exists01", dir: directory.path, settings: settings)
        try first.log(["x": 1])
        await first.finish()
        let before = try Data(contentsOf: URL(fileURLWithPath: first.journalPath))
        await #expect {
            _ = try await Run.start(project: "p", id: "exists01", resume: .never, dir: directory.path, settings: settings)
        } throws: { error in
            (error as? CohortError)?.code == .runExists
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.journalPath)) == before)
    }

    @Test("resume: .allow for a new id starts a fresh run")
    func allowNew() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", id: "fresh001", resume: .allow, dir: directory.path, settings: RunTestEnvironment.settings())
        #expect(!run.resumed)
        #expect(run.startingStep == 0)
        await run.finish()
    }

    @Test("resume: .auto continues the run that failed last in this directory, not one that finished cleanly")
    func auto() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let failed = try await Run.start(project: "p", dir: directory.path, settings: settings)
        try failed.log(["x": 1])
        await failed.finish(exitCode: 2)

        let resumed = try await Run.start(project: "p", resume: .auto, dir: directory.path, settings: settings)
        #expect(resumed.id == failed.id)
        #expect(resumed.resumed)
        await resumed.finish()

        let fresh = try await Run.start(project: "p", resume: .auto, dir: directory.path, settings: settings)
        #expect(fresh.id != failed.id)
        #expect(!fresh.resumed)
        await fresh.finish()
    }

    @Test("a resumed run's old summary comes back as explicit values: aggregates need defineMetric again")
    func summaryAfterResume() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let first = try await Run.start(project: "p", id: "summary1", dir: directory.path, settings: settings)
        try first.defineMetric("acc", summary: [.max])
        for value in [0.5, 0.9, 0.7] { try first.log(["acc": value]) }
        #expect(first.summary["acc"] == ["max": 0.9])
        await first.finish(exitCode: 1)

        let second = try await Run.start(project: "p", id: "summary1", resume: .allow, dir: directory.path, settings: settings)
        #expect(second.summary["acc"] == ["max": 0.9])
        try second.log(["acc": 0.2])
        #expect(second.summary["acc"] == .double(0.2))
        await second.finish()
    }

    @Test("name, notes and tags set while the run is live are journaled and survive a resume")
    func identityChanges() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let first = try await Run.start(project: "p", id: "rename01", dir: directory.path, settings: settings)
        first.name = "renamed"
        first.notes = "second thoughts"
        first.tags = ["x", "y"]
        await first.finish(exitCode: 1)
        first.name = "after finish"  // ignored with a warning
        #expect(first.name == "renamed")

        let listed = try RunTestEnvironment.onlyRun(in: directory.path)
        #expect(listed.name == "renamed")
        #expect(listed.notes == "second thoughts")
        #expect(listed.tags == ["x", "y"])
        let second = try await Run.start(project: "p", id: "rename01", resume: .must, dir: directory.path, settings: settings)
        #expect(second.name == "renamed")
        #expect(second.tags == ["x", "y"])
        await second.finish()
    }

    @Test("a run that a live process is writing cannot be resumed by another; its journal stays intact")
    func liveRunIsLocked() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = RunTestEnvironment.settings()
        let live = try await Run.start(project: "p", id: "locked01", dir: directory.path, settings: settings)
        try live.log(["x": 1])
        try await live.flush()
        #expect(try RunTestEnvironment.onlyRun(in: directory.path).state == .running)
        await #expect {
            _ = try await Run.start(project: "p", id: "locked01", resume: .allow, dir: directory.path, settings: settings)
        } throws: { error in
            (error as? CohortError)?.code == .runInUse
        }
        try live.log(["x": 2])
        await live.finish()
        #expect(try await live.history.rows().count == 2)
        #expect(try RunTestEnvironment.onlyRun(in: directory.path).state == .finished)
    }
}
