internal import Foundation

/// The plot rectangle of a chart and the mapping from data to it.
struct ChartFrame {
    var left: Double
    var top: Double
    var width: Double
    var height: Double
    /// Horizontal domain.
    var xLower: Double
    var xUpper: Double
    /// Vertical domain in scale space (`log10` of values on a log axis).
    var yLower: Double
    var yUpper: Double
    var log: Bool

    var right: Double { left + width }
    var bottom: Double { top + height }

    /// The horizontal pixel of `x`.
    func px(_ x: Double) -> Double {
        left + (x - xLower) / (xUpper - xLower) * width
    }

    /// The vertical pixel of a value (not yet in scale space).
    func py(_ y: Double) -> Double {
        pyScaled(log ? log10(y) : y)
    }

    /// The vertical pixel of a position in scale space.
    func pyScaled(_ scaled: Double) -> Double {
        bottom - (scaled - yLower) / (yUpper - yLower) * height
    }
}
