/// The accessible description and the visible note of a line chart.
enum LineDescription {
    /// The most series the description lists one by one.
    static let maximumListed = 20

    /// "loss against step, linear scale. run-1: 1000 points, last value 0.12 at 999. …"
    static func text(spec: LineChartSpec, series: [LinePreparedSeries], bands: [LinePreparedBand]) -> String {
        var parts = [
            "Line chart of \(spec.yLabel) against \(spec.xLabel), \(spec.yScale.rawValue) scale"
                + (spec.smoothing > 0 ? ", smoothing \(ChartNumber.compact(spec.smoothing))." : ".")
        ]
        for line in series.prefix(maximumListed) {
            var part = "\(line.name): \(line.total) point\(line.total == 1 ? "" : "s")"
            if let last = line.last {
                part += ", last value \(ChartNumber.compact(last.y)) at \(ChartNumber.x(last.x, format: spec.xFormat))"
            } else {
                part += ", none drawable"
            }
            if line.omittedNonPositive > 0 {
                part += ", \(line.omittedNonPositive) non-positive left out"
            }
            parts.append(part + ".")
        }
        if series.count > maximumListed {
            parts.append("And \(series.count - maximumListed) more series.")
        }
        if !bands.isEmpty {
            parts.append("Shaded ranges: " + bands.map(\.name).joined(separator: ", ") + ".")
        }
        return parts.joined(separator: " ")
    }

    /// The note shown at the top right when values were left out on a log axis.
    static func note(series: [LinePreparedSeries]) -> String? {
        let omitted = series.reduce(0) { $0 + $1.omittedNonPositive }
        guard omitted > 0 else { return nil }
        return "\(omitted) value\(omitted == 1 ? "" : "s") ≤ 0 not shown (log scale)"
    }
}
