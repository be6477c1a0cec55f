/// The data ranges a line chart must show.
struct LineDomain {
    var xLower = Double.infinity
    var xUpper = -Double.infinity
    var yLower = Double.infinity
    var yUpper = -Double.infinity

    /// The ranges of every drawable point and band edge, or `nil` when there is none.
    init?(series: [LinePreparedSeries], bands: [LinePreparedBand], log: Bool) {
        for line in series {
            include(x: line.x, y: line.y, log: log)
        }
        for band in bands {
            include(x: band.x, y: band.low, log: log)
            include(x: band.x, y: band.high, log: log)
        }
        guard xLower <= xUpper, yLower <= yUpper else { return nil }
    }

    private mutating func include(x: [Double], y: [Double], log: Bool) {
        for index in 0..<min(x.count, y.count) {
            let xValue = x[index]
            let yValue = y[index]
            guard xValue.isFinite, yValue.isFinite, !(log && yValue <= 0) else { continue }
            xLower = min(xLower, xValue)
            xUpper = max(xUpper, xValue)
            yLower = min(yLower, yValue)
            yUpper = max(yUpper, yValue)
        }
    }
}
