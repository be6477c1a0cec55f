import CohortModel
import Foundation
package import Logging
import Synchronization

/// Streams one run's journal to a W&B-compatible server: reads the journal as it grows, runs a
/// `SenderStateMachine`, performs its requests through a `SenderBackend`, and saves the cursor
/// beside the journal after every acknowledgement.
///
/// `run()` returns when the server has acknowledged the run's final request (the journal ends
/// with a finish record), or when its task is cancelled (what was not acknowledged stays in the
/// journal and the cursor says where to continue: `cohort sync` or the next resume sends it).
///
/// ```swift
/// let sender = RunSender(runDirectory: dir, journalPath: journal, backend: backend, runCreated: false)
/// let outcome = await sender.run()      // cohort sync: until the run is complete on the server
/// ```
package final class RunSender: Sendable {
    /// How `run()` ended.
    package enum Outcome: Sendable, Equatable {
        /// The server acknowledged everything, the final request included.
        case complete
        /// The task was cancelled (a deadline passed) before everything was acknowledged.
        case interrupted
        /// The journal cannot be read past a point; what came before it was sent.
        case journalDamaged(String)
    }

    /// Settings of a sender.
    package struct Configuration: Sendable {
        /// The state machine's timing and size limits.
        package var machine = SenderStateMachine.Configuration()
        /// How often the journal is read and the machine ticked. Default 200 ms.
        package var pollInterval: Duration = .milliseconds(200)
        /// The most run-file uploads at once. Default 4.
        package var parallelUploads = 4
        /// The journal will not grow (`cohort sync`): stop once everything read is acknowledged.
        package var journalIsFinal = false
        /// Give up (`.interrupted`) after this many requests in a row failed for good (each after the
        /// transport's own retries); `nil` never gives up (a live run keeps trying until `finish`).
        package var maximumConsecutiveFailures: Int?

        package init() {}
    }

    let runDirectory: String
    let filesDirectory: String
    let journalPath: String
    let backend: any SenderBackend
    let configuration: Configuration
    let logger: Logger
    private let initialCursor: SenderCursor
    private let runCreated: Bool
    /// What is still unsent, updated as the sender goes (read by `finish` for its message).
    private let progress = Mutex<(historyLines: Int, outputLines: Int, files: Int, final: Bool)>((0, 0, 0, true))
    private let stopSignal = Mutex<(@Sendable () -> Void)?>(nil)

    /// Creates a sender.
    /// - Parameters:
    ///   - runDirectory: the run's directory (its `files/` are uploaded; the cursor is saved there).
    ///   - journalPath: the run's journal.
    ///   - backend: the server.
    ///   - runCreated: the caller already created the run on the server (a live run does so before
    ///     training starts); otherwise the sender upserts it first.
    package init(
        runDirectory: String, journalPath: String, backend: any SenderBackend, runCreated: Bool,
        configuration: Configuration = .init(), logger: Logger = Logger(label: "cohort.sender")
    ) {
        self.runDirectory = runDirectory
        self.filesDirectory = runDirectory + "/files"
        self.journalPath = journalPath
        self.backend = backend
        self.runCreated = runCreated
        self.configuration = configuration
        self.logger = logger
        self.initialCursor = Self.loadCursor(runDirectory: runDirectory)
    }

    /// Called once when the server asks the run to stop.
    package func onStopRequested(_ action: @escaping @Sendable () -> Void) { stopSignal.withLock { $0 = action } }

    /// What was not acknowledged when last looked at.
    package var unsent: (historyLines: Int, outputLines: Int, files: Int, final: Bool) { progress.withLock { $0 } }

    /// The cursor saved in `runDirectory`, or an empty one.
    static func loadCursor(runDirectory: String) -> SenderCursor {
        guard let data = FileManager.default.contents(atPath: runDirectory + "/" + SenderCursor.fileName),
              let json = try? JSONParser.parse([UInt8](data))  // an unreadable cursor only means sending again from the start
        else { return SenderCursor() }
        return SenderCursor(json: json)
    }

    /// Events that wake the loop.
    private enum Event: Sendable {
        case tick
        case upserted(Bool)
        case posted(stopped: Bool?)
        case uploaded(path: String, fingerprint: String?, failed: Bool)
        case alerted
        /// An artifact ended: on the server or given up on (`retry` false), or to send again.
        case artifactLogged(retry: Bool)
    }

    /// Sends until the run is complete on the server or the task is cancelled.
    package func run() async -> Outcome {
        var machine = SenderStateMachine(configuration: configuration.machine, cursor: initialCursor, runCreated: runCreated)
        if configuration.journalIsFinal { machine.journalIsFinal() }
        var failures = 0
        var follower = JournalFollower(path: journalPath)
        let clock = ContinuousClock()
        var damaged: String?
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .tick }
            var uploadQueue: [String] = []
            var uploadsRunning = 0
            while let event = await group.next() {
                if Task.isCancelled { group.cancelAll(); break }
                let now = clock.now
                var actions: [SenderStateMachine.Action] = []
                switch event {
                case .tick:
                    if damaged == nil { damaged = Self.readJournal(&follower, into: &machine, logger: logger) }
                    let interval = configuration.pollInterval
                    group.addTask {
                        try? await Task.sleep(for: interval)  // a cancelled sleep ends the loop at the next event
                        return .tick
                    }
                case .upserted(let succeeded):
                    failures = succeeded ? 0 : failures + 1
                    if succeeded { machine.upsertSucceeded() } else { machine.upsertFailed(now: now) }
                case .posted(let stopped):
                    failures = stopped != nil ? 0 : failures + 1
                    if let stopped { actions += machine.postSucceeded(stopped: stopped) } else { machine.postFailed(now: now) }
                case .alerted:
                    actions += machine.alertDone()
                case .artifactLogged(let retry):
                    if retry {
                        failures += 1
                        machine.artifactFailed(now: now)
                    } else {
                        failures = 0
                        actions += machine.artifactDone()
                    }
                case .uploaded(let path, let fingerprint, let failed):
                    uploadsRunning -= 1
                    if failed { failures += 1 }
                    if failed {
                        machine.uploadFailed(path, now: now)
                    } else if let fingerprint {
                        actions += machine.uploadFinished(path, fingerprint: fingerprint)
                    } else {
                        machine.uploadSkipped(path)
                    }
                }
                actions += machine.tick(now: now)
                for action in actions {
                    switch action {
                    case .upsertRun(let run):
                        group.addTask { [backend] in
                            do throws(CohortError) {
                                try await backend.upsertRun(run)
                                return .upserted(true)
                            } catch {
                                self.logger.warning("sender: cannot create or update the run; retrying later", metadata: ["error": "\(error)"])
                                return .upserted(false)
                            }
                        }
                    case .post(let request):
                        guard let run = machine.run else { continue }
                        group.addTask { [backend] in
                            do throws(CohortError) {
                                return .posted(stopped: try await backend.postFileStream(request, run: run))
                            } catch {
                                self.logger.warning("sender: a file_stream request failed; it will be sent again", metadata: ["error": "\(error)"])
                                return .posted(stopped: nil)
                            }
                        }
                    case .sendAlert(let alert):
                        guard let run = machine.run else { continue }
                        group.addTask { [backend] in
                            do throws(CohortError) {
                                try await backend.sendAlert(alert, run: run)
                            } catch {
                                // As in W&B: an alert the server refuses is logged, never raised or retried forever.
                                self.logger.warning("sender: an alert was not delivered", metadata: ["title": "\(alert.title)", "error": "\(error)"])
                            }
                            return .alerted
                        }
                    case .logArtifact(let artifact):
                        guard let run = machine.run else { continue }
                        group.addTask { await self.logArtifact(artifact, run: run) }
                    case .upload(let paths):
                        uploadQueue += paths
                    case .persist(let cursor):
                        saveCursor(cursor)
                    case .stopRequested:
                        if let stop = stopSignal.withLock({ $0 }) { stop() }
                    case .finished:
                        break
                    }
                }
                while uploadsRunning < configuration.parallelUploads, !uploadQueue.isEmpty, let run = machine.run {
                    let path = uploadQueue.removeFirst()
                    let cursor = machine.cursor
                    uploadsRunning += 1
                    group.addTask { await self.upload(path, run: run, cursor: cursor) }
                }
                progress.withLock { $0 = machine.unsent }
                if let limit = configuration.maximumConsecutiveFailures, failures >= limit {
                    logger.error("sender: giving up after repeated failures; what is unsent stays in the journal", metadata: ["failures": "\(failures)"])
                    group.cancelAll()
                    return .interrupted
                }
                if machine.isDone {
                    group.cancelAll()
                    return .complete
                }
                if let damaged, machine.unsent.historyLines == 0, machine.unsent.outputLines == 0 {
                    group.cancelAll()
                    return .journalDamaged(damaged)
                }
            }
            return .interrupted
        }
    }

    /// Feeds the machine what the journal gained; returns a message when the journal is damaged.
    private static func readJournal(_ follower: inout JournalFollower, into machine: inout SenderStateMachine, logger: Logger) -> String? {
        while machine.wantsRecords {
            let batch: JournalFollower.Batch
            do throws(CohortError) {
                batch = try follower.read()
            } catch {
                logger.error("sender: the journal cannot be read further", metadata: ["error": "\(error)"])
                return error.message
            }
            machine.consume(batch.records)
            if batch.atEnd {
                machine.caughtUpWithJournal()
                return nil
            }
        }
        return nil
    }

    /// Uploads one run file unless the server has the same copy (same size and modification time).
    private func upload(_ path: String, run: RunUpsert, cursor: SenderCursor) async -> Event {
        let localPath = filesDirectory + "/" + path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: localPath),  // a missing file is skipped
              let size = attributes[.size] as? NSNumber
        else { return .uploaded(path: path, fingerprint: nil, failed: false) }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let fingerprint = "\(size.int64Value):\(modified)"
        if cursor.uploaded[path] == fingerprint { return .uploaded(path: path, fingerprint: nil, failed: false) }
        do throws(CohortError) {
            try await backend.uploadRunFile(path: path, localPath: localPath, run: run)
            return .uploaded(path: path, fingerprint: fingerprint, failed: false)
        } catch {
            logger.warning("sender: a run file upload failed; it will be tried again", metadata: ["file": "\(path)", "error": "\(error)"])
            return .uploaded(path: path, fingerprint: nil, failed: true)
        }
    }

    /// Uploads one artifact version; a local problem (a file gone) is logged and never retried.
    private func logArtifact(_ artifact: ArtifactRecord, run: RunUpsert) async -> Event {
        do throws(CohortError) {
            try await backend.logArtifact(artifact, run: run, statePath: ArtifactUploadState.path(runDirectory: runDirectory))
            return .artifactLogged(retry: false)
        } catch where error.code == .server {
            logger.warning("sender: an artifact upload failed; it will be tried again", metadata: ["artifact": "\(artifact.name)", "error": "\(error)"])
            return .artifactLogged(retry: true)
        } catch {
            logger.error("sender: an artifact cannot be uploaded and is skipped", metadata: ["artifact": "\(artifact.name)", "error": "\(error)"])
            return .artifactLogged(retry: false)
        }
    }

    private func saveCursor(_ cursor: SenderCursor) {
        do {
            try AtomicFile.write(JSONWriter.bytes(cursor.json), to: runDirectory + "/" + SenderCursor.fileName)
        } catch {
            // Not fatal: a stale cursor only makes a later sync re-send lines at their old offsets.
            logger.warning("sender: cannot save the send cursor", metadata: ["error": "\(error)"])
        }
    }
}
