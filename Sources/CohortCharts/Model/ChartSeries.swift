/// One named line of a ``LineChartSpec``: `y[i]` is plotted at `x[i]`.
///
/// Non-finite values (`NaN`, `±infinity`) in either array are gaps: the line breaks there. When the
/// arrays differ in length, the extra values of the longer one are ignored.
///
/// ```swift
/// let loss = ChartSeries(name: "loss", x: [0, 1, 2], y: [2.3, 1.1, .nan])
/// ```
public struct ChartSeries: Sendable {
    /// The name shown in the legend, the hover box and the accessible description.
    public var name: String
    /// Horizontal positions (a step, a wall time in seconds, …), ascending for the best result.
    public var x: [Double]
    /// Values; `NaN` marks a missing value.
    public var y: [Double]

    /// Creates a series.
    /// - Parameters:
    ///   - name: The legend name.
    ///   - x: Horizontal positions.
    ///   - y: Values, one per position.
    public init(name: String, x: [Double], y: [Double]) {
        self.name = name
        self.x = x
        self.y = y
    }
}
