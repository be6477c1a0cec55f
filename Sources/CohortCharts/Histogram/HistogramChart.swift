/// Draws histograms logged over steps as a heatmap: x is the step, y the value bins, and the darker a
/// cell, the more of that step's values fell in it (each step scaled to its own fullest bin).
///
/// ```swift
/// let html = HistogramChart.svg(title: "gradients", id: "hist-grad", steps: [
///     HistogramStep(step: 0, edges: [-1, 0, 1], counts: [3, 5]),
///     HistogramStep(step: 100, edges: [-1, 0, 1], counts: [4, 4]),
/// ])
/// ```
public enum HistogramChart {
    /// Opacity levels of the cells; cells are grouped into one path per level to keep the SVG small.
    static let levels = 8
    static let color = "#0072B2"

    /// A `<figure class="cohort-chart">` with a complete `<svg>` heatmap, or a "No data" chart when no
    /// step has a usable histogram (edges must be finite, ascending and one more than the counts).
    /// - Parameters:
    ///   - title: The heading and accessible name.
    ///   - id: A page-unique id, the prefix of the chart's element ids.
    ///   - steps: One histogram per step, in any order; a later one wins when two share a column.
    ///   - width: Drawing width, default 640.
    ///   - height: Drawing height, default 260.
    /// - Returns: HTML/SVG markup, also well-formed XML.
    public static func svg(
        title: String, id: String, steps: [HistogramStep], width: Int = 640, height: Int = 260
    ) -> String {
        let width = max(width, 120)
        let height = max(height, 80)
        let left = 56.0
        let top = 30.0
        let plotWidth = Double(width) - left - 16
        let plotHeight = max(Double(height) - top - 34, 20)
        guard let grid = HistogramGrid(
            steps: steps, maxColumns: max(1, Int(plotWidth / 4)), maxRows: max(1, min(40, Int(plotHeight / 4)))
        ) else {
            return ChartSVG.noData(id: id, kind: "histogram", title: title, width: width, height: height)
        }
        let xTicks = ChartTicks.linear(
            grid.stepLower, grid.stepUpper == grid.stepLower ? grid.stepLower + 1 : grid.stepUpper,
            count: ChartAxes.xTickCount(plotWidth: plotWidth), extend: false
        )
        let yTicks = ChartTicks.linear(
            grid.valueLower, grid.valueUpper, count: ChartAxes.yTickCount(plotHeight: plotHeight), extend: false
        )
        let frame = ChartFrame(
            left: left, top: top, width: plotWidth, height: plotHeight,
            xLower: grid.stepLower, xUpper: max(grid.stepUpper, grid.stepLower + 1),
            yLower: grid.valueLower, yUpper: grid.valueUpper, log: false
        )
        let description = "Histograms of \(title) at \(steps.count) step\(steps.count == 1 ? "" : "s")"
            + " from \(ChartNumber.compact(grid.stepLower)) to \(ChartNumber.compact(grid.stepUpper)),"
            + " values from \(ChartNumber.compact(grid.valueLower)) to \(ChartNumber.compact(grid.valueUpper))."
            + " Darker cells hold more of a step's values."
        var out = "<figure class=\"cohort-chart\" id=\"\(ChartText.xml(id))\" data-chart=\"histogram\">"
        out += ChartSVG.open(id: id, width: width, height: height, title: title, description: description)
        out += ChartSVG.title(title)
        out += ChartSVG.text(
            "darker = more values", x: Double(width) - 8, y: 18,
            attributes: " class=\"cc-note\" text-anchor=\"end\" font-size=\"10\" fill=\"#666666\""
        )
        out += ChartAxes.draw(frame: frame, xTicks: xTicks, yTicks: yTicks, xLabel: "step", yLabel: "value", height: height)
        out += cells(grid, frame: frame)
        out += "</svg></figure>"
        return out
    }

    /// One path per opacity level; in each column, a run of cells of the same level is one rectangle
    /// `M x y h w v h h-w z`.
    private static func cells(_ grid: HistogramGrid, frame: ChartFrame) -> String {
        var paths = [String](repeating: "", count: levels + 1)
        let cellWidth = frame.width / Double(grid.columns)
        let cellHeight = frame.height / Double(grid.rows)
        let w = ChartNumber.coordinate(cellWidth)
        for column in 0..<grid.columns where grid.filled[column] {
            let x = ChartNumber.coordinate(frame.left + Double(column) * cellWidth)
            var row = 0
            while row < grid.rows {
                let level = self.level(grid.cells[column * grid.rows + row])
                var end = row + 1
                while end < grid.rows, self.level(grid.cells[column * grid.rows + end]) == level { end += 1 }
                if level > 0 {
                    let y = ChartNumber.coordinate(frame.bottom - Double(end) * cellHeight)
                    let h = ChartNumber.coordinate(Double(end - row) * cellHeight)
                    paths[level] += "M\(x) \(y)h\(w)v\(h)h-\(w)z"
                }
                row = end
            }
        }
        var out = "<g class=\"cc-cells\" fill=\"\(color)\">"
        for level in 1...levels where !paths[level].isEmpty {
            let opacity = ChartNumber.compact(Double(level) / Double(levels), significant: 2)
            out += "<path fill-opacity=\"\(opacity)\" d=\"\(paths[level])\"/>"
        }
        return out + "</g>"
    }

    /// The opacity level of a cell scaled to `0...1`: 0 for empty, else `1...levels`.
    private static func level(_ value: Double) -> Int {
        min(levels, Int((value * Double(levels)).rounded(.up)))
    }
}
