/// One histogram of a ``HistogramChart``: `counts[i]` values fell in `edges[i]..<edges[i + 1]` at `step`.
///
/// `edges` has one more element than `counts` (W&B's `np_histogram` layout: `bins` and `values`).
public struct HistogramStep: Sendable {
    /// The step (or other x value) the histogram was logged at.
    public var step: Double
    /// Bin edges, ascending; `counts.count + 1` of them.
    public var edges: [Double]
    /// The number of values in each bin.
    public var counts: [Double]

    /// Creates one step's histogram.
    /// - Parameters:
    ///   - step: The x position.
    ///   - edges: Bin edges, ascending, one more than `counts`.
    ///   - counts: Values per bin.
    public init(step: Double, edges: [Double], counts: [Double]) {
        self.step = step
        self.edges = edges
        self.counts = counts
    }
}
