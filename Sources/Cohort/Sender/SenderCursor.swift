import CohortModel

/// How much of a run the server has acknowledged, counted over the run's journal. The sender saves
/// it beside the journal (`<run dir>/cohort-sender.json`) after every acknowledged request, so a
/// restarted process, a resumed run or `cohort sync` sends only what the server has not confirmed.
///
/// Counts are of lines produced from the journal in order, so they stay meaningful however often
/// the journal is re-read. A cursor that is behind the server (saved just before a crash) only
/// makes the sender re-send lines at their old offsets, which the server takes as a retry.
struct SenderCursor: Sendable, Equatable {
    /// History lines the server held before this run directory's journal began (a run resumed
    /// online from another machine): the journal's first row goes at this offset.
    var historyBase = 0
    /// Console lines the server held before this journal began.
    var outputBase = 0
    /// History rows (`wandb-history.jsonl` lines) of this journal acknowledged.
    var historyLines = 0
    /// Console lines (`output.log`) acknowledged.
    var outputLines = 0
    /// Run files uploaded, with the fingerprint (size and modification time) of the copy sent.
    var uploaded: [String: String] = [:]
    /// Finish records whose final request (`complete` + exit code) was acknowledged.
    var completedFinishes = 0
    /// Alerts handed to the server (sent, or given up on after the retries).
    var alerts = 0
    /// Artifact records whose version is on the server (committed, or already stored), or given up on.
    var artifacts = 0

    /// The file name of the cursor inside the run directory.
    static let fileName = "cohort-sender.json"

    init() {}

    /// The cursor as JSON.
    var json: JSONValue {
        [
            "history_base": .int(Int64(historyBase)), "output_base": .int(Int64(outputBase)),
            "history_lines": .int(Int64(historyLines)), "output_lines": .int(Int64(outputLines)),
            "uploaded": .object(uploaded.mapValues(JSONValue.string)),
            "completed_finishes": .int(Int64(completedFinishes)), "alerts": .int(Int64(alerts)),
            "artifacts": .int(Int64(artifacts)),
        ]
    }

    /// Reads a cursor written by `json`; fields that are missing or of the wrong type read as zero.
    init(json: JSONValue) {
        historyBase = Int(json["history_base"]?.intValue ?? 0)
        outputBase = Int(json["output_base"]?.intValue ?? 0)
        historyLines = Int(json["history_lines"]?.intValue ?? 0)
        outputLines = Int(json["output_lines"]?.intValue ?? 0)
        completedFinishes = Int(json["completed_finishes"]?.intValue ?? 0)
        alerts = Int(json["alerts"]?.intValue ?? 0)
        artifacts = Int(json["artifacts"]?.intValue ?? 0)
        for (path, fingerprint) in json["uploaded"]?.objectValue ?? [:] {
            if let fingerprint = fingerprint.stringValue { uploaded[path] = fingerprint }
        }
    }
}
