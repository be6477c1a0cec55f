import CohortCharts
import Testing

@Suite struct SmokeTests {
    @Test func aLineChartIsAnSVGFigure() {
        let svg = LineChart.svg(LineChartSpec(
            title: "loss", xLabel: "step", yLabel: "loss",
            series: [ChartSeries(name: "a", x: [0, 1, 2], y: [1, 2, 3])], id: "c1"
        ))
        #expect(svg.contains("<svg"))
    }
}
