import CohortModel
import Synchronization
import Foundation
import Logging

extension Run {
    /// Starts a run, as W&B's `wandb.init`.
    ///
    /// Every argument left `nil` comes from `settings` (by default `Settings.fromEnvironment()`:
    /// `COHORT_*`, then `WANDB_*` variables), then from defaults.
    ///
    /// ```swift
    /// let run = try await Run.start(project: "cifar", group: "sweep-3", config: ["lr": 3e-4])
    /// ```
    /// - Parameters:
    ///   - project: the project (default `uncategorized`).
    ///   - entity: the user or team.
    ///   - group: a group of related runs (for example the ranks of one job).
    ///   - jobType: what kind of run this is (`train`, `eval`, …).
    ///   - name: a display name.
    ///   - notes: free-form notes.
    ///   - tags: tags.
    ///   - config: initial config values.
    ///   - id: the run id; needed to resume a particular run.
    ///   - resume: whether to continue an existing run with this id.
    ///   - mode: `offline` (default) writes everything locally; `online` also streams it to the
    ///     server (`settings.baseURL`, key from `settings.apiKey` or `cohort login`); `disabled` keeps nothing.
    ///   - dir: the directory under which `cohort/` holds the runs (default: the current directory).
    ///   - settings: settings for everything else.
    /// - Throws: `CohortError`: `.invalidArgument` for a bad id, `.runNotFound` (`resume: .must`),
    ///   `.runExists` (`resume: .never`), `.unauthorized` when online mode has no key or the server
    ///   refuses it, `.storage` when the run directory cannot be written.
    public static func start(
        project: String? = nil, entity: String? = nil, group: String? = nil, jobType: String? = nil,
        name: String? = nil, notes: String? = nil, tags: [String]? = nil, config: [String: any Loggable] = [:],
        id: String? = nil, resume: ResumePolicy? = nil, mode: RunMode? = nil, dir: String? = nil,
        settings: Settings? = nil
    ) async throws(CohortError) -> Run {
        var resolved = settings ?? Settings.fromEnvironment()
        if let project { resolved.project = project }
        if let entity { resolved.entity = entity }
        if let group { resolved.group = group }
        if let jobType { resolved.jobType = jobType }
        if let name { resolved.name = name }
        if let notes { resolved.notes = notes }
        if let tags { resolved.tags = tags }
        if let id { resolved.runID = id }
        if let resume { resolved.resume = resume }
        if let mode { resolved.mode = mode }
        if let dir { resolved.dir = dir }
        var initialConfig = jsonObject(config)
        var plan: LeaderPlan?
        if let launch = resolved.launch, launch.isDistributed, resolved.groupLink, resolved.mode != .disabled {
            let launchGroup = resolved.group ?? RankIdentity.launchGroup(launch)
            plan = LeaderPlan(launch: launch, settings: resolved, group: launchGroup)
            if launchGroup == nil {
                resolved.group = await MintedGroup.resolve(launch: launch, plan: plan, settings: resolved)
            }
        }
        let rank = RankIdentity(settings: resolved)
        resolved.group = rank.group
        resolved.name = rank.name
        resolved.runID = rank.runID
        resolved.resume = rank.resume
        if let facts = rank.config, initialConfig["_cohort"] == nil { initialConfig["_cohort"] = .object(facts) }
        // Online: check the key before anything is created (a refused key stops here, as in W&B).
        var connection: OnlineSession.Connection?
        if resolved.mode == .online {
            connection = try await OnlineSession.connect(settings: resolved, logger: resolved.logger)
        }
        // Online resume of a run this machine has no directory for: continue from the server's state.
        var serverPoint: ServerResumePoint?
        if let connection, let id = resolved.runID, let policy = resolved.resume, policy != .auto,
           RunDirectory.existing(root: resolved.cohortRoot, id: id) == nil {
            serverPoint = try await OnlineSession.serverResumePoint(id: id, settings: resolved, connection: connection)
            if serverPoint != nil && policy == .never {
                throw CohortError(
                    .runExists, "resume: never was given, but run \"\(id)\" already exists on the server; choose another id or use resume: allow")
            }
        }
        let run = try RunStarter(settings: resolved, config: initialConfig, serverPoint: serverPoint).start()
        if let connection {
            let upsert = RunUpsert(
                runID: run.id, project: run.project, entity: resolved.entity, displayName: resolved.name, notes: resolved.notes,
                group: resolved.group, jobType: resolved.jobType, tags: resolved.tags ?? [], sweepID: resolved.sweepID,
                host: ProcessInfo.processInfo.hostName, program: CommandLine.arguments.first, config: initialConfig)
            let session = await OnlineSession.start(run: run, connection: connection, upsert: upsert, logger: resolved.logger)
            let logger = resolved.logger
            let callback = resolved.onStopRequested
            session.sender.onStopRequested { [weak run] in
                guard let run, !run.stopRequest.exchange(true, ordering: .relaxed) else { return }
                logger.warning("the server asked this run to stop; Run.isStopRequested is now true", metadata: ["run.id": "\(run.id)"])
                callback?()
            }
            run.online.withLock { $0 = session }
        }
        if let launch = resolved.launch, launch.isDistributed, run.mode != .disabled, resolved.groupLink {
            let link = await GroupLink.start(for: run, launch: launch, settings: resolved, plan: plan)
            run.groupLink.withLock { $0 = link }
        }
        return run
    }
}

