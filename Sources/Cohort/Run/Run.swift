import CohortModel
public import Foundation
import Logging
import Synchronization

/// A training run, as W&B's `Run`: log metrics, keep a summary and a config, save files, finish.
///
/// Start one with `Run.start(...)`; everything it records goes first to an append-only, checksummed
/// journal in the run's directory, so nothing logged is lost if the process dies.
///
/// ```swift
/// let run = try await Run.start(project: "mnist", config: ["lr": 0.001, "epochs": 10])
/// for step in 0..<1000 {
///     try run.log(["loss": loss, "acc": acc, "eval": ["f1": f1]])
/// }
/// run.summary["best_acc"] = 0.97
/// await run.finish()
/// ```
public final class Run: Sendable {
    /// The run id (8 random characters unless given).
    public let id: String
    /// The project the run belongs to.
    public let project: String
    /// The entity (user or team), or `""` when unknown (always offline).
    public let entity: String
    /// The group, or `""` when the run is not in one.
    public let group: String
    /// The job type, or `""`.
    public let jobType: String
    /// The sweep id when a sweep agent started the run.
    public let sweepID: String?
    /// When this process started the run.
    public let startTime: Date
    /// The first step of this process: 0, or the step after the last row of a resumed run.
    public let startingStep: Int
    /// Whether the run continues an earlier one (`resume`).
    public let resumed: Bool
    /// Where the run's data goes.
    public let mode: RunMode
    /// The run's files directory (`…/files`), as W&B's `run.dir`.
    public let dir: String
    /// The run's directory, which holds the journal (pass it to `cohort sync`), as W&B's `sync_dir`.
    public let syncDir: String
    /// The journal file.
    public let journalPath: String

    let settings: Settings
    let logger: Logger
    let clock: RunClock
    let writer: JournalWriter
    let files: FileSaver?
    let console: Mutex<ConsoleCapture?>
    let state: Mutex<RunMutableState>
    let finishOnce = FinishLatch()
    /// The link to the group's leader when the run is one rank of a launched job.
    let groupLink = Mutex<GroupLink?>(nil)
    /// The connection to the server in online mode.
    let online = Mutex<OnlineSession?>(nil)
    let stopRequest = Atomic<Bool>(false)

    /// Whether the server asked this run to stop (online mode; W&B's "stop run"). A training loop
    /// can check it and finish; `Settings.onStopRequested` is called when it turns true.
    public var isStopRequested: Bool { stopRequest.load(ordering: .relaxed) }

    init(identity: RunIdentity, settings: Settings, clock: RunClock, writer: JournalWriter, files: FileSaver?, state: RunMutableState) {
        id = identity.id
        project = identity.project
        entity = identity.entity
        group = identity.group
        jobType = identity.jobType
        sweepID = identity.sweepID
        startTime = Date(timeIntervalSince1970: clock.startTime)
        startingStep = identity.startingStep
        resumed = identity.resumed
        mode = identity.mode
        dir = identity.filesDirectory
        syncDir = identity.runDirectory
        journalPath = identity.journalPath
        self.settings = settings
        logger = settings.logger
        self.clock = clock
        self.writer = writer
        self.files = files
        console = Mutex(nil)
        self.state = Mutex(state)
    }

    // MARK: Identity

    /// The display name; `nil` until one is given (W&B's server names unnamed runs).
    public var name: String? {
        get { state.withLock { $0.name } }
        set { updateIdentity { $0.name = newValue } }
    }

    /// Free-form notes.
    public var notes: String? {
        get { state.withLock { $0.notes } }
        set { updateIdentity { $0.notes = newValue } }
    }

    /// Tags.
    public var tags: [String] {
        get { state.withLock { $0.tags } }
        set { updateIdentity { $0.tags = newValue } }
    }

    /// `entity/project/id`, leaving out the parts that are unknown.
    public var path: String { [entity, project, id].filter { !$0.isEmpty }.joined(separator: "/") }

    /// The step the next row lands on (while a row is pending, the pending row's step).
    public var step: Int { Int(state.withLock { $0.steps.current }) }

    /// Whether `finish` has been called.
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// The run's page on the server (`{base}/{entity}/{project}/runs/{id}`); `nil` offline, or
    /// while the server has not told the run its entity.
    public var url: String? { online.withLock { $0?.url(project: project, runID: id) } }
    /// The project's page on the server; `nil` offline.
    public var projectURL: String? { online.withLock { $0?.projectURL(project: project) } }
    /// The sweep's page on the server; `nil` offline or outside a sweep.
    public var sweepURL: String? {
        guard let sweepID else { return nil }
        return online.withLock { $0?.sweepURL(project: project, sweepID: sweepID) }
    }

    /// The run's page on the server (W&B's older `get_url()`); `nil` offline.
    public func getURL() -> String? { url }
    /// The project's page (W&B's older `get_project_url()`); `nil` offline.
    public func getProjectURL() -> String? { projectURL }
    /// The sweep's page (W&B's older `get_sweep_url()`); `nil` offline.
    public func getSweepURL() -> String? { sweepURL }

    /// The run's config: hyperparameters and other inputs.
    public var config: Config { Config(run: self) }
    /// The run's summary: the last (or aggregated) value of every metric, and manual entries.
    public var summary: Summary { Summary(run: self) }
    /// The run's history: add rows (as `log`) and read back the committed rows.
    public var history: History { History(run: self) }

    private func updateIdentity(_ change: (inout RunMutableState) -> Void) {
        let updated: Bool = state.withLock { state in
            guard !state.finished else { return false }
            change(&state)
            writer.enqueue(.record(.runUpdate, [
                "name": state.name.map(JSONValue.string) ?? .null,
                "notes": state.notes.map(JSONValue.string) ?? .null,
                "tags": .array(state.tags.map(JSONValue.string)),
            ]))
            return true
        }
        if !updated {
            logger.warning("run identity not changed: the run has finished", metadata: ["run.id": "\(id)"])
        }
    }
}

/// What a `Run` knows about itself when it starts.
struct RunIdentity: Sendable {
    var id: String
    var project: String
    var entity: String
    var group: String
    var jobType: String
    var sweepID: String?
    var startingStep: Int
    var resumed: Bool
    var mode: RunMode
    var filesDirectory: String
    var runDirectory: String
    var journalPath: String
}

/// The parts of a run that change, guarded by the run's lock.
struct RunMutableState: Sendable {
    var steps: StepStateMachine
    var finished = false
    var name: String?
    var notes: String?
    var tags: [String]
    var config: [String: JSONValue]
    /// The last `run_table` version logged per artifact name: an equal table logged again keeps
    /// its links and is not recorded twice.
    var tableVersions: [String: TableVersion] = [:]
}

/// A `run_table` artifact version the run logged: its manifest digest and client ids.
struct TableVersion: Sendable, Equatable {
    var digest: String
    var clientID: String
    var sequenceClientID: String
}

/// Lets exactly one caller perform `finish`; later callers wait for it to complete.
final class FinishLatch: Sendable {
    private let state = Mutex<(started: Bool, waiters: [CheckedContinuation<Void, Never>], done: Bool)>((false, [], false))
    private let doneSignal = DispatchSemaphore(value: 0)

    /// Returns `true` for the first caller, who must call `complete()`.
    func begin() -> Bool {
        state.withLock { state in
            if state.started { return false }
            state.started = true
            return true
        }
    }

    func complete() {
        let waiters = state.withLock { state in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        doneSignal.signal()
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    func waitBlocking() {
        if state.withLock({ $0.done }) { return }
        doneSignal.wait()
        doneSignal.signal()  // let other blocking waiters through
    }
}
