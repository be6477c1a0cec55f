/// How values map to the vertical axis.
public enum ChartScale: String, Sendable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10). Values that are zero or negative cannot be shown and
    /// are left out; the chart says how many it left out.
    case log
}