/// The steps of `Run.start`: resolve identity, find or create the run directory, restore a resumed
/// run from its journal, open the journal and start the writer.
struct RunStarter {
    let settings: Settings
    let config: [String: JSONValue]
    /// The server's state of the run to resume, when it is resumed online on a machine without its directory.
    var serverPoint: ServerResumePoint?
    var logger: Logger { settings.logger }
    /// Where a started run's data goes: online when asked, else offline.
    var runMode: RunMode { settings.mode == .online ? .online : .offline }

    func start() throws(CohortError) -> Run {
        let mode = settings.mode ?? .offline
        for key in config.keys where key.isEmpty { throw .invalid("config keys must not be empty") }
        for (key, value) in config where value.nestingDepth > RunEngine.maximumNesting {
            throw .invalid("config key \"\(key)\" is nested more than \(RunEngine.maximumNesting) levels deep; flatten it")
        }
        if let group = settings.group, group.contains("/") {
            throw .invalid("the group \"\(group)\" contains \"/\"; group names cannot contain slashes")
        }
        let project = settings.project ?? "uncategorized"
        guard !project.isEmpty, !project.contains("/") else {
            throw .invalid("the project name \"\(project)\" must be non-empty and contain no \"/\"")
        }
        if mode == .disabled { return startDisabled(project: project) }

        let root = settings.cohortRoot
        let resumeFile = ResumeFile(root: root)
        var id = settings.runID
        if settings.resume == .auto, let recorded = resumeFile.read() {
            if let id, id != recorded {
                logger.warning("resume auto: using the given run id, not the one recorded", metadata: ["run.id": "\(id)", "recorded.id": "\(recorded)"])
            } else {
                id = recorded
            }
        }
        if let id { try RunID.validate(id) }
        let runID = id ?? RunID.generate()
        let existing = id.flatMap { RunDirectory.existing(root: root, id: $0) }

        if existing == nil, let serverPoint {
            return try resumeFromServer(serverPoint, id: runID, root: root, project: project, resumeFile: resumeFile)
        }
        switch (settings.resume, existing) {
        case (.must, nil):
            throw CohortError(
                .runNotFound,
                "resume: must was given, but no run with id \"\(runID)\" exists under \(root)\(settings.mode == .online ? " or on the server" : ""); check the id and dir, or use resume: allow")
        case (.never, .some):
            throw CohortError(
                .runExists,
                "resume: never was given, but run \"\(runID)\" already exists under \(root); choose another id or use resume: allow")
        case (.allow?, let directory?), (.must?, let directory?), (.auto?, let directory?):
            return try resumeRun(directory: directory, project: project, resumeFile: resumeFile)
        default:
            return try startNew(id: runID, root: root, project: project, resumeFile: resumeFile)
        }
    }

    private func startNew(id: String, root: String, project: String, resumeFile: ResumeFile) throws(CohortError) -> Run {
        let directory = RunDirectory.new(root: root, id: id, mode: runMode, date: Date())
        try directory.create()
        let file = try JournalFile(path: directory.journalPath)
        let clock = RunClock()
        var engine = RunEngine(logger: logger)
        var initial = JournalBuffer()
        initial.append(.runStart, startPayload(id: id, project: project, clock: clock))
        if !config.isEmpty { engine.apply(.config(config), journal: &initial) }
        if let error = file.write(initial.bytes).error { file.close(); throw error }
        resumeFile.write(id: id)
        let identity = RunIdentity(
            id: id, project: project, entity: settings.entity ?? "", group: settings.group ?? "",
            jobType: settings.jobType ?? "", sweepID: settings.sweepID, startingStep: 0, resumed: false,
            mode: runMode, filesDirectory: directory.filesPath, runDirectory: directory.path,
            journalPath: directory.journalPath)
        let state = RunMutableState(
            steps: StepStateMachine(startingStep: 0), name: settings.name, notes: settings.notes,
            tags: settings.tags ?? [], config: config)
        return launch(identity: identity, directory: directory, file: file, engine: engine, clock: clock, state: state)
    }

