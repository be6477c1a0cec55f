/// Everything ``LineChart/svg(_:)`` needs to draw one line chart.
///
/// ```swift
/// let spec = LineChartSpec(
///     title: "loss", xLabel: "step", yLabel: "loss",
///     series: [ChartSeries(name: "run-1", x: steps, y: losses)],
///     smoothing: 0.6, id: "chart-loss"
/// )
/// let html = LineChart.svg(spec)
/// ```
public struct LineChartSpec: Sendable {
    /// The heading drawn above the plot and the accessible name of the chart.
    public var title: String
    /// The label under the horizontal axis.
    public var xLabel: String
    /// The label beside the vertical axis.
    public var yLabel: String
    /// The lines, coloured in order from a fixed palette.
    public var series: [ChartSeries]
    /// Shaded ranges drawn under the lines, coloured like the series at the same index.
    public var bands: [ChartBand]
    /// The vertical scale.
    public var yScale: ChartScale
    /// Smoothing strength in `0...0.99`; `0` draws the raw values. With smoothing, each series is drawn
    /// twice: faint raw values and the smoothed line on top (``Smoothing/timeWeightedEMA(x:y:weight:)``).
    public var smoothing: Double
    /// The width of the drawing in CSS pixels (the SVG scales to its container's width).
    public var width: Int
    /// The height of the drawing in CSS pixels, at `width`.
    public var height: Int
    /// Unique on the page: the prefix of every element id of the chart, and the chart's handle for the
    /// script (`ChartAssets.javascript` reads `<script id="\(id)-data">`).
    public var id: String
    /// How long series are reduced before drawing.
    public var downsampling: ChartDownsampling
    /// How x values are labelled: numbers (steps) or durations in seconds (relative wall time).
    public var xFormat: ChartAxisFormat

    /// Creates a chart description.
    /// - Parameters:
    ///   - title: The heading and accessible name.
    ///   - xLabel: The horizontal axis label.
    ///   - yLabel: The vertical axis label.
    ///   - series: The lines.
    ///   - bands: Shaded ranges under the lines.
    ///   - yScale: Linear (default) or log.
    ///   - smoothing: `0...0.99`, default `0` (no smoothing).
    ///   - width: Drawing width, default 640.
    ///   - height: Drawing height, default 260.
    ///   - id: A page-unique id.
    ///   - downsampling: `.minMax` (default) or `.lttb`.
    ///   - xFormat: `.number` (default) or `.duration` for x values in seconds.
    public init(
        title: String,
        xLabel: String,
        yLabel: String,
        series: [ChartSeries],
        bands: [ChartBand] = [],
        yScale: ChartScale = .linear,
        smoothing: Double = 0,
        width: Int = 640,
        height: Int = 260,
        id: String,
        downsampling: ChartDownsampling = .minMax,
        xFormat: ChartAxisFormat = .number
    ) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bands = bands
        self.yScale = yScale
        self.smoothing = smoothing
        self.width = width
        self.height = height
        self.id = id
        self.downsampling = downsampling
        self.xFormat = xFormat
    }
}
