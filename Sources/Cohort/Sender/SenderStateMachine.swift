import CohortModel

/// What the online sender does with a run's journal, as a pure value: records go in, requests for
/// the server come out, and acknowledgements move the `SenderCursor`. The owner (`RunSender`) reads
/// the journal, performs the actions through the W&B API client and reports back; tests drive the
/// machine with no server.
///
/// Rules (the official client's, see `reference/wandb-protocol.md` §2 and §4):
/// - Nothing is streamed before the run exists on the server (`runCreated`).
/// - One file_stream request in flight at a time. The first goes out at once; later ones at most
///   every `batchInterval`, merging everything that waited; at most `maximumRequestBytes` each. A
///   heartbeat (`{}`) goes out after `heartbeatInterval` without a request.
/// - Lines carry offsets counted over the journal, so a request that is retried, re-sent after a
///   restart, or re-sent by `cohort sync` rewrites the same lines and never adds rows.
/// - A request that failed for good (the transport gave up) goes back to the front of the queue and
///   is tried again after `retryDelay`; nothing is dropped.
/// - Run files: `now` files are uploaded once, `live` files whenever they change (checked every
///   `batchInterval`) and at the end, `end` files and the run's own files at the end.
/// - Artifacts are uploaded one at a time in journal order, each once (`cursor.artifacts`); one that
///   failed is tried again after `retryDelay`.
/// - The final request (`complete` + exit code) goes out when the journal's last finish record has
///   been read, every line before it is acknowledged and no upload or artifact is running.
///
/// Its configuration, actions and alert requests are in `SenderStateMachine+Types.swift`.
package struct SenderStateMachine: Sendable {
    /// The run's own files, uploaded at the end when they exist.
    static let runFiles = ["wandb-summary.json", "config.yaml", "wandb-metadata.json", "output.log"]

    let configuration: Configuration
    private(set) var cursor: SenderCursor
    /// The run exists on the server (the first upsert succeeded).
    private(set) var runCreated: Bool

    var upsert: RunUpsert?
    var upsertPending = false
    var upsertInFlight = false

    // Lines produced from the journal in this pass, and those waiting to be sent.
    var historySeen = 0
    var outputSeen = 0
    var pendingHistory: [String] = []
    var pendingOutput: [String] = []
    var pendingSummary: String?
    var pendingUploaded: [String] = []
    var pendingPreempting = false
    var alertsSeen = 0
    var pendingAlerts: [AlertRequest] = []
    var alertInFlight = false
    var artifactsSeen = 0
    var pendingArtifacts: [ArtifactRecord] = []
    var artifactInFlight: ArtifactRecord?
    var pendingBytes = 0
    var console = ConsoleLines()

    var inFlight: FileStreamRequest?
    var lastPost: ContinuousClock.Instant?
    var retryAfter: ContinuousClock.Instant?
    var stopSaid = false

    // Run files.
    var liveFiles: Set<String> = []
    var endFiles: Set<String> = []
    var uploadsInFlight: Set<String> = []
    var uploadsWanted: Set<String> = []
    var lastLiveCheck: ContinuousClock.Instant?

    // Finishing.
    var finishesSeen = 0
    /// The exit code of the last finish record read, while no record has followed it.
    var finishedWith: Int32?
    var caughtUp = false
    var endUploadsRequested = false
    var finalInFlight = false
    var journalFinal = false
    private(set) var isDone = false

    /// Creates a machine.
    /// - Parameters:
    ///   - cursor: what the server acknowledged before (from the saved cursor, or empty).
    ///   - runCreated: the owner already created the run (a live run upserts before training starts).
    init(configuration: Configuration = .init(), cursor: SenderCursor = .init(), runCreated: Bool) {
        self.configuration = configuration
        self.cursor = cursor
        self.runCreated = runCreated
    }

    /// The run as the journal describes it so far (identity, settings, config).
    var run: RunUpsert? { upsert }

    /// What is not acknowledged yet, for the message `finish` prints when its deadline passes.
    var unsent: (historyLines: Int, outputLines: Int, files: Int, final: Bool) {
        (pendingHistory.count + (inFlight?.history?.lines.count ?? 0),
         pendingOutput.count + (inFlight?.output?.lines.count ?? 0),
         uploadsInFlight.count + uploadsWanted.count + pendingArtifacts.count + (artifactInFlight == nil ? 0 : 1), !isDone)
    }

    /// Whether the owner should read more of the journal now.
    var wantsRecords: Bool { pendingBytes < configuration.maximumPendingBytes && !isDone }

    // MARK: Inputs

    /// Takes the next records of the journal, in order.
    mutating func consume(_ records: some Sequence<JournalRecord>) {
        for record in records { consume(record) }
    }

    private mutating func consume(_ record: JournalRecord) {
        caughtUp = false
        if record.kind != .finish { finishedWith = nil }
        let payload = record.payload
        switch record.kind {
        case .runStart, .resume:
            applyIdentity(payload)
        case .runUpdate:
            if var next = upsert {
                if let name = payload["name"]?.stringValue { next.displayName = name }
                if let notes = payload["notes"]?.stringValue { next.notes = notes }
                if let tags = payload["tags"]?.arrayValue { next.tags = tags.compactMap(\.stringValue) }
                setUpsert(next)
            }
        case .config:
            if var next = upsert, let config = payload["config"]?.objectValue {
                next.config = config
                setUpsert(next)
            }
        case .history:
            historySeen += 1
            if historySeen > cursor.historyLines {
                let line = JSONWriter.string(payload)
                pendingHistory.append(line)
                pendingBytes += Self.size(of: line)
            }
        case .summary:
            if let summary = payload["summary"] {
                let line = JSONWriter.string(summary)
                pendingBytes += Self.size(of: line) - (pendingSummary.map(Self.size(of:)) ?? 0)
                pendingSummary = line
            }
        case .output:
            let lines = console.add(
                payload["text"]?.stringValue ?? "", stream: payload["stream"]?.stringValue ?? "stdout",
                time: payload["time"]?.number ?? 0)
            addOutput(lines)
        case .file:
            guard let path = payload["path"]?.stringValue else { break }
            switch payload["policy"]?.stringValue {
            case "live": liveFiles.insert(path); uploadsWanted.insert(path)
            case "end": endFiles.insert(path)
            default: uploadsWanted.insert(path)
            }
        case .preempting:
            pendingPreempting = true
        case .finish:
            finishesSeen += 1
            finishedWith = Int32(truncatingIfNeeded: payload["exit_code"]?.intValue ?? 0)
        case .alert:
            alertsSeen += 1
            if alertsSeen > cursor.alerts {
                pendingAlerts.append(AlertRequest(
                    title: payload["title"]?.stringValue ?? "", text: payload["text"]?.stringValue ?? "",
                    level: payload["level"]?.stringValue ?? "INFO", waitDurationMilliseconds: payload["wait_duration_ms"]?.intValue ?? 60_000))
            }
        case .artifact:
            artifactsSeen += 1
            // An unreadable record reads as an empty one, which the backend refuses for good: it is
            // given up on in its turn, so the count stays in step with the journal.
            if artifactsSeen > cursor.artifacts { pendingArtifacts.append(ArtifactRecord(json: payload)) }
        case .summaryUpdate, .metric, .groupEvent, .unknown:
            break  // the summary snapshots carry the summary; the rest is not streamed
        }
    }

    /// The owner has read the journal to its current end.
    mutating func caughtUpWithJournal() { caughtUp = true }

    /// The journal will not grow (`cohort sync` of a run no process writes): once everything read
    /// is acknowledged the machine is done, even without a finish record (a crashed run stays
    /// unfinished on the server, which marks it crashed).
    mutating func journalIsFinal() { journalFinal = true }

    mutating func upsertSucceeded() {
        upsertInFlight = false
        runCreated = true
    }

    mutating func upsertFailed(now: ContinuousClock.Instant) {
        upsertInFlight = false
        upsertPending = true
        retryAfter = now + configuration.retryDelay
    }

    /// The file_stream request in flight was acknowledged.
    /// - Parameter stopped: the server answered `{"stopped": true}`.
    mutating func postSucceeded(stopped: Bool) -> [Action] {
        guard let request = inFlight else { return [] }
        inFlight = nil
        cursor.historyLines += request.history?.lines.count ?? 0
        cursor.outputLines += request.output?.lines.count ?? 0
        if finalInFlight {
            finalInFlight = false
            cursor.completedFinishes = finishesSeen
            isDone = true
        }
        var actions: [Action] = [.persist(cursor)]
        if stopped && !stopSaid {
            stopSaid = true
            actions.append(.stopRequested)
        }
        if isDone { actions.append(.finished) }
        return actions
    }

    /// The file_stream request in flight failed for good: its contents wait at the front of the queue.
    mutating func postFailed(now: ContinuousClock.Instant) {
        guard let request = inFlight else { return }
        inFlight = nil
        finalInFlight = false
        pendingHistory = (request.history?.lines ?? []) + pendingHistory
        pendingOutput = (request.output?.lines ?? []) + pendingOutput
        if pendingSummary == nil { pendingSummary = request.summary?.lines.last }
        pendingUploaded = request.uploaded + pendingUploaded
        pendingPreempting = pendingPreempting || request.preempting
        pendingBytes += Self.size(of: request)
        retryAfter = now + configuration.retryDelay
    }

    /// The alert in flight was sent (or given up on).
    mutating func alertDone() -> [Action] {
        guard alertInFlight else { return [] }
        alertInFlight = false
        cursor.alerts += 1
        return [.persist(cursor)]
    }

    /// The artifact in flight is on the server (or was given up on for good): never sent again.
    mutating func artifactDone() -> [Action] {
        guard artifactInFlight != nil else { return [] }
        artifactInFlight = nil
        cursor.artifacts += 1
        return [.persist(cursor)]
    }

    /// The artifact in flight failed (the server could not be reached): it is sent again after
    /// `retryDelay`, before any later artifact.
    mutating func artifactFailed(now: ContinuousClock.Instant) {
        guard let artifact = artifactInFlight else { return }
        artifactInFlight = nil
        pendingArtifacts.insert(artifact, at: 0)
        retryAfter = now + configuration.retryDelay
    }

    mutating func uploadFinished(_ path: String, fingerprint: String) -> [Action] {
        uploadsInFlight.remove(path)
        cursor.uploaded[path] = fingerprint
        pendingUploaded.append(path)
        return [.persist(cursor)]
    }

    /// The file was unchanged since its last upload, or does not exist.
    mutating func uploadSkipped(_ path: String) { uploadsInFlight.remove(path) }

    /// The upload failed for good; it is asked for again at the next check.
    mutating func uploadFailed(_ path: String, now: ContinuousClock.Instant) {
        uploadsInFlight.remove(path)
        uploadsWanted.insert(path)
        retryAfter = now + configuration.retryDelay
    }

    // MARK: Deciding

    /// What to do now. Call after every input and on a periodic tick.
    mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        guard !isDone else { return [] }
        if let retryAfter, now < retryAfter { return [] }
        retryAfter = nil
        var actions: [Action] = []
        if upsertPending && !upsertInFlight, let upsert {
            upsertPending = false
            upsertInFlight = true
            actions.append(.upsertRun(upsert))
        }
        guard runCreated else { return actions }
        if !alertInFlight, !pendingAlerts.isEmpty {
            alertInFlight = true
            actions.append(.sendAlert(pendingAlerts.removeFirst()))
        }
        if artifactInFlight == nil, !pendingArtifacts.isEmpty {
            let artifact = pendingArtifacts.removeFirst()
            artifactInFlight = artifact
            actions.append(.logArtifact(artifact))
        }
        actions += uploads(now: now)
        if let request = nextRequest(now: now) {
            inFlight = request
            lastPost = now
            actions.append(.post(request))
        } else if nothingLeft {
            isDone = true
            actions.append(.finished)
        }
        return actions
    }

    /// Everything read is acknowledged and nothing more will come: the run completed on the server
    /// before (read again by `cohort sync` or a resume), or the journal is final without a finish.
    var nothingLeft: Bool {
        guard caughtUp, runCreated, inFlight == nil, !upsertPending, !upsertInFlight, uploadsInFlight.isEmpty,
              uploadsWanted.isEmpty, pendingHistory.isEmpty, pendingOutput.isEmpty, pendingSummary == nil,
              pendingUploaded.isEmpty, !pendingPreempting, pendingAlerts.isEmpty, !alertInFlight, !artifactsBusy
        else { return false }
        if finishedWith != nil { return finishesSeen <= cursor.completedFinishes }
        return journalFinal && endUploadsRequested
    }

    private mutating func uploads(now: ContinuousClock.Instant) -> [Action] {
        if (finishing || (journalFinal && caughtUp && finishedWith == nil)) && !endUploadsRequested {
            endUploadsRequested = true
            uploadsWanted.formUnion(endFiles)
            uploadsWanted.formUnion(liveFiles)
            uploadsWanted.formUnion(Self.runFiles)
        } else if !liveFiles.isEmpty, lastLiveCheck.map({ now >= $0 + configuration.batchInterval }) ?? true {
            lastLiveCheck = now
            uploadsWanted.formUnion(liveFiles)
        }
        let paths = uploadsWanted.subtracting(uploadsInFlight).sorted()
        uploadsWanted.removeAll()
        guard !paths.isEmpty else { return [] }
        uploadsInFlight.formUnion(paths)
        return [.upload(paths)]
    }

    /// An artifact is waiting or being uploaded (the final request waits for it, as W&B's does).
    private var artifactsBusy: Bool { artifactInFlight != nil || !pendingArtifacts.isEmpty }

    /// The journal ended with a finish record that was read to its end.
    var finishing: Bool { finishedWith != nil && caughtUp && finishesSeen > cursor.completedFinishes }

    private mutating func nextRequest(now: ContinuousClock.Instant) -> FileStreamRequest? {
        guard inFlight == nil else { return nil }
        if finishing || (journalFinal && caughtUp) {
            addOutput(console.flush())
        }
        let hasData = !pendingHistory.isEmpty || !pendingOutput.isEmpty || pendingSummary != nil
            || !pendingUploaded.isEmpty || pendingPreempting
        let due = lastPost.map { now >= $0 + configuration.batchInterval } ?? true
        let full = pendingBytes >= configuration.maximumRequestBytes
        if hasData && (due || full || finishing || journalFinal) {
            var request = takeBatch()
            if finishing && pendingBytes == 0 && pendingHistory.isEmpty && pendingOutput.isEmpty && uploadsInFlight.isEmpty && !artifactsBusy {
                request.complete = true
                request.exitCode = finishedWith
                finalInFlight = true
            }
            return request
        }
        if finishing && uploadsInFlight.isEmpty && !artifactsBusy {
            var request = FileStreamRequest()
            request.complete = true
            request.exitCode = finishedWith
            finalInFlight = true
            return request
        }
        if let lastPost, now >= lastPost + configuration.heartbeatInterval {
            return FileStreamRequest()
        }
        return nil
    }
}