    /// Continues, in a new local directory, a run the server holds: its steps, summary and config
    /// come from the server, and the sender's cursor starts past the server's lines.
    private func resumeFromServer(
        _ point: ServerResumePoint, id: String, root: String, project: String, resumeFile: ResumeFile
    ) throws(CohortError) -> Run {
        let directory = RunDirectory.new(root: root, id: id, mode: runMode, date: Date())
        try directory.create()
        var cursor = SenderCursor()
        cursor.historyBase = point.historyLines
        cursor.outputBase = point.outputLines
        do {
            try AtomicFile.write(JSONWriter.bytes(cursor.json), to: directory.path + "/" + SenderCursor.fileName)
        } catch {
            throw CohortError.storage("cannot write the send cursor of the resumed run: \(error)")
        }
        let file = try JournalFile(path: directory.journalPath)
        let clock = RunClock(runtimeOffset: point.runtime)
        var mergedConfig = point.config
        mergedConfig.merge(config) { _, new in new }
        var engine = RunEngine(logger: logger, restoredSummary: point.summary, config: point.config)
        var initial = JournalBuffer()
        initial.append(.runStart, startPayload(id: id, project: project, clock: clock))
        var payload = startPayload(id: id, project: project, clock: clock)
        payload["starting_step"] = .int(point.startingStep)
        payload["runtime"] = .double(point.runtime)
        initial.append(.resume, payload)
        for (key, value) in point.summary.sorted(by: { $0.key < $1.key }) {
            engine.apply(.summaryWrite(path: [key], value: value), journal: &initial)
        }
        if !mergedConfig.isEmpty { engine.apply(.config(mergedConfig), journal: &initial) }
        if let error = file.write(initial.bytes).error { file.close(); throw error }
        resumeFile.write(id: id)
        let identity = RunIdentity(
            id: id, project: project, entity: settings.entity ?? "", group: settings.group ?? "",
            jobType: settings.jobType ?? "", sweepID: settings.sweepID, startingStep: Int(point.startingStep), resumed: true,
            mode: runMode, filesDirectory: directory.filesPath, runDirectory: directory.path,
            journalPath: directory.journalPath)
        let state = RunMutableState(
            steps: StepStateMachine(startingStep: point.startingStep), name: settings.name ?? point.name,
            notes: settings.notes ?? point.notes, tags: settings.tags ?? point.tags, config: mergedConfig)
        return launch(identity: identity, directory: directory, file: file, engine: engine, clock: clock, state: state)
    }

    private func resumeRun(directory: RunDirectory, project: String, resumeFile: ResumeFile) throws(CohortError) -> Run {
        // Lock the journal before reading it: a live process may still be appending.
        let file = try JournalFile(path: directory.journalPath)
        let journal: RunJournal
        do {
            journal = try RunJournal.read(path: directory.journalPath)
            try file.truncate(to: journal.tail.validLength(fileSize: journal.fileSize))
            try directory.create()
        } catch {
            file.close()
            throw error
        }
        if journal.tail != .clean {
            logger.warning(
                "resume: the journal ended with a damaged tail; whole records before it are kept",
                metadata: ["journal.path": "\(directory.journalPath)", "journal.tail": "\(journal.tail)"])
        }
        var replay = RunReplay(id: directory.id, directory: directory.path)
        for record in journal.records { replay.apply(record) }
        let point = replay.resumePoint
        let startingStep = point.lastStep.map { $0 + 1 } ?? 0
        let clock = RunClock(runtimeOffset: point.runtime)
        // W&B pushes the old summary back as explicit values: aggregates return after defineMetric.
        var mergedConfig = point.config
        mergedConfig.merge(config) { _, new in new }
        var engine = RunEngine(logger: logger, restoredSummary: point.summary, config: point.config)
        var initial = JournalBuffer()
        var payload = startPayload(id: directory.id, project: project, clock: clock)
        payload["starting_step"] = .int(startingStep)
        payload["runtime"] = .double(point.runtime)
        initial.append(.resume, payload)
        for (key, value) in point.summary.sorted(by: { $0.key < $1.key }) {
            engine.apply(.summaryWrite(path: [key], value: value), journal: &initial)
        }
        if !config.isEmpty { engine.apply(.config(mergedConfig), journal: &initial) }
        if let error = file.write(initial.bytes).error { file.close(); throw error }
        resumeFile.write(id: directory.id)
        let identity = RunIdentity(
            id: directory.id, project: project, entity: settings.entity ?? "", group: settings.group ?? "",
            jobType: settings.jobType ?? "", sweepID: settings.sweepID, startingStep: Int(startingStep), resumed: true,
            mode: runMode, filesDirectory: directory.filesPath, runDirectory: directory.path,
            journalPath: directory.journalPath)
        let state = RunMutableState(
            steps: StepStateMachine(startingStep: startingStep), name: settings.name ?? point.name,
            notes: settings.notes ?? point.notes, tags: settings.tags ?? point.tags, config: mergedConfig)
        return launch(identity: identity, directory: directory, file: file, engine: engine, clock: clock, state: state)
    }

