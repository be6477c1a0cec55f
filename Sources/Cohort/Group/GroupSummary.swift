import CohortModel
import Foundation

/// Cross-run statistics of a group whose runs did not run at the same time — cross-validation folds,
/// Slurm array tasks, repeated seeds — computed from their journals, with no live leader.
///
/// ```swift
/// let result = try await Group.summarize("cv-resnet", dir: "runs")
/// print(result.metrics["val/acc"]?.mean ?? .nan, "±", result.metrics["val/acc"]?.std ?? .nan)
/// ```
public enum Group {
    /// The job type of the run that holds a group's summary.
    public static let summaryJobType = "group-summary"

    /// Statistics of one numeric summary entry across the group's runs.
    public struct Statistics: Sendable, Equatable {
        public var mean: Double
        /// Sample standard deviation (n − 1), 0 for a single run.
        public var std: Double
        public var min: Double
        public var max: Double
        /// How many runs had a finite value for the entry.
        public var count: Int
    }

    /// What `summarize` found and wrote.
    public struct Result: Sendable {
        /// The ids of the runs summarised, in order.
        public var runIDs: [String]
        /// Statistics per summary entry (nested entries joined with `.`; `_` entries left out).
        public var metrics: [String: Statistics]
        /// The run that holds the group summary.
        public var summaryRunID: String
    }

    /// Reads the finished (or failed) runs of `group` under `<dir>/cohort/` and writes mean, std, min,
    /// max and count of every numeric summary entry into the group's summary run (`<group>-summary`,
    /// job type `group-summary`), which is created or updated; running it again recomputes it.
    /// - Throws: `CohortError` `.runNotFound` when the group has no finished runs there.
    public static func summarize(
        _ group: String, dir: String, project: String? = nil, settings: Settings? = nil
    ) async throws(CohortError) -> Result {
        let runs = LocalRun.list(under: dir).filter {
            $0.group == group && $0.jobType != summaryJobType && $0.jobType != "group"
                && ($0.state == .finished || $0.state == .failed)
        }
        guard !runs.isEmpty else {
            throw CohortError(.runNotFound, "group \"\(group)\" has no finished runs under \(dir)/cohort; check the group name and dir")
        }
        let metrics = statistics(of: runs.map(\.summary))
        var runSettings = settings ?? Settings()
        runSettings.launch = nil
        runSettings.captureConsole = false
        let summaryRunID = RankIdentity.safeID("\(group)-summary")
        let run = try await Run.start(
            project: project ?? runs.first?.project, group: group, jobType: summaryJobType, name: "\(group)-summary",
            config: ["_cohort": ["folds": runs.map(\.id), "fold_count": runs.count] as NestedLog],
            id: summaryRunID, resume: .allow, dir: dir, settings: runSettings)
        for (name, value) in metrics {
            run.summary.set(path: MetricPath.split(name), [
                "mean": value.mean, "std": value.std, "min": value.min, "max": value.max, "count": Double(value.count),
            ])
        }
        await run.finish()
        return Result(runIDs: runs.map(\.id), metrics: metrics, summaryRunID: summaryRunID)
    }

    /// Statistics of every numeric leaf across `summaries`.
    static func statistics(of summaries: [[String: JSONValue]]) -> [String: Statistics] {
        var values: [String: [Double]] = [:]
        for summary in summaries {
            for (name, value) in NumericLeaves.of(summary) where value.isFinite { values[name, default: []].append(value) }
        }
        return values.mapValues(describe)
    }

    private static func describe(_ values: [Double]) -> Statistics {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let std = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
        return Statistics(mean: mean, std: std, min: values.min() ?? mean, max: values.max() ?? mean, count: values.count)
    }
}
