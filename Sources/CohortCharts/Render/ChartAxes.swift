/// Grid lines, tick labels and axis labels around a ``ChartFrame``.
enum ChartAxes {
    /// How many x ticks fit: about one per 80 pixels.
    static func xTickCount(plotWidth: Double) -> Int {
        max(2, Int(plotWidth / 80))
    }

    /// How many y ticks fit: about one per 40 pixels.
    static func yTickCount(plotHeight: Double) -> Int {
        max(2, Int(plotHeight / 40))
    }

    /// The grid, the axis lines, the tick labels and the two axis labels.
    static func draw(
        frame: ChartFrame, xTicks: ChartTicks, yTicks: ChartTicks, xLabel: String, yLabel: String, height: Int
    ) -> String {
        var grid = ""
        for y in yTicks.positions {
            let pixel = ChartNumber.coordinate(frame.pyScaled(y))
            grid += "M\(ChartNumber.coordinate(frame.left)) \(pixel)H\(ChartNumber.coordinate(frame.right))"
        }
        for x in xTicks.positions {
            let pixel = ChartNumber.coordinate(frame.px(x))
            grid += "M\(pixel) \(ChartNumber.coordinate(frame.top))V\(ChartNumber.coordinate(frame.bottom))"
        }
        var out = "<path class=\"cc-grid\" d=\"\(grid)\" stroke=\"\(ChartPalette.grid)\" fill=\"none\"/>"
        let corner = "M\(ChartNumber.coordinate(frame.left)) \(ChartNumber.coordinate(frame.top))"
            + "V\(ChartNumber.coordinate(frame.bottom))H\(ChartNumber.coordinate(frame.right))"
        out += "<path class=\"cc-axis\" d=\"\(corner)\" stroke=\"\(ChartPalette.axis)\" fill=\"none\"/>"
        out += "<g class=\"cc-yticks\" text-anchor=\"end\">"
        for (position, label) in zip(yTicks.positions, yTicks.labels) {
            out += ChartSVG.text(label, x: frame.left - 5, y: frame.pyScaled(position) + 3.5)
        }
        out += "</g><g class=\"cc-xticks\" text-anchor=\"middle\">"
        for (position, label) in zip(xTicks.positions, xTicks.labels) {
            out += ChartSVG.text(label, x: frame.px(position), y: frame.bottom + 14)
        }
        out += "</g>"
        out += ChartSVG.text(
            xLabel, x: frame.left + frame.width / 2, y: Double(height) - 5,
            attributes: " class=\"cc-label\" text-anchor=\"middle\""
        )
        let middle = ChartNumber.coordinate(frame.top + frame.height / 2)
        out += ChartSVG.text(
            yLabel, x: 12, y: frame.top + frame.height / 2,
            attributes: " class=\"cc-label\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(middle))\""
        )
        return out
    }
}
