internal import Foundation

/// The exponential moving averages of W&B's line plots.
///
/// W&B documents two ("Smooth line plots" in its docs):
///
/// - Exponential moving average, TensorBoard's formula (``ema(_:weight:)``), per point `i` with weight `w`:
///   `last = w·last + (1 − w)·yᵢ`, `smoothedᵢ = last / (1 − wⁿ)` where `n` counts the points so far
///   (the debias term keeps early values from being pulled towards the zero start).
/// - Time-weighted EMA, W&B's default (``timeWeightedEMA(x:y:weight:viewportScale:)``): the decay
///   between two points follows their distance on the x axis, so series of different densities
///   smooth alike: `s = min(√weight, 0.999)`, `a = s^(Δx / rangeOfX · viewportScale)`,
///   `last = a·last + yᵢ`, `norm = a·norm + 1`, `smoothedᵢ = last / norm`.
///
/// Non-finite values stay gaps in the output and leave the average untouched.
public enum Smoothing {
    /// TensorBoard's debiased exponential moving average (W&B's "Exponential moving average").
    ///
    /// ```swift
    /// Smoothing.ema([1, 2, 3], weight: 0.5)   // [1, 1.6667, 2.4286]
    /// ```
    /// - Parameters:
    ///   - y: Values in order; non-finite values give `NaN` and are skipped.
    ///   - weight: Smoothing weight, clamped to `0...0.999`; `0` returns the values unchanged.
    /// - Returns: One smoothed value per input value.
    public static func ema(_ y: [Double], weight: Double) -> [Double] {
        let w = weight.isFinite ? min(max(weight, 0), 0.999) : 0
        var last = 0.0
        var power = 1.0
        return y.map { value in
            guard value.isFinite else { return .nan }
            last = last * w + (1 - w) * value
            power *= w
            return last / (1 - power)
        }
    }

    /// W&B's default time-weighted, debiased exponential moving average (TWEMA).
    ///
    /// W&B does not publish its `VIEWPORT_SCALE`; with the default of 1000, 1000 evenly spaced points
    /// smooth like ``ema(_:weight:)`` with weight `√weight`. `ChartAssets.javascript` computes the same.
    /// - Parameters:
    ///   - x: Positions, ascending.
    ///   - y: Values; non-finite values (or positions) give `NaN` and are skipped.
    ///   - weight: The smoothing parameter, clamped to `0...0.99`.
    ///   - viewportScale: How many units the x range counts as; default 1000.
    /// - Returns: One smoothed value per input value.
    public static func timeWeightedEMA(
        x: [Double], y: [Double], weight: Double, viewportScale: Double = 1000
    ) -> [Double] {
        let count = min(x.count, y.count)
        let param = weight.isFinite ? min(max(weight, 0), 0.99) : 0
        let decay = min(param.squareRoot(), 0.999)
        var lower = Double.infinity
        var upper = -Double.infinity
        for index in 0..<count where x[index].isFinite && y[index].isFinite {
            lower = min(lower, x[index])
            upper = max(upper, x[index])
        }
        let range = upper > lower ? upper - lower : 1
        var out = [Double](repeating: .nan, count: count)
        var last = 0.0
        var norm = 0.0
        var previousX = Double.nan
        var cachedDelta = Double.nan
        var cachedFactor = 1.0
        for index in 0..<count where x[index].isFinite && y[index].isFinite {
            let delta = previousX.isNaN ? 0 : max(0, (x[index] - previousX) / range * viewportScale)
            if delta != cachedDelta {
                cachedDelta = delta
                cachedFactor = pow(decay, delta)
            }
            last = last * cachedFactor + y[index]
            norm = norm * cachedFactor + 1
            out[index] = last / norm
            previousX = x[index]
        }
        return out
    }
}
