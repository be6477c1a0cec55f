import Cohort
import Foundation

/// Starting and checking the runs the benchmarks log into.
enum BenchRun {
    /// Settings for a benchmark run: no console capture, no signal or exit hooks, defaults otherwise
    /// (the environment is not read, so `COHORT_*` variables cannot change the figures).
    static var settings: Settings {
        var settings = Settings()
        settings.captureConsole = false
        settings.handleSignals = false
        settings.finishAtExit = false
        return settings
    }

    /// Settings for an online benchmark run: the server and key from the environment
    /// (`COHORT_BASE_URL`, `COHORT_API_KEY`), files under `directory`, no console capture or hooks, and
    /// `finish()` allowed to wait `finishTimeout` for the server.
    static func onlineSettings(directory: String, finishTimeout: Duration) -> Settings {
        var settings = Settings.fromEnvironment()
        settings.mode = .online
        settings.dir = directory
        settings.captureConsole = false
        settings.handleSignals = false
        settings.finishAtExit = false
        settings.finishTimeout = finishTimeout
        return settings
    }

    /// The small config every benchmark run starts with (the same as `wandb_bench.py`).
    static let config: [String: any Loggable] = ["lr": 0.001, "batch_size": 64, "optimizer": "adam"]

    /// Starts an offline run whose files go under `directory` (created when missing).
    static func start(in directory: String, settings: Settings = BenchRun.settings) async throws -> Run {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try await Run.start(
            project: "cohort-bench", config: config, mode: .offline, dir: directory, settings: settings)
    }

    /// Logs `count` rows from `pool` (cycling through it) without timing them.
    static func logUntimed(_ run: Run, pool: [[String: any Loggable]], count: Int) throws {
        for index in 0..<count { try run.log(pool[index % pool.count]) }
    }

    /// The number of history rows in the run's journal, read back after the run has finished.
    static func journalRowCount(_ run: Run) throws -> Int {
        try RunJournal.read(path: run.journalPath).historyRows.count
    }

    /// The size of the run's journal file in bytes (0 when it cannot be read).
    static func journalBytes(_ run: Run) -> Int {
        // A missing size only leaves the informational figure at 0.
        let attributes = try? FileManager.default.attributesOfItem(atPath: run.journalPath)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }
}
