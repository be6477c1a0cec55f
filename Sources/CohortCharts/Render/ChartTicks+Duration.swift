extension ChartTicks {
    /// Tick steps for durations, in seconds: seconds, minutes, hours, then days.
    static let durationSteps: [Double] = [
        1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ]

    /// Ticks for a range of seconds, at whole seconds, minutes, hours or days.
    static func duration(_ lower: Double, _ upper: Double, count: Int) -> ChartTicks {
        let (low, high) = padded(lower, upper)
        let raw = (high - low) / Double(max(count, 1))
        guard raw >= 1, raw.isFinite else {
            var ticks = linear(low, high, count: count, extend: false)
            ticks.labels = ticks.positions.map(ChartNumber.duration)
            return ticks
        }
        let step = durationSteps.first { $0 >= raw } ?? niceStep(raw / 86400) * 86400
        var positions: [Double] = []
        var tick = (low / step).rounded(.up) * step
        while tick <= high + step * 1e-9, positions.count < 50 {
            positions.append(tick)
            tick += step
        }
        return ChartTicks(lower: low, upper: high, positions: positions, labels: positions.map(ChartNumber.duration))
    }
}
