import CohortModel

/// What the summary keeps for one leaf: the latest value and running aggregates over every logged
/// value, as W&B's core does (`core/internal/runsummary/metricsummary.go`: `first`, `min`, `max`,
/// `total`, `count`, `track`, `noSummary`, `hasData`).
struct SummaryStatistics: Sendable {
    /// The latest logged or explicitly written value (`null` after a removal).
    var latest: JSONValue = .null
    /// The value logged while the leaf had no data: the first one, or the first after a removal.
    /// Stays `nil` (shown as `null`) when an explicit write came first, as in W&B.
    var first: JSONValue?
    /// Smallest and largest numeric values logged; a NaN sticks, as in W&B.
    var minimum: JSONValue?
    var maximum: JSONValue?
    var total: Double = 0
    var count: Int = 0
    /// Aggregates to show instead of `latest`; emptied by an explicit write until `defineMetric` again.
    var track: Set<MetricSummary> = []
    /// `defineMetric(..., summary: [.none])`: keep the leaf out of the summary.
    var hidden = false
    /// Whether the leaf has a value to show: set by logs and explicit writes, cleared by a removal.
    var hasData = false

    /// Applies one logged value. Numbers feed the aggregates; any value sets `latest` (and `first`).
    mutating func log(_ value: JSONValue) {
        latest = value
        if !hasData { first = value }
        hasData = true
        if let number = value.number { record(value, number) }
    }

    /// Applies an explicit `summary[...] = value` write: the value shows until the key is logged again,
    /// and the aggregates stop showing until `defineMetric` is called again. The accumulators keep
    /// their values; they never see explicit writes.
    mutating func write(_ value: JSONValue) {
        latest = value
        track = []
        hasData = true
    }

    /// Applies a removal of the leaf: it disappears until it is logged again. The accumulators and the
    /// metric's summary choice survive, as in W&B.
    mutating func clear() {
        latest = .null
        hasData = false
    }

    private mutating func record(_ value: JSONValue, _ number: Double) {
        total += number
        count += 1
        if let current = minimum?.number {
            if current.isNaN || number.isNaN { minimum = .double(.nan) } else if number < current { minimum = value }
        } else {
            minimum = value
        }
        if let current = maximum?.number {
            if current.isNaN || number.isNaN { maximum = .double(.nan) } else if number > current { maximum = value }
        } else {
            maximum = value
        }
    }

    /// The value the summary shows, or `nil` when the leaf is hidden or has no data.
    ///
    /// With aggregates and no numeric value logged, W&B shows `min` and `max` as 0 and `mean` as NaN
    /// (its zero values and 0/0); Cohort shows the same.
    var visibleValue: JSONValue? {
        if hidden || !hasData { return nil }
        let aggregates = track.subtracting([.none])
        if aggregates.isEmpty { return latest }
        var shown: [String: JSONValue] = [:]
        for aggregate in aggregates {
            switch aggregate {
            case .last: shown["last"] = latest
            case .first: shown["first"] = first ?? .null
            case .min: shown["min"] = minimum ?? .int(0)
            case .max: shown["max"] = maximum ?? .int(0)
            case .mean: shown["mean"] = .double(total / Double(count))
            case .none: break
            }
        }
        return .object(shown)
    }

    /// Applies a metric definition's summary choice.
    mutating func configure(_ summary: Set<MetricSummary>) {
        hidden = summary.contains(.none)
        track = summary.subtracting([.none])
    }
}
