public import CohortModel
import Foundation
import Logging

/// The state of a run as its journal tells it.
public enum LocalRunState: String, Sendable, Codable {
    /// Started and not finished, and its process is still alive (or lives on another host).
    case running
    /// Finished with exit code 0.
    case finished
    /// Finished with a non-zero exit code.
    case failed
    /// Not finished, and its process is gone: it crashed or was killed.
    case crashed
}

/// A run found on local disk, as `cohort runs` lists it.
public struct LocalRun: Sendable {
    /// The run id.
    public var id: String
    /// The display name, if one was given.
    public var name: String?
    /// The project.
    public var project: String?
    /// The entity, if known.
    public var entity: String?
    /// The group, if the run is in one.
    public var group: String?
    /// The job type, if given.
    public var jobType: String?
    /// The notes.
    public var notes: String?
    /// The tags.
    public var tags: [String] = []
    /// Whether the run is running, finished, failed or crashed.
    public var state: LocalRunState = .running
    /// The `_step` of the last committed history row.
    public var lastStep: Int64?
    /// Unix seconds when the run first started.
    public var startTime: Double?
    /// The exit code given to `finish`, once finished.
    public var exitCode: Int32?
    /// Seconds of runtime across resumes.
    public var runtime: Double = 0
    /// The summary, rebuilt from the journal exactly as the live run built it.
    public var summary: [String: JSONValue] = [:]
    /// The config.
    public var config: [String: JSONValue] = [:]
    /// How many history rows the journal holds.
    public var historyRowCount = 0
    /// How many times the run was resumed.
    public var resumeCount = 0
    /// The run's directory.
    public var directory: String
    /// How the journal ended (a torn tail after a crash is normal).
    public var journalTail: JournalTail = .clean

    /// Reads the run in `directory` (which holds `run-<id>.journal`).
    public static func load(directory: String, id: String) throws(CohortError) -> LocalRun {
        let journal = try RunJournal.read(path: directory + "/run-\(id).journal")
        var replay = RunReplay(id: id, directory: directory)
        for record in journal.records { replay.apply(record) }
        var run = replay.finish()
        run.journalTail = journal.tail
        return run
    }

    /// Every run under `<dir>/cohort/`, oldest first. Unreadable journals are skipped.
    public static func list(under dir: String) -> [LocalRun] {
        let root = dir.hasSuffix("/cohort") ? dir : dir + "/cohort"
        return RunDirectory.all(root: root).compactMap { directory in
            try? load(directory: directory.path, id: directory.id)  // an unreadable journal is left out
        }
    }
}

/// Folds journal records into a `LocalRun`, rebuilding the summary with the same engine that
/// built it while the run was live.
struct RunReplay {
    private var run: LocalRun
    private(set) var engine = RunEngine(logger: .init(label: "cohort.replay"))
    private var pid: Int32?
    private var host: String?

    init(id: String, directory: String) {
        run = LocalRun(id: id, directory: directory)
    }

    mutating func apply(_ record: JournalRecord) {
        let payload = record.payload
        switch record.kind {
        case .runStart:
            run.name = payload["name"]?.stringValue
            run.project = payload["project"]?.stringValue
            run.entity = payload["entity"]?.stringValue
            run.group = payload["group"]?.stringValue
            run.jobType = payload["job_type"]?.stringValue
            run.notes = payload["notes"]?.stringValue
            run.tags = payload["tags"]?.arrayValue?.compactMap(\.stringValue) ?? []
            run.startTime = run.startTime ?? payload["start_time"]?.number
            pid = payload["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) }
            host = payload["host"]?.stringValue
            run.state = .running
        case .runUpdate:
            if let name = payload["name"] { run.name = name.stringValue }
            if let notes = payload["notes"] { run.notes = notes.stringValue }
            if let tags = payload["tags"]?.arrayValue { run.tags = tags.compactMap(\.stringValue) }
        case .resume:
            run.resumeCount += 1
            // A run resumed from the server's state starts its journal past steps logged elsewhere.
            if let starting = payload["starting_step"]?.intValue, starting > 0 { run.lastStep = max(run.lastStep ?? -1, starting - 1) }
            pid = payload["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) }
            host = payload["host"]?.stringValue
            run.state = .running
            run.exitCode = nil
        case .history:
            run.historyRowCount += 1
            run.lastStep = payload["_step"]?.intValue ?? run.lastStep
            if let runtime = payload["_runtime"]?.number, runtime > run.runtime { run.runtime = runtime }
            engine.replay(record)
        case .finish:
            let code = Int32(truncatingIfNeeded: payload["exit_code"]?.intValue ?? 0)
            run.exitCode = code
            run.state = code == 0 ? .finished : .failed
            if let runtime = payload["runtime"]?.number, runtime > run.runtime { run.runtime = runtime }
        default:
            engine.replay(record)
        }
    }

    func finish() -> LocalRun {
        var result = run
        result.summary = engine.summary.visible
        result.config = engine.config
        if result.state == .running && !processIsAlive() { result.state = .crashed }
        return result
    }

    /// Whether a process still writes the run: its journal lock is held (the lock dies with the
    /// process). For a run started on another host, whose lock this host may not see, assume so.
    private func processIsAlive() -> Bool {
        if JournalFile.isLocked(path: run.directory + "/run-\(run.id).journal") { return true }
        guard let host, host != ProcessInfo.processInfo.hostName, pid != nil else { return false }
        return true
    }

    /// What a resumed run continues from.
    var resumePoint: (lastStep: Int64?, runtime: Double, summary: [String: JSONValue], config: [String: JSONValue],
        name: String?, notes: String?, tags: [String]) {
        (run.lastStep, run.runtime, engine.summary.visible, engine.config, run.name, run.notes, run.tags)
    }
}
