extension CustomChart {
    /// W&B's `plot.line_series`: several lines over shared or separate x values, as one table of
    /// `step`, `lineKey`, `lineVal` drawn by `wandb/lineseries/v0`.
    ///
    /// ```swift
    /// try run.log(["losses": CustomChart.lineSeries(xs: [[0, 1, 2]], ys: [[1, 0.5, 0.2], [1, 0.7, 0.4]], keys: ["train", "val"])])
    /// ```
    /// - Parameters:
    ///   - xs: one x series for every line, or a single series that all lines share.
    ///   - ys: the y values of each line (a line ends with the shorter of its x and y series).
    ///   - keys: the name of each line; `line_0`, `line_1`, … when not given.
    /// - Throws: `CohortError` `.invalidArgument` when the counts of x series or keys differ from the
    ///   number of lines.
    public static func lineSeries(
        xs: [[Double]], ys: [[Double]], keys: [String]? = nil, title: String = "", xName: String = "x", splitTable: Bool = false
    ) throws(CohortError) -> CustomChart {
        let series = xs.count == 1 ? Array(repeating: xs[0], count: ys.count) : xs
        guard series.count == ys.count else {
            throw .invalid("lineSeries: \(xs.count) x series for \(ys.count) lines; give one per line or one for all")
        }
        let names = keys ?? ys.indices.map { "line_\($0)" }
        guard names.count == ys.count else {
            throw .invalid("lineSeries: \(names.count) keys for \(ys.count) lines")
        }
        var table = try Table(columns: ["step", "lineKey", "lineVal"])
        for (index, (xValues, yValues)) in zip(series, ys).enumerated() {
            for (x, y) in zip(xValues, yValues) { try table.addData(x, names[index], y) }
        }
        return CustomChart(
            vegaSpecName: "wandb/lineseries/v0", table: table,
            fields: ["step": "step", "lineKey": "lineKey", "lineVal": "lineVal"],
            stringFields: ["title": title, "xname": xName], splitTable: splitTable)
    }
}
