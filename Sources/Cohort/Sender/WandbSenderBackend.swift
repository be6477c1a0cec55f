import CohortModel
import CohortTransport
import Logging
import Synchronization

/// The sender's server: CohortTransport's W&B API client (libcurl, the transport's retry policy).
final class WandbSenderBackend: SenderBackend {
    let client: WandbAPIClient
    /// The entity the server put the run in (known after the first upsert when none was given).
    private let resolvedEntity: Mutex<String?>

    /// The entity the run is in, once known.
    var entity: String? { resolvedEntity.withLock { $0 } }

    /// How artifacts are uploaded.
    let artifacts: ArtifactUploader.Configuration
    /// Told how far artifact uploads have come.
    let onArtifactProgress: (@Sendable (ArtifactTransferProgress) -> Void)?
    let logger: Logger

    init(
        client: WandbAPIClient, entity: String?, artifacts: ArtifactUploader.Configuration = .init(),
        onArtifactProgress: (@Sendable (ArtifactTransferProgress) -> Void)? = nil, logger: Logger = Logger(label: "cohort.sender")
    ) {
        self.client = client
        self.resolvedEntity = Mutex(entity)
        self.artifacts = artifacts
        self.onArtifactProgress = onArtifactProgress
        self.logger = logger
    }

    func logArtifact(_ artifact: ArtifactRecord, run: RunUpsert, statePath: String?) async throws(CohortError) {
        var uploader = ArtifactUploader(client: client, configuration: artifacts, logger: logger)
        uploader.onProgress = onArtifactProgress
        try await uploader.upload(artifact, entity: try entity(of: run), run: run, statePath: statePath)
    }

    func upsertRun(_ run: RunUpsert) async throws(CohortError) {
        let answer: UpsertedRun
        do {
            answer = try await client.upsertRun(run)
        } catch {
            throw Self.cohortError(error)
        }
        resolvedEntity.withLock { $0 = answer.entity }
    }

    func postFileStream(_ request: FileStreamRequest, run: RunUpsert) async throws(CohortError) -> Bool {
        do {
            return try await client.postFileStream(entity: try entity(of: run), project: run.project, run: run.runID, request)
        } catch let error as WandbAPIError {
            throw Self.cohortError(error)
        } catch {
            throw error as? CohortError ?? CohortError(.server, "\(error)")
        }
    }

    func uploadRunFile(path: String, localPath: String, run: RunUpsert) async throws(CohortError) {
        do {
            let uploads = try await client.createRunFiles(entity: try entity(of: run), project: run.project, run: run.runID, paths: [path])
            guard let url = uploads.files.first(where: { $0.name == path })?.uploadURL else { return }  // the server does not want it
            try await client.upload(.file(path: localPath), to: url, headers: uploads.uploadHeaders)
        } catch let error as WandbAPIError {
            throw Self.cohortError(error)
        } catch {
            throw error as? CohortError ?? CohortError(.server, "\(error)")
        }
    }

    func sendAlert(_ alert: SenderStateMachine.AlertRequest, run: RunUpsert) async throws(CohortError) {
        do {
            _ = try await client.notifyAlert(
                entity: try entity(of: run), project: run.project, run: run.runID, title: alert.title, text: alert.text,
                level: CohortTransport.AlertLevel(rawValue: alert.level) ?? .info,
                waitDuration: .milliseconds(alert.waitDurationMilliseconds))
        } catch let error as WandbAPIError {
            throw Self.cohortError(error)
        } catch {
            throw error as? CohortError ?? CohortError(.server, "\(error)")
        }
    }

    private func entity(of run: RunUpsert) throws(CohortError) -> String {
        if let entity = run.entity ?? resolvedEntity.withLock({ $0 }) { return entity }
        throw CohortError(.server, "the run's entity is not known yet: the run has not been created on the server")
    }

    /// The client's error as the run reports it (the description never holds the key).
    static func cohortError(_ error: WandbAPIError) -> CohortError {
        switch error.kind {
        case .unauthorized, .forbidden:
            CohortError(.unauthorized, "\(error)")
        default:
            CohortError(.server, "\(error)")
        }
    }
}
