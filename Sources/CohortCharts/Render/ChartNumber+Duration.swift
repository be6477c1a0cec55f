extension ChartNumber {
    /// Seconds as a duration with at most two units: `0s`, `45s`, `1.5s`, `5m`, `1m30s`, `2h`, `1h30m`,
    /// `3d`, `2d4h`; negative values get a leading `-`.
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        if seconds < 0 { return "-" + duration(-seconds) }
        if seconds < 60 { return compact(seconds) + "s" }
        let total = Int(seconds.rounded())
        let units: [(Int, String)] = [(86400, "d"), (3600, "h"), (60, "m"), (1, "s")]
        for (index, (size, name)) in units.enumerated() where total >= size {
            let whole = total / size
            let rest = total % size
            let (nextSize, nextName) = units[min(index + 1, units.count - 1)]
            return rest / nextSize > 0 && size > 1 ? "\(whole)\(name)\(rest / nextSize)\(nextName)" : "\(whole)\(name)"
        }
        return "0s"
    }

    /// An x value as the axis labels it.
    static func x(_ value: Double, format: ChartAxisFormat) -> String {
        format == .duration ? duration(value) : compact(value)
    }
}
