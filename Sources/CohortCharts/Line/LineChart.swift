internal import Foundation

/// Draws line charts as self-contained SVG, server-side.
///
/// ```swift
/// let html = LineChart.svg(LineChartSpec(
///     title: "loss", xLabel: "step", yLabel: "loss",
///     series: [ChartSeries(name: "run-1", x: steps, y: losses)], id: "chart-loss"
/// ))
/// ```
public enum LineChart {
    /// A `<figure class="cohort-chart">` holding a complete `<svg>` (readable without JavaScript or
    /// CSS) and a `<script type="application/json" id="\(spec.id)-data">` with the drawn points for
    /// `ChartAssets.javascript` (hover values, smoothing slider).
    ///
    /// Long series are downsampled to about two points per horizontal pixel, so a million points give a
    /// chart of a few tens of kilobytes; beyond 8 series (the ranks of a group), the series share the
    /// points of 8, each keeping at least 64. Gaps (`NaN`, `±infinity`) break the line; a chart with nothing
    /// to draw says "No data"; on a log axis non-positive values are left out, with a note.
    /// - Parameter spec: What to draw.
    /// - Returns: HTML/SVG markup, also well-formed XML.
    public static func svg(_ spec: LineChartSpec) -> String {
        let width = max(spec.width, 120)
        let height = max(spec.height, 80)
        let legend = LineLegend(entries: legendEntries(spec), width: width)
        let top = LineLegend.firstBaseline + Double(max(legend.rows, 1) - 1) * LineLegend.rowHeight + 10
        let plotLeft = 56.0
        let plotWidth = Double(width) - plotLeft - 16
        let plotHeight = max(Double(height) - top - 34, 20)
        let pixels = max(Int(plotWidth), 1)
        // More than 8 overlaid series (the ranks of a group) share the budget of 8 series.
        let perSeries = spec.series.count <= 8 ? pixels : max(32, pixels * 8 / spec.series.count)
        let series = spec.series.enumerated().map {
            LinePreparedSeries($0.element, color: ChartPalette.color($0.offset), spec: spec, pixels: perSeries)
        }
        let bands = spec.bands.enumerated().map {
            LinePreparedBand($0.element, color: ChartPalette.color($0.offset), spec: spec, pixels: pixels)
        }
        guard let domain = LineDomain(series: series, bands: bands, log: spec.yScale == .log) else {
            return ChartSVG.noData(id: spec.id, kind: "line", title: spec.title, width: width, height: height)
        }
        let xCount = ChartAxes.xTickCount(plotWidth: plotWidth)
        let xTicks = spec.xFormat == .duration
            ? ChartTicks.duration(domain.xLower, domain.xUpper, count: xCount)
            : ChartTicks.linear(domain.xLower, domain.xUpper, count: xCount, extend: false)
        let yCount = ChartAxes.yTickCount(plotHeight: plotHeight)
        let yTicks = spec.yScale == .log
            ? ChartTicks.log(domain.yLower, domain.yUpper, count: yCount)
            : ChartTicks.linear(domain.yLower, domain.yUpper, count: yCount, extend: true)
        let frame = ChartFrame(
            left: plotLeft, top: top, width: plotWidth, height: plotHeight,
            xLower: xTicks.lower, xUpper: xTicks.upper, yLower: yTicks.lower, yUpper: yTicks.upper,
            log: spec.yScale == .log
        )
        let id = ChartText.xml(spec.id)
        var out = "<figure class=\"cohort-chart\" id=\"\(id)\" data-chart=\"line\">"
        out += ChartSVG.open(
            id: spec.id, width: width, height: height, title: spec.title,
            description: LineDescription.text(spec: spec, series: series, bands: bands)
        )
        out += "<defs><clipPath id=\"\(id)-clip\"><rect x=\"\(ChartNumber.coordinate(frame.left))\""
            + " y=\"\(ChartNumber.coordinate(frame.top - 2))\" width=\"\(ChartNumber.coordinate(frame.width))\""
            + " height=\"\(ChartNumber.coordinate(frame.height + 4))\"/></clipPath></defs>"
        out += ChartSVG.title(spec.title)
        if let note = LineDescription.note(series: series) {
            out += ChartSVG.text(
                note, x: Double(width) - 8, y: 18,
                attributes: " class=\"cc-note\" text-anchor=\"end\" font-size=\"10\" fill=\"#666666\""
            )
        }
        out += legend.markup
        out += ChartAxes.draw(
            frame: frame, xTicks: xTicks, yTicks: yTicks, xLabel: spec.xLabel, yLabel: spec.yLabel, height: height
        )
        out += lines(series: series, bands: bands, frame: frame, id: id, smoothed: spec.smoothing > 0)
        out += "<line class=\"cc-cursor\" id=\"\(id)-cursor\" x1=\"0\" x2=\"0\""
            + " y1=\"\(ChartNumber.coordinate(frame.top))\" y2=\"\(ChartNumber.coordinate(frame.bottom))\""
            + " stroke=\"#888888\" stroke-dasharray=\"3 3\" visibility=\"hidden\"/>"
        out += "</svg>"
        out += LineScript.data(spec: spec, series: series, bands: bands, frame: frame)
        out += "</figure>"
        return out
    }

    /// Bands under raw lines (faint when smoothed) under smoothed lines, clipped to the plot.
    private static func lines(
        series: [LinePreparedSeries], bands: [LinePreparedBand], frame: ChartFrame, id: String, smoothed: Bool
    ) -> String {
        var out = "<g clip-path=\"url(#\(id)-clip)\" fill=\"none\" stroke-width=\"1.5\""
            + " stroke-linejoin=\"round\" stroke-linecap=\"round\">"
        for (index, band) in bands.enumerated() {
            let area = ChartPath.band(x: band.x, low: band.low, high: band.high, frame: frame)
            out += "<path class=\"cc-band\" data-i=\"\(index)\" d=\"\(area)\""
                + " fill=\"\(band.color)\" fill-opacity=\"0.18\" stroke=\"none\"/>"
        }
        for (index, line) in series.enumerated() {
            let raw = ChartPath.line(x: line.x, y: line.y, frame: frame)
            if smoothed {
                out += "<path class=\"cc-raw\" data-i=\"\(index)\" d=\"\(raw)\" stroke=\"\(line.color)\" stroke-opacity=\"0.3\"/>"
                let smooth = ChartPath.line(x: line.smoothX, y: line.smoothY, frame: frame)
                out += "<path class=\"cc-line\" data-i=\"\(index)\" d=\"\(smooth)\" stroke=\"\(line.color)\"/>"
            } else {
                out += "<path class=\"cc-line\" data-i=\"\(index)\" d=\"\(raw)\" stroke=\"\(line.color)\"/>"
            }
        }
        return out + "</g>"
    }

    private static func legendEntries(_ spec: LineChartSpec) -> [LineLegend.Entry] {
        spec.series.enumerated().map {
            LineLegend.Entry(name: $0.element.name, color: ChartPalette.color($0.offset), isBand: false)
        } + spec.bands.enumerated().map {
            LineLegend.Entry(name: $0.element.name, color: ChartPalette.color($0.offset), isBand: true)
        }
    }
}
