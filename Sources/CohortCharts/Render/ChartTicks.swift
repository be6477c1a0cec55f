internal import Foundation

/// "Nice" axis ticks (multiples of 1, 2 or 5 × 10ⁿ) and the domains they cover.
struct ChartTicks {
    /// The axis range in scale space (`log10` of values on a log axis).
    var lower: Double
    var upper: Double
    /// Tick positions in scale space.
    var positions: [Double]
    /// One label per tick.
    var labels: [String]

    /// Linear ticks for `lower...upper`; `extend` widens the domain to the outer ticks.
    static func linear(_ lower: Double, _ upper: Double, count: Int, extend: Bool) -> ChartTicks {
        let (low, high) = padded(lower, upper)
        guard (high - low).isFinite else {
            // Wider than a Double can subtract: just the two ends.
            return ChartTicks(lower: low, upper: high, positions: [low, high], labels: [low, high].map(ChartNumber.compact))
        }
        let step = niceStep((high - low) / Double(max(count, 1)))
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        let domainLow = extend ? first : low
        let domainHigh = extend ? last : high
        var ticks: [Double] = []
        var index = 0.0
        while first + index * step <= domainHigh + step * 1e-9, ticks.count < 50 {
            let tick = first + index * step
            if tick >= domainLow - step * 1e-9 { ticks.append(abs(tick) < step * 1e-9 ? 0 : tick) }
            index += 1
        }
        return ChartTicks(
            lower: domainLow, upper: domainHigh, positions: ticks,
            labels: ChartNumber.tickLabels(ticks, step: step)
        )
    }

    /// Log ticks for positive values `lower...upper`: at powers of ten when the range spans at least a
    /// decade, otherwise linear ticks placed on the log axis.
    static func log(_ lower: Double, _ upper: Double, count: Int) -> ChartTicks {
        var low = log10(lower)
        var high = log10(upper)
        if high - low < 1e-9 {
            low -= 0.5
            high += 0.5
        }
        if high - low >= 1 {
            low = low.rounded(.down)
            high = high.rounded(.up)
            let every = max(1, Int(((high - low) / Double(max(count, 1))).rounded(.up)))
            let exponents = stride(from: Int(low), through: Int(high), by: every).map(Double.init)
            return ChartTicks(
                lower: low, upper: high, positions: exponents,
                labels: exponents.map { ChartNumber.compact(pow(10, $0)) }
            )
        }
        let linear = Self.linear(pow(10, low), pow(10, high), count: count, extend: false)
        let kept = linear.positions.indices.filter { linear.positions[$0] > 0 }
        return ChartTicks(
            lower: low, upper: high, positions: kept.map { log10(linear.positions[$0]) },
            labels: kept.map { linear.labels[$0] }
        )
    }

    /// `lower...upper` widened when empty: by 10% of the value, or by 1 around zero.
    static func padded(_ lower: Double, _ upper: Double) -> (Double, Double) {
        guard upper - lower <= abs(upper) * 1e-12 else { return (lower, upper) }
        let pad = lower == 0 ? 1 : abs(lower) * 0.1
        return (max(lower - pad, -.greatestFiniteMagnitude), min(upper + pad, .greatestFiniteMagnitude))
    }

    /// The 1, 2 or 5 × 10ⁿ nearest `raw` on a log scale (so `count` ticks give between about
    /// `count / 1.4` and `count × 1.4` intervals).
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(raw)))
        let fraction = raw / magnitude
        let nice: Double = fraction >= 50.0.squareRoot() ? 10 : fraction >= 10.0.squareRoot() ? 5
            : fraction >= 2.0.squareRoot() ? 2 : 1
        return nice * magnitude
    }
}
