import HTTPTypes

/// The chart options of a page's query: `x` (`_step`, `_runtime`, `_timestamp`), `smooth` (0–0.99)
/// and `scale=log`.
struct ChartOptions: Sendable {
    var axis: ChartXAxis = .step
    var smoothing = 0.0
    var logScale = false

    init(_ query: WebQuery) throws(WebError) {
        if let x = query.value("x") {
            guard let axis = ChartXAxis(rawValue: x) else {
                throw WebError(.badRequest, "x must be _step, _runtime or _timestamp.")
            }
            self.axis = axis
        }
        if let text = query.value("smooth") {
            guard let value = Double(text), value.isFinite, value >= 0, value < 1 else {
                throw WebError(.badRequest, "smooth must be a number from 0 to 0.99.")
            }
            smoothing = value
        }
        if let scale = query.value("scale") {
            guard scale == "log" || scale == "linear" else { throw WebError(.badRequest, "scale must be log or linear.") }
            logScale = scale == "log"
        }
    }

    struct AxisChoice {
        var value: String
        var label: String
        var selected: Bool
    }

    var axisChoices: [AxisChoice] {
        ChartXAxis.allCases.map { AxisChoice(value: $0.rawValue, label: $0.label, selected: $0 == axis) }
    }
}
