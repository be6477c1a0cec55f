import CohortModel
import Foundation

/// How a run started by a launcher is named and grouped: every rank of one job gets its own run in
/// the job's group, named `<group>-rank<N>`, with a run id derived from the group and rank so that a
/// restarted job (Slurm requeue, torchrun restart) resumes the same runs instead of forking new ones.
/// Slurm array tasks (cross-validation folds) become `<group>-fold<N>` in the array's group.
///
/// Settings given explicitly always win; a process outside any launcher is left as it is.
struct RankIdentity: Sendable, Equatable {
    var group: String?
    var name: String?
    var runID: String?
    var resume: ResumePolicy?
    /// The `_cohort` config entry: the rank facts of the launch.
    var config: [String: JSONValue]?

    init(settings: Settings) {
        group = settings.group
        name = settings.name
        runID = settings.runID
        resume = settings.resume
        guard let launch = settings.launch else { return }
        let slot: (label: String, idSuffix: String, index: Int)?
        if launch.isDistributed, let rank = launch.rank {
            slot = ("rank\(rank)", "r\(rank)", rank)
        } else if let task = launch.arrayTaskID {
            slot = ("fold\(task)", "f\(task)", task)
        } else {
            slot = nil
        }
        guard let slot else { return }
        group = group ?? Self.launchGroup(launch)
        if let group {
            name = name ?? "\(group)-\(slot.label)"
            if runID == nil {
                runID = Self.safeID("\(group)-\(slot.idSuffix)")
                resume = resume ?? .allow  // a restart of the same job continues its runs
            }
        }
        config = Self.facts(launch)
    }

    /// The launcher's job id as a group name (`/` is not allowed in group names).
    static func launchGroup(_ launch: LaunchInfo) -> String? {
        launch.groupID.map { $0.replacingOccurrences(of: "/", with: "-") }
    }

    /// A run id made from `text`: characters W&B does not allow in ids become `-`.
    static func safeID(_ text: String) -> String {
        let cleaned = String(text.map { RunID.isForbidden($0) || $0 == " " ? "-" : $0 })
        return String(cleaned.prefix(128))
    }

    /// The launch facts every rank's config carries under `_cohort`.
    static func facts(_ launch: LaunchInfo) -> [String: JSONValue] {
        func number(_ value: Int?) -> JSONValue { value.map { .int(Int64($0)) } ?? .null }
        return [
            "launcher": .string(launch.launcher.rawValue), "rank": number(launch.rank),
            "world_size": number(launch.worldSize), "local_rank": number(launch.localRank),
            "local_world_size": number(launch.localWorldSize), "node_rank": number(launch.nodeRank),
            "node_count": number(launch.nodeCount), "group_id": launch.groupID.map(JSONValue.string) ?? .null,
            "restart_attempt": .int(Int64(launch.restartAttempt)), "array_task_id": number(launch.arrayTaskID),
        ]
    }
}
