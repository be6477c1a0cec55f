import CohortModel
import CohortTransport
import Foundation
import Logging

/// Uploads runs that were written offline, or whose live upload did not finish, to a W&B-compatible
/// server: what `cohort sync` does. The server gets exactly what it has not acknowledged yet (the
/// run directory keeps a cursor), so syncing a run twice sends nothing twice.
///
/// ```swift
/// let result = try await RunSync.sync(runDirectory: "cohort/offline-run-20261129_080000-abc12345")
/// print(result.url ?? "")
/// ```
public enum RunSync {
    /// What a sync of one run did.
    public struct Result: Sendable {
        /// The run's directory.
        public var runDirectory: String
        /// The run id.
        public var runID: String
        /// Whether the server now has everything in the run's journal.
        public var complete: Bool
        /// Why not, when `complete` is false.
        public var problem: String?
        /// The run's page on the server.
        public var url: String?
    }

    /// What is left to send, reported while a sync runs.
    public struct Progress: Sendable {
        /// History rows read but not yet acknowledged.
        public var historyLines: Int
        /// Console lines read but not yet acknowledged.
        public var outputLines: Int
        /// Files waiting for or in upload.
        public var files: Int
    }

    /// Sends one run directory's journal.
    /// - Parameters:
    ///   - runDirectory: a run directory (holding `run-<id>.journal`).
    ///   - settings: the server (`baseURL`) and key (`apiKey`, else `cohort login`'s netrc entry).
    ///   - progress: called about every `progressInterval` while the sync runs.
    /// - Throws: `CohortError` `.journal` when the directory holds no journal, `.unauthorized` when
    ///   the key is missing or refused.
    public static func sync(
        runDirectory: String, settings: Settings = .fromEnvironment(), progressInterval: Duration = .milliseconds(500),
        progress: (@Sendable (Progress) -> Void)? = nil
    ) async throws(CohortError) -> Result {
        let journalPath = try journal(in: runDirectory)
        let connection = try await OnlineSession.connect(settings: settings, logger: settings.logger)
        defer { connection.http.shutdown() }
        let backend = WandbSenderBackend(
            client: connection.client, entity: settings.entity ?? connection.defaultEntity, artifacts: settings.artifactUpload,
            onArtifactProgress: settings.onArtifactProgress)
        var configuration = RunSender.Configuration()
        configuration.journalIsFinal = true
        configuration.maximumConsecutiveFailures = 3
        configuration.machine.batchInterval = .zero
        configuration.pollInterval = .milliseconds(20)
        let sender = RunSender(
            runDirectory: runDirectory, journalPath: journalPath, backend: backend, runCreated: false,
            configuration: configuration, logger: settings.logger)
        let outcome = await withTaskGroup(of: RunSender.Outcome?.self) { group in
            group.addTask { await sender.run() }
            if let progress {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: progressInterval)  // cancelled when the sender is done
                        let left = sender.unsent
                        progress(Progress(historyLines: left.historyLines, outputLines: left.outputLines, files: left.files))
                    }
                    return nil
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .interrupted
        }
        let runID = String(((journalPath as NSString).lastPathComponent).dropFirst("run-".count).dropLast(".journal".count))
        var result = Result(runDirectory: runDirectory, runID: runID, complete: outcome == .complete, problem: nil, url: nil)
        switch outcome {
        case .complete: break
        case .interrupted: result.problem = "the server did not take everything; run `cohort sync` again later"
        case .journalDamaged(let reason): result.problem = reason
        }
        if let entity = backend.entity, let project = project(of: journalPath) {
            result.url = connection.urls.run(entity: entity, project: project, runID: runID)
        }
        return result
    }

    /// The run directories under `<dir>/cohort/` (offline and online runs), oldest first.
    public static func runDirectories(under dir: String) -> [String] {
        let root = dir + "/cohort"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []  // no cohort/ directory: no runs
        return names.filter { $0.hasPrefix("run-") || $0.hasPrefix("offline-run-") }
            .sorted { $0.split(separator: "-").dropFirst().joined() < $1.split(separator: "-").dropFirst().joined() }
            .map { root + "/" + $0 }
    }

    private static func journal(in runDirectory: String) throws(CohortError) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []  // reported below
        guard let name = names.first(where: { $0.hasPrefix("run-") && $0.hasSuffix(".journal") }) else {
            throw CohortError(.journal, "\(runDirectory) holds no run journal (run-<id>.journal); pass a run directory such as cohort/offline-run-…")
        }
        return runDirectory + "/" + name
    }

    /// The project named in the journal's first record.
    private static func project(of journalPath: String) -> String? {
        var follower = JournalFollower(path: journalPath)
        return (try? follower.read(maximumBytes: 64 << 10))?.records.first?.payload["project"]?.stringValue  // only for the URL
    }
}
