import CohortModel

extension SenderStateMachine {
    /// Timing and size limits, with the documented defaults.
    package struct Configuration: Sendable {
        /// The least time between two file_stream requests. Default 5 s (the official client: 15 s).
        package var batchInterval: Duration = .seconds(5)
        /// A heartbeat goes out after this long without a request. Default 30 s.
        package var heartbeatInterval: Duration = .seconds(30)
        /// The largest request body, roughly (lines are never split). Default 8 MiB.
        package var maximumRequestBytes = 8 << 20
        /// Past this many bytes waiting, `wantsRecords` turns false and the owner stops reading the
        /// journal until requests drain (the journal is the queue). Default 64 MiB.
        package var maximumPendingBytes = 64 << 20
        /// How long to wait before sending again after a request failed for good. Default 10 s.
        package var retryDelay: Duration = .seconds(10)

        package init() {}
    }

    /// Something the owner must do.
    enum Action: Sendable, Equatable {
        /// Create or update the run on the server; report `upsertSucceeded` or `upsertFailed`.
        case upsertRun(RunUpsert)
        /// Send a file_stream request; report `postSucceeded(stopped:)` or `postFailed`.
        case post(FileStreamRequest)
        /// Upload these run files (paths inside the run's `files/`) unless the copy on the server has
        /// the same fingerprint; report each with `uploadFinished`, `uploadSkipped` or `uploadFailed`.
        case upload([String])
        /// Send an alert; report `alertDone()` (sent, or given up on: alerts are never retried forever).
        case sendAlert(AlertRequest)
        /// Upload an artifact version; report `artifactDone()` (committed, already stored, or given up
        /// on for good) or `artifactFailed(now:)` (try again later).
        case logArtifact(ArtifactRecord)
        /// Save the cursor (after an acknowledgement).
        case persist(SenderCursor)
        /// The server asked the run to stop (`{"stopped": true}`); said once.
        case stopRequested
        /// Everything is acknowledged, the final request included.
        case finished
    }

    /// An alert as the journal recorded it.
    package struct AlertRequest: Sendable, Equatable {
        package var title: String
        package var text: String
        /// `INFO`, `WARN` or `ERROR`.
        package var level: String
        package var waitDurationMilliseconds: Int64
    }
}
