import CohortCharts
import Testing

@Suite struct HistogramChartTests {
    @Test func histogramsOverStepsAreAWellFormedHeatmap() throws {
        let steps = (0..<500).map { (step: Int) -> HistogramStep in
            let shift = Double(step) / 500
            let edges = (0...32).map { (edge: Int) -> Double in Double(edge) / 8 - 2 + shift }
            let counts = (0..<32).map { (bin: Int) -> Double in Double((bin * 7 + step) % 13) }
            return HistogramStep(step: Double(step * 10), edges: edges, counts: counts)
        }
        let markup = HistogramChart.svg(title: "weights", id: "hist-1", steps: steps)
        let root = try #require(try ChartXML.parse(markup))
        #expect(root.attribute("data-chart") == "histogram")
        let description = try #require(ChartXML.elements(named: "desc", in: root).first?.text)
        #expect(description.contains("500 steps from 0 to 4.99k"))
        let cells = ChartXML.elements(named: "path", in: root).filter { $0.attribute("fill-opacity") != nil }
        #expect(!cells.isEmpty)
        #expect(markup.utf8.count < 150_000)
        #expect(!markup.contains("NaN"))
    }

    @Test func unusableHistogramsGiveNoData() throws {
        let bad = [
            HistogramStep(step: 0, edges: [0, 1], counts: [1, 2]),  // one edge short
            HistogramStep(step: .nan, edges: [0, 1], counts: [1]),
            HistogramStep(step: 1, edges: [1, .nan], counts: [1]),
        ]
        for steps in [[], bad] {
            let markup = HistogramChart.svg(title: "h", id: "hist-2", steps: steps)
            let root = try #require(try ChartXML.parse(markup))
            #expect(ChartXML.elements(named: "text", in: root).contains { $0.text == "No data" })
        }
    }

    @Test func oneStepOfOneValueIsDrawn() throws {
        let markup = HistogramChart.svg(
            title: "h", id: "hist-3", steps: [HistogramStep(step: 3, edges: [2, 2], counts: [5])]
        )
        _ = try ChartXML.parse(markup)
        #expect(markup.contains("fill-opacity=\"1\""))
        #expect(!markup.contains("NaN"))
    }
}

extension HistogramChartTests {
    @Test func extremeEdgesAndStepsNeitherCrashNorPrintNaN() throws {
        for steps in [
            [HistogramStep(step: 0, edges: [-1e308, 0, 1e308], counts: [1, 2])],
            [HistogramStep(step: -1e308, edges: [0, 1], counts: [1]), HistogramStep(step: 1e308, edges: [0, 1], counts: [1])],
            [HistogramStep(step: 0, edges: [.leastNonzeroMagnitude, 1], counts: [.infinity])],
        ] {
            let markup = HistogramChart.svg(title: "h", id: "hist-x", steps: steps)
            _ = try ChartXML.parse(markup)
            #expect(!markup.contains("NaN"))
        }
    }
}
