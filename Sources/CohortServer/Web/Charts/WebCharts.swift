import CohortCharts

/// The web UI's charts, drawn by `CohortCharts` from points already reduced by the cache.
enum WebCharts {
    /// Points handed to the chart library per series (it thins further to its pixel width).
    static let pointsPerSeries = 2_000

    struct Line {
        var name: String
        var x: [Double]
        var y: [Double]
    }

    struct Band {
        var name: String
        var x: [Double]
        var low: [Double]
        var high: [Double]
    }

    /// A line chart (`<figure>` with its SVG and hover data); `secondsX` labels x as durations.
    static func line(
        id: String, title: String, xLabel: String, lines: [Line], bands: [Band] = [], logScale: Bool, smoothing: Double,
        secondsX: Bool = false
    ) -> String {
        LineChart.svg(LineChartSpec(
            title: title, xLabel: xLabel, yLabel: title,
            series: lines.map { ChartSeries(name: $0.name, x: $0.x, y: $0.y) },
            bands: bands.map { ChartBand(name: $0.name, x: $0.x, low: $0.low, high: $0.high) },
            yScale: logScale ? .log : .linear, smoothing: smoothing, id: id, xFormat: secondsX ? .duration : .number))
    }

    /// One histogram per step, drawn as a heatmap over steps.
    static func histogram(id: String, title: String, steps: [(step: Double, edges: [Double], counts: [Double])]) -> String {
        HistogramChart.svg(
            title: title, id: id, steps: steps.map { HistogramStep(step: $0.step, edges: $0.edges, counts: $0.counts) })
    }

    /// The chart assets to serve.
    static var javascript: String { ChartAssets.javascript }
    static var css: String { ChartAssets.css }

    /// An element id made of a prefix and a key: letters, digits and `-` only, unique by index.
    static func elementID(_ prefix: String, _ index: Int, _ key: String) -> String {
        let cleaned = String(key.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }.prefix(40))
        return "\(prefix)-\(index)-\(cleaned)"
    }
}
