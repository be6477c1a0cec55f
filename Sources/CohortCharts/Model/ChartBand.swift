/// A shaded range between `low[i]` and `high[i]` at `x[i]`, such as the min–max band of a group.
///
/// Positions where any of the three values is not finite are gaps in the band.
///
/// ```swift
/// let band = ChartBand(name: "loss min–max", x: steps, low: minima, high: maxima)
/// ```
public struct ChartBand: Sendable {
    /// The name shown in the legend and the accessible description.
    public var name: String
    /// Horizontal positions, ascending.
    public var x: [Double]
    /// The lower edge at each position.
    public var low: [Double]
    /// The upper edge at each position.
    public var high: [Double]

    /// Creates a band.
    /// - Parameters:
    ///   - name: The legend name.
    ///   - x: Horizontal positions.
    ///   - low: The lower edge at each position.
    ///   - high: The upper edge at each position.
    public init(name: String, x: [Double], low: [Double], high: [Double]) {
        self.name = name
        self.x = x
        self.low = low
        self.high = high
    }
}
