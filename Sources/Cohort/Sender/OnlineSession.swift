import CohortModel
import CohortTransport
import Foundation
import Logging
import Synchronization

/// A run's connection to its server in online mode: checks the key and creates the run before
/// training starts (as `wandb.init` does), then streams the journal with a `RunSender` until
/// `finish`, which waits for the upload up to a deadline.
///
/// A server that cannot be reached at start does not stop the run: it is logged to the journal as
/// always, and the sender creates the run on the server once it answers. A refused key does stop it.
final class OnlineSession: Sendable {
    /// The server and the key, checked.
    struct Connection: Sendable {
        let http: HTTPClient
        let client: WandbAPIClient
        let urls: WandbURLs
        /// The entity runs go to when they name none (from `Viewer`), if the server answered.
        let defaultEntity: String?
        let settings: Settings
    }

    let connection: Connection
    let sender: RunSender
    /// The entity the run is in, once known.
    let entity: String?
    /// The sender's task: the one unstructured task of a run, a documented bridge from the run's
    /// synchronous lifetime to the async sender; stored here and ended by `finish`.
    private let task: Task<RunSender.Outcome, Never>

    /// The default server.
    static let defaultBaseURL = "https://api.wandb.ai"

    /// Checks the credentials with the server (`Viewer`).
    /// - Throws: `CohortError` `.unauthorized` when there is no key or the server refuses it.
    static func connect(settings: Settings, logger: Logger) async throws(CohortError) -> Connection {
        let baseURL = (settings.baseURL ?? defaultBaseURL).trimmingSuffix("/")
        guard let key = settings.apiKey ?? Netrc.apiKey(baseURL: baseURL) else {
            throw CohortError(
                .unauthorized,
                "online mode needs an API key for \(baseURL): run `cohort login`, or set WANDB_API_KEY (or COHORT_API_KEY); or use mode offline and `cohort sync` later")
        }
        var configuration = HTTPClient.Configuration()
        configuration.caBundlePath = settings.caBundle
        let http = HTTPClient(configuration: configuration)
        let client = WandbAPIClient(credentials: WandbCredentials(baseURL: baseURL, apiKey: key), http: RetryingHTTPClient(client: http))
        let probe = WandbAPIClient(
            credentials: WandbCredentials(baseURL: baseURL, apiKey: key),
            http: RetryingHTTPClient(client: http, policy: initPolicy(settings)))
        var entity: String?
        do {
            entity = try await probe.viewer().entity
        } catch {
            switch error.kind {
            case .unauthorized, .forbidden, .graphQL:
                http.shutdown()
                throw WandbSenderBackend.cohortError(error)
            default:
                logger.warning(
                    "online: the server cannot be reached now; the run logs to its journal and is sent when the server answers",
                    metadata: ["error": "\(error)"])
            }
        }
        return Connection(http: http, client: client, urls: WandbURLs(baseURL: baseURL), defaultEntity: entity, settings: settings)
    }

    /// What the server holds of the run `id` (W&B's `RunResumeStatus`), for resuming a run whose
    /// directory is not on this machine; `nil` when the server has no such run.
    /// - Throws: `CohortError` `.server` when the server cannot answer (resume needs its answer).
    static func serverResumePoint(id: String, settings: Settings, connection: Connection) async throws(CohortError) -> ServerResumePoint? {
        let probe = WandbAPIClient(
            credentials: connection.client.credentials, http: RetryingHTTPClient(client: connection.http, policy: initPolicy(settings)))
        let state: RunResumeState?
        do {
            state = try await probe.runResumeStatus(
                entity: settings.entity ?? connection.defaultEntity, project: settings.project ?? "uncategorized", run: id)
        } catch {
            throw CohortError(.server, "resume: cannot ask the server about run \"\(id)\": \(error)")
        }
        guard let state else { return nil }
        let lastStep = state.lastHistoryRow?["_step"]?.intValue
        return ServerResumePoint(
            startingStep: lastStep.map { $0 + 1 } ?? 0, runtime: state.lastHistoryRow?["_runtime"]?.number ?? 0,
            summary: state.summary, config: state.config, name: state.displayName, notes: state.notes, tags: state.tags,
            historyLines: state.historyLineCount, outputLines: state.logLineCount)
    }

