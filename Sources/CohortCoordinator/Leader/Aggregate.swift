/// Cross-rank statistics of one metric (at a step) or one summary key (in the group summary).
///
/// The statistics cover the finite values only; NaN and infinities are counted in
/// `nonFiniteCount` and left out, so one diverged rank does not turn the group's mean into NaN.
/// With no finite value, `mean`, `min`, `max` and `std` are NaN.
public struct Aggregate: Sendable, Equatable {
    /// The mean of the finite values.
    public var mean: Double
    /// The smallest finite value.
    public var min: Double
    /// The largest finite value.
    public var max: Double
    /// The population standard deviation of the finite values (divides by `count`, not `count - 1`).
    public var std: Double
    /// How many finite values the statistics cover.
    public var count: Int
    /// How many values were NaN or infinite (left out of the statistics).
    public var nonFiniteCount: Int

    /// Computes the statistics of `values` (two passes, for accuracy when values are large and close).
    /// - Parameter values: one value per rank.
    public init(of values: some Collection<Double>) {
        var sum = 0.0
        var count = 0
        var low = Double.infinity
        var high = -Double.infinity
        for value in values where value.isFinite {
            sum += value
            count += 1
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        self.count = count
        self.nonFiniteCount = values.count - count
        guard count > 0 else {
            (mean, min, max, std) = (.nan, .nan, .nan, .nan)
            return
        }
        let mean = sum / Double(count)
        var squares = 0.0
        for value in values where value.isFinite {
            squares += (value - mean) * (value - mean)
        }
        self.mean = mean
        self.min = low
        self.max = high
        self.std = (squares / Double(count)).squareRoot()
    }

    /// The statistics as `<name>/mean`, `/min`, `/max`, `/std` and `/count` entries, the shape the
    /// leader logs to the group's aggregate run.
    /// - Parameter name: the metric name the entries are prefixed with.
    public func entries(prefix name: String) -> [String: Double] {
        [
            name + "/mean": mean, name + "/min": min, name + "/max": max,
            name + "/std": std, name + "/count": Double(count),
        ]
    }
}
