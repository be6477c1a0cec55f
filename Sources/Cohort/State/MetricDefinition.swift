import CohortModel

/// One metric definition from `Run.defineMetric(...)`.
public struct MetricDefinition: Sendable, Equatable {
    /// The metric's name as given (dots separate nested levels; a trailing `*` makes it a glob).
    public var name: String
    /// The metric used as this metric's x-axis.
    public var stepMetric: String?
    /// Insert the step metric's last value into rows that lack it.
    public var stepSync: Bool
    /// Hide the metric from default charts.
    public var hidden: Bool
    /// What the summary shows for this metric.
    public var summary: Set<MetricSummary>
    /// Which direction is better.
    public var goal: MetricGoal?

    /// Whether `name` ends with `*`.
    public var isGlob: Bool { name.hasSuffix("*") }

    /// The prefix a glob matches.
    var globPrefix: String { String(name.dropLast()) }

    /// Combines a later definition without `overwrite`, as W&B's `definedMetric.With`: aggregates are
    /// OR-ed; a later non-empty summary choice decides `.none` (so `[.max]` after `[.none]` shows the
    /// max again); `stepSync` and `hidden` can only turn on; a new step metric or goal replaces the old.
    func merged(with later: MetricDefinition) -> MetricDefinition {
        var result = self
        if !later.summary.isEmpty {
            result.summary = summary.union(later.summary).subtracting([.none])
            if later.summary.contains(.none) { result.summary.insert(.none) }
        }
        result.stepSync = stepSync || later.stepSync
        result.hidden = hidden || later.hidden
        if let step = later.stepMetric { result.stepMetric = step }
        if let goal = later.goal { result.goal = goal }
        return result
    }

    /// The definition in the journal.
    var journalPayload: JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name), "step_sync": .bool(stepSync), "hidden": .bool(hidden),
            "summary": .array(summary.map(\.rawValue).sorted().map(JSONValue.string)),
        ]
        if let stepMetric { object["step_metric"] = .string(stepMetric) }
        if let goal { object["goal"] = .string(goal.rawValue) }
        return .object(object)
    }

    /// Reads a definition written by `journalPayload`.
    init?(journalPayload payload: JSONValue) {
        guard let name = payload["name"]?.stringValue else { return nil }
        self.name = name
        stepMetric = payload["step_metric"]?.stringValue
        stepSync = payload["step_sync"]?.boolValue ?? false
        hidden = payload["hidden"]?.boolValue ?? false
        summary = Set((payload["summary"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(MetricSummary.init) })
        goal = payload["goal"]?.stringValue.flatMap(MetricGoal.init)
    }

    init(
        name: String, stepMetric: String?, stepSync: Bool, hidden: Bool, summary: Set<MetricSummary>,
        goal: MetricGoal?
    ) {
        self.name = name
        self.stepMetric = stepMetric
        self.stepSync = stepSync
        self.hidden = hidden
        self.summary = summary
        self.goal = goal
    }
}
