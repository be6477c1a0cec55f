package import CohortModel

/// What the sender needs from a W&B-compatible server. `WandbSenderBackend` implements it over
/// CohortTransport's W&B API client; each call retries transient failures itself (the transport's
/// retry policy) and throws only when it gave up or the server refused for good.
package protocol SenderBackend: Sendable {
    /// Creates or updates the run (W&B's `UpsertBucket`).
    func upsertRun(_ run: RunUpsert) async throws(CohortError)
    /// Sends one file_stream request.
    /// - Returns: whether the server asked the run to stop (`{"stopped": true}`).
    func postFileStream(_ request: FileStreamRequest, run: RunUpsert) async throws(CohortError) -> Bool
    /// Uploads one run file: `path` inside the run's `files/`, read from `localPath`.
    func uploadRunFile(path: String, localPath: String, run: RunUpsert) async throws(CohortError)
    /// Sends an alert (W&B's `NotifyScriptableRunAlert`).
    func sendAlert(_ alert: SenderStateMachine.AlertRequest, run: RunUpsert) async throws(CohortError)
    /// Uploads and commits an artifact version (W&B's `CreateArtifact` … `CommitArtifact`); returns
    /// when the version is committed, or the collection already had one with the same digest.
    /// - Throws: `.server` when it may work later (try again); `.invalidArgument` or `.storage` when it never will.
    /// - Parameter statePath: where the upload keeps its progress, so an interrupted upload resumes.
    func logArtifact(_ artifact: ArtifactRecord, run: RunUpsert, statePath: String?) async throws(CohortError)
}
