import Cohort
import CohortTestSupport
import Foundation

/// Settings and helpers for tests that start runs inside the test process: no console capture, no
/// signal or exit hooks (tests run in parallel in one process).
enum RunTestEnvironment {
    static func settings(flushInterval: Duration = .milliseconds(20)) -> Settings {
        var settings = Settings()
        settings.captureConsole = false
        settings.handleSignals = false
        settings.finishAtExit = false
        settings.journalFlushInterval = flushInterval
        settings.livePollInterval = .milliseconds(20)
        return settings
    }

    /// The environment for a child process that logs into `dir`.
    static func childEnvironment(dir: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ["COHORT_DIR": dir, "COHORT_MODE": "offline", "COHORT_JOURNAL_FLUSH_MS": "20"]
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// The only run directory under `dir`.
    static func onlyRun(in dir: String) throws -> LocalRun {
        let runs = LocalRun.list(under: dir)
        guard runs.count == 1, let run = runs.first else {
            throw TestFailure("expected one run under \(dir), found \(runs.count)")
        }
        return run
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
