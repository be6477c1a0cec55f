import Cohort
import CohortModel
import CohortTestSupport
import Testing

/// The W&B semantics suite: what semantics.md §2 says Cohort reproduces, checked through the public
/// API and read back from the journal. Run it with `swift test --filter Semantics`.
@Suite("W&B semantics (semantics.md §2)")
enum Semantics {}

/// Starts offline runs for the W&B semantics tests (semantics.md §2), each in its own temporary
/// directory, with no console capture, signal handlers or exit hooks: the tests run in parallel in
/// one process.
enum SemanticsHarness {
    static func settings() -> Settings {
        var settings = Settings()
        settings.captureConsole = false
        settings.handleSignals = false
        settings.finishAtExit = false
        settings.journalFlushInterval = .milliseconds(20)
        return settings
    }

    /// Starts a run, passes it to `body`, then finishes it and removes its directory.
    static func withRun(
        project: String = "semantics", entity: String? = nil, group: String? = nil, jobType: String? = nil,
        id: String? = nil, config: [String: any Loggable] = [:], _ body: (Run) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-semantics")
        defer { directory.remove() }
        let run = try await Run.start(
            project: project, entity: entity, group: group, jobType: jobType, config: config, id: id,
            mode: .offline, dir: directory.path, settings: settings())
        do {
            try await body(run)
        } catch {
            await run.finish()
            throw error
        }
        await run.finish()
    }

    /// The committed rows, each reduced to `_step` and the user's keys (no `_runtime`, `_timestamp`).
    static func rows(_ run: Run) async throws -> [[String: JSONValue]] {
        try await run.history.rows().map(userKeys(keepingStep: true))
    }

    /// The summary without W&B's own `_` keys.
    static func summary(_ run: Run) -> [String: JSONValue] {
        run.summary.values.filter { !$0.key.hasPrefix("_") }
    }

    /// Whether `value` is a number holding NaN.
    static func isNaN(_ value: JSONValue?) -> Bool { value?.number?.isNaN ?? false }

    static func userKeys(keepingStep: Bool) -> ([String: JSONValue]) -> [String: JSONValue] {
        { row in row.filter { !$0.key.hasPrefix("_") || (keepingStep && $0.key == "_step") } }
    }
}