    private func launch(
        identity: RunIdentity, directory: RunDirectory, file: JournalFile, engine: RunEngine, clock: RunClock,
        state: RunMutableState
    ) -> Run {
        let writer = JournalWriter(
            file: file, sideFiles: RunSideFiles(filesDirectory: directory.filesPath), engine: engine, clock: clock,
            flushInterval: settings.journalFlushInterval, capacity: settings.maximumQueuedBytes, logger: logger)
        let files = FileSaver(
            filesDirectory: directory.filesPath, pollInterval: settings.livePollInterval, writer: writer, logger: logger)
        let run = Run(identity: identity, settings: settings, clock: clock, writer: writer, files: files, state: state)
        writer.start()
        files.start()
        files.writeMetadata(RunMetadata.collect(run: run, settings: settings))
        if settings.captureConsole {
            do {
                let capture = try ConsoleCapture(outputPath: directory.filesPath + "/output.log", writer: writer)
                run.console.withLock { $0 = capture }
            } catch {
                logger.warning("console capture is off", metadata: ["error": "\(error)"])
            }
        }
        ExitHooks.shared.register(run, handleSignals: settings.handleSignals, finishAtExit: settings.finishAtExit)
        return run
    }

    private func startDisabled(project: String) -> Run {
        let id = settings.runID ?? RunID.generate()
        let clock = RunClock()
        let writer = JournalWriter(
            file: nil, sideFiles: nil, engine: RunEngine(logger: logger), clock: clock,
            flushInterval: settings.journalFlushInterval, capacity: settings.maximumQueuedBytes, logger: logger)
        let identity = RunIdentity(
            id: id, project: project, entity: settings.entity ?? "", group: settings.group ?? "",
            jobType: settings.jobType ?? "", sweepID: settings.sweepID, startingStep: 0, resumed: false,
            mode: .disabled, filesDirectory: NSTemporaryDirectory() + "cohort-disabled-\(id)/files",
            runDirectory: NSTemporaryDirectory() + "cohort-disabled-\(id)", journalPath: "")
        let state = RunMutableState(
            steps: StepStateMachine(startingStep: 0), name: settings.name, notes: settings.notes,
            tags: settings.tags ?? [], config: config)
        let run = Run(identity: identity, settings: settings, clock: clock, writer: writer, files: nil, state: state)
        writer.start()
        return run
    }

    private func startPayload(id: String, project: String, clock: RunClock) -> [String: JSONValue] {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return [
            "id": .string(id), "project": .string(project), "entity": optional(settings.entity),
            "group": optional(settings.group), "job_type": optional(settings.jobType), "name": optional(settings.name),
            "notes": optional(settings.notes), "tags": .array((settings.tags ?? []).map(JSONValue.string)),
            "sweep_id": optional(settings.sweepID), "start_time": .double(clock.startTime), "mode": .string(runMode.rawValue),
            "pid": .int(Int64(getpid())), "host": .string(ProcessInfo.processInfo.hostName),
        ]
    }
}

/// `<dir>/cohort/cohort-resume.json`: the id of the last run started here, kept until it finishes
/// with exit code 0, so `resume: .auto` continues a crashed or failed run.
struct ResumeFile: Sendable {
    let root: String
    var path: String { root + "/cohort-resume.json" }

    func read() -> String? {
        guard let data = FileManager.default.contents(atPath: path),
            let value = try? JSONParser.parse([UInt8](data))  // an unreadable file means no run to resume
        else { return nil }
        return value["run_id"]?.stringValue
    }

    func write(id: String) {
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)  // create() reports real failures
        try? AtomicFile.write(JSONWriter.bytes(["run_id": .string(id)]), to: path)  // only resume: auto needs it
    }

    func remove(ifID id: String) {
        if read() == id { unlink(path) }
    }
}
