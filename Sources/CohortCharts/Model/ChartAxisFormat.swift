/// How the horizontal axis of a line chart labels its values.
public enum ChartAxisFormat: String, Sendable {
    /// Compact numbers (`500`, `1.2k`, `3M`): steps, epochs.
    case number
    /// Values are seconds (a wall time relative to the run's start): ticks at whole seconds, minutes,
    /// hours or days, labelled `30s`, `5m`, `1h30m`, `2d`.
    case duration
}