    /// Retries for calls made while `Run.start` waits: bounded by the init timeout.
    private static func initPolicy(_ settings: Settings) -> RetryPolicy {
        var configuration = RetryPolicy.Configuration()
        configuration.maxTotalTime = settings.initTimeout
        configuration.baseDelay = .milliseconds(500)
        configuration.maxDelay = .seconds(5)
        return RetryPolicy(configuration: configuration)
    }

    /// Creates the run on the server (within the init timeout) and starts streaming its journal.
    static func start(run: Run, connection: Connection, upsert: RunUpsert, logger: Logger) async -> OnlineSession {
        let probe = WandbAPIClient(
            credentials: connection.client.credentials,
            http: RetryingHTTPClient(client: connection.http, policy: initPolicy(connection.settings)))
        var entity = upsert.entity ?? connection.defaultEntity
        var created = false
        do {
            let answer = try await probe.upsertRun(upsert)
            entity = answer.entity
            created = true
        } catch {
            logger.warning("online: the run could not be created on the server yet; the sender keeps trying", metadata: ["error": "\(error)"])
        }
        var configuration = RunSender.Configuration()
        configuration.machine.batchInterval = connection.settings.fileStreamInterval
        let sender = RunSender(
            runDirectory: run.syncDir, journalPath: run.journalPath,
            backend: WandbSenderBackend(
                client: connection.client, entity: entity, artifacts: connection.settings.artifactUpload,
                onArtifactProgress: connection.settings.onArtifactProgress, logger: logger),
            runCreated: created,
            configuration: configuration, logger: logger)
        return OnlineSession(connection: connection, sender: sender, entity: entity)
    }

    private init(connection: Connection, sender: RunSender, entity: String?) {
        self.connection = connection
        self.sender = sender
        self.entity = entity
        task = Task { await sender.run() }
    }

    /// The run's page on the server, when its entity is known.
    func url(project: String, runID: String) -> String? {
        entity.map { connection.urls.run(entity: $0, project: project, runID: runID) }
    }

    /// The project's page on the server, when the entity is known.
    func projectURL(project: String) -> String? {
        entity.map { connection.urls.project(entity: $0, project: project) }
    }

    /// A sweep's page on the server, when the entity is known.
    func sweepURL(project: String, sweepID: String) -> String? {
        entity.map { connection.urls.sweep(entity: $0, project: project, sweepID: sweepID) }
    }

    /// Waits for the sender to send everything (the journal ends with the finish record), at most
    /// `deadline`, logging progress every few seconds; past the deadline it stops the sender and
    /// says exactly what is unsent and how to send it.
    func finish(deadline: Duration, runDirectory: String, logger: Logger) async -> RunSender.Outcome {
        let task = self.task
        let sender = self.sender
        let outcome = await withTaskGroup(of: RunSender.Outcome?.self) { group in
            group.addTask { await task.value }
            group.addTask {
                let started = ContinuousClock.now
                while ContinuousClock.now - started < deadline {
                    try? await Task.sleep(for: min(.seconds(5), deadline - (ContinuousClock.now - started)))  // cancelled when done
                    if Task.isCancelled { return nil }
                    let left = sender.unsent
                    if ContinuousClock.now - started < deadline {
                        logger.info("finish: uploading", metadata: [
                            "history.lines": "\(left.historyLines)", "output.lines": "\(left.outputLines)", "files": "\(left.files)",
                        ])
                    }
                }
                task.cancel()
                return nil
            }
            var result: RunSender.Outcome = .interrupted
            for await value in group {
                if let value {
                    result = value
                    group.cancelAll()
                }
            }
            return result
        }
        if outcome != .complete {
            let left = sender.unsent
            logger.warning(
                "finish: not everything reached the server; it is safe in the run's journal and `cohort sync \(runDirectory)` sends it",
                metadata: [
                    "history.lines": "\(left.historyLines)", "output.lines": "\(left.outputLines)", "files": "\(left.files)",
                    "final.request": "\(left.final ? "unsent" : "sent")", "outcome": "\(outcome)",
                ])
        }
        connection.http.shutdown()
        return outcome
    }
}

/// What the server holds of a run being resumed on a machine that has no directory for it.
struct ServerResumePoint: Sendable {
    var startingStep: Int64
    var runtime: Double
    var summary: [String: JSONValue]
    var config: [String: JSONValue]
    var name: String?
    var notes: String?
    var tags: [String]
    /// History and console lines the server holds: this machine's journal continues after them.
    var historyLines: Int
    var outputLines: Int
}

extension String {
    /// The string without one trailing `suffix`.
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
