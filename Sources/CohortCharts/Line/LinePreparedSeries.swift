/// A series ready to draw: its points reduced to the pixel budget, with the counts the description
/// and the notes report.
struct LinePreparedSeries {
    var name: String
    var color: String
    /// Raw values, downsampled; `NaN` marks a gap.
    var x: [Double]
    var y: [Double]
    /// Smoothed values, downsampled (empty without smoothing).
    var smoothX: [Double] = []
    var smoothY: [Double] = []
    /// Points in the input (pairs of `x` and `y`).
    var total: Int
    /// Points that can be drawn (finite, and positive on a log axis).
    var drawable: Int
    /// Points left out because they are not positive on a log axis.
    var omittedNonPositive: Int
    /// The last drawable point of the input.
    var last: (x: Double, y: Double)?

    /// Prepares `series`: smooths the full series (without non-positive values on a log axis), then
    /// downsamples raw and smoothed values to `pixels` columns. Raw values keep the non-positive ones,
    /// which the log axis does not draw, so the script can switch the axis to linear.
    init(_ series: ChartSeries, color: String, spec: LineChartSpec, pixels: Int) {
        let count = min(series.x.count, series.y.count)
        var x = series.x
        var y = series.y
        if x.count != count { x.removeLast(x.count - count) }
        if y.count != count { y.removeLast(y.count - count) }
        var omitted = 0
        var drawable = 0
        var last: (x: Double, y: Double)?
        for index in 0..<count where x[index].isFinite && y[index].isFinite {
            if spec.yScale == .log, y[index] <= 0 {
                omitted += 1
            } else {
                drawable += 1
                last = (x[index], y[index])
            }
        }
        self.name = series.name
        self.color = color
        self.total = count
        self.drawable = drawable
        self.omittedNonPositive = omitted
        self.last = last
        (self.x, self.y) = Self.reduce(x: x, y: y, spec: spec, pixels: pixels)
        if spec.smoothing > 0, drawable > 0 {
            let positive = omitted > 0 ? y.map { $0 > 0 ? $0 : .nan } : y
            let smooth = Smoothing.timeWeightedEMA(x: x, y: positive, weight: spec.smoothing)
            (smoothX, smoothY) = Self.reduce(x: x, y: smooth, spec: spec, pixels: pixels)
        }
    }

    /// About two points per pixel column.
    static func reduce(x: [Double], y: [Double], spec: LineChartSpec, pixels: Int) -> (x: [Double], y: [Double]) {
        switch spec.downsampling {
        case .minMax: Downsampler.minMax(x: x, y: y, buckets: max(1, pixels / 2))
        case .lttb: Downsampler.lttb(x: x, y: y, threshold: max(3, pixels * 2))
        }
    }
}

/// A band ready to draw: reduced to an envelope of at most two points per pixel pair.
struct LinePreparedBand {
    var name: String
    var color: String
    var x: [Double]
    var low: [Double]
    var high: [Double]

    init(_ band: ChartBand, color: String, spec: LineChartSpec, pixels: Int) {
        name = band.name
        self.color = color
        let count = min(band.x.count, band.low.count, band.high.count)
        // On a log axis, positions where `low` is zero or below are gaps in the band (ChartPath.band).
        (x, low, high) = Downsampler.envelope(
            x: Array(band.x.prefix(count)), low: Array(band.low.prefix(count)), high: Array(band.high.prefix(count)),
            buckets: max(1, pixels / 2)
        )
    }
}
