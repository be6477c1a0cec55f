import CohortModel

/// What the summary keeps for one leaf: the latest value and running aggregates over every logged
/// value, as W&B's core does (`first`, `min`, `max`, `total`, `count`).
struct SummaryStatistics: Sendable {
    /// The latest logged or explicitly written value.
    var latest: JSONValue
    /// The first logged value (any type), or `nil` when only explicit writes happened.
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

    init(logged value: JSONValue) {
        latest = value
        first = value
        if value.number != nil { record(number: value) }
    }

    init(explicit value: JSONValue) {
        latest = value
    }

    /// Applies one logged value.
    mutating func log(_ value: JSONValue) {
        latest = value
        if first == nil { first = value }
        if value.number != nil { record(number: value) }
    }

    /// Applies an explicit `summary[...] = value` write: the value shows until the key is logged again,
    /// and the aggregates stop showing until `defineMetric` is called again.
    mutating func write(_ value: JSONValue) {
        latest = value
        track = []
    }

    private mutating func record(number value: JSONValue) {
        guard let number = value.number else { return }
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

    /// The value the summary shows, or `nil` when the leaf is hidden.
    var visibleValue: JSONValue? {
        if hidden { return nil }
        let aggregates = track.subtracting([.none])
        if aggregates.isEmpty { return latest }
        var shown: [String: JSONValue] = [:]
        for aggregate in aggregates {
            switch aggregate {
            case .last: shown["last"] = latest
            case .first: if let first { shown["first"] = first }
            case .min: if let minimum { shown["min"] = minimum }
            case .max: if let maximum { shown["max"] = maximum }
            case .mean: if count > 0 { shown["mean"] = .double(total / Double(count)) }
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
