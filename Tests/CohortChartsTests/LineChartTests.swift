import CohortCharts
import Foundation
import Testing

@Suite struct LineChartTests {
    static func chart(
        _ series: [ChartSeries], bands: [ChartBand] = [], scale: ChartScale = .linear, smoothing: Double = 0,
        downsampling: ChartDownsampling = .minMax
    ) -> String {
        LineChart.svg(LineChartSpec(
            title: "loss <train> & \"val\"", xLabel: "step", yLabel: "loss", series: series, bands: bands,
            yScale: scale, smoothing: smoothing, id: "chart-1", downsampling: downsampling
        ))
    }

    @Test(arguments: [0.0, 0.6])
    func aChartIsWellFormedAccessibleXML(smoothing: Double) throws {
        let markup = Self.chart(
            [
                ChartSeries(name: "a <b>", x: [0, 1, 2, 3], y: [1, 2.5, .nan, 4]),
                ChartSeries(name: "c & d", x: [0, 1, 2], y: [-1, 0, 1]),
            ],
            bands: [ChartBand(name: "min–max", x: [0, 1, 2], low: [0, 1, 2], high: [2, 3, 4])],
            smoothing: smoothing
        )
        let root = try #require(try ChartXML.parse(markup))
        #expect(root.name == "figure")
        let svg = try #require(ChartXML.elements(named: "svg", in: root).first)
        #expect(svg.attribute("role") == "img")
        #expect(svg.attribute("viewBox") == "0 0 640 260")
        #expect(svg.attribute("width") == "100%")
        let title = try #require(ChartXML.elements(named: "title", in: svg).first)
        #expect(title.text == "loss <train> & \"val\"")
        let description = try #require(ChartXML.elements(named: "desc", in: svg).first?.text)
        #expect(description.contains("a <b>: 4 points, last value 4 at 3"))
        #expect(description.contains("c & d: 3 points, last value 1 at 2"))
        let texts = ChartXML.elements(named: "text", in: svg).map(\.text)
        #expect(texts.contains("a <b>"))  // the legend is text
        #expect(texts.contains("min–max"))
        let script = try #require(ChartXML.elements(named: "script", in: root).first)
        #expect(script.attribute("id") == "chart-1-data")
        let data = try #require(script.text.data(using: .utf8))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let series = try #require(json["series"] as? [[String: Any]])
        #expect(series.count == 2)
        #expect(series[0]["name"] as? String == "a <b>")
        #expect((series[0]["y"] as? [Any])?.count == 4)
    }

    @Test func nonFiniteValuesBreakTheLineAndNeverPrintNaN() throws {
        let markup = Self.chart([
            ChartSeries(name: "a", x: [0, 1, 2, 3, 4, .nan], y: [1, .nan, 3, .infinity, -.infinity, 2]),
        ])
        _ = try ChartXML.parse(markup)
        #expect(!markup.contains("NaN"))
        #expect(!markup.lowercased().contains("inf"))
        let line = try #require(Self.paths(markup, class: "cc-line").first)
        // Three drawable points 0, 2 and... only 0 and 2: each its own segment, drawn as dots.
        #expect(line.filter { $0 == "M" }.count == 2)
        #expect(line.contains("m-2.5 0h5"))  // lone points are drawn as plus signs
    }

    @Test func aMillionPointsGiveASmallChartWithTheSpikes() throws {
        let count = 1_000_000
        let x = (0..<count).map(Double.init)
        var y = x.map { 1 + sin($0 / 1000) }
        y[123_457] = 50
        let markup = Self.chart([ChartSeries(name: "loss", x: x, y: y)], smoothing: 0.5)
        #expect(markup.utf8.count < 100_000)
        let root = try #require(try ChartXML.parse(markup))
        let script = try #require(ChartXML.elements(named: "script", in: root).first?.text)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(script.utf8)) as? [String: Any]
        )
        let drawn = try #require((json["series"] as? [[String: Any]])?.first?["y"] as? [Double])
        #expect(drawn.count <= 2 * 640)
        #expect(drawn.contains(50))
        #expect(try #require(ChartXML.elements(named: "desc", in: root).first?.text).contains("1000000 points"))
    }

    @Test func lttbDownsamplingAlsoStaysSmall() {
        let x = (0..<200_000).map(Double.init)
        let markup = Self.chart([ChartSeries(name: "a", x: x, y: x.map { sqrt($0) })], downsampling: .lttb)
        #expect(markup.utf8.count < 60_000)
    }

    @Test func logScaleLeavesOutNonPositiveValuesWithANote() throws {
        let markup = Self.chart(
            [ChartSeries(name: "lr", x: [0, 1, 2, 3, 4], y: [1e-5, 0, -3, 1e-3, 0.1])], scale: .log
        )
        let root = try #require(try ChartXML.parse(markup))
        let texts = ChartXML.elements(named: "text", in: root).map(\.text)
        #expect(texts.contains("2 values ≤ 0 not shown (log scale)"))
        #expect(texts.contains("1e-5"))  // a decade tick in compact form
        let description = try #require(ChartXML.elements(named: "desc", in: root).first?.text)
        #expect(description.contains("2 non-positive left out"))
        #expect(!markup.contains("NaN"))
        let line = try #require(Self.paths(markup, class: "cc-line").first)
        #expect(line.filter { $0 == "M" }.count == 2)  // the point before the gap, then the two after
    }

    @Test func emptyInputGivesAnAccessibleNoDataChart() throws {
        for series in [[], [ChartSeries(name: "a", x: [], y: [])], [ChartSeries(name: "a", x: [1], y: [.nan])]] {
            let markup = Self.chart(series)
            let root = try #require(try ChartXML.parse(markup))
            let texts = ChartXML.elements(named: "text", in: root).map(\.text)
            #expect(texts.contains("No data"))
            #expect(ChartXML.elements(named: "svg", in: root).first?.attribute("role") == "img")
            #expect(ChartXML.elements(named: "desc", in: root).first?.text.contains("no data") == true)
        }
    }

    @Test func allNegativeOnALogScaleSaysNoData() {
        #expect(Self.chart([ChartSeries(name: "a", x: [0, 1], y: [-1, -2])], scale: .log).contains("No data"))
    }

    @Test func onePointAndAllEqualValuesAreDrawn() throws {
        for series in [
            ChartSeries(name: "one", x: [5], y: [3]),
            ChartSeries(name: "flat", x: [0, 1, 2], y: [7, 7, 7]),
            ChartSeries(name: "zero", x: [0, 1], y: [0, 0]),
        ] {
            let markup = Self.chart([series])
            _ = try ChartXML.parse(markup)
            let line = try #require(Self.paths(markup, class: "cc-line").first)
            #expect(line.hasPrefix("M"))
            #expect(!markup.contains("NaN"))
        }
    }

    @Test func coordinatesHaveAtMostOneDecimal() throws {
        let x = (0..<5000).map { Double($0) * 0.37 }
        let markup = Self.chart([ChartSeries(name: "a", x: x, y: x.map { cos($0) * 1234.5678 })])
        let line = try #require(Self.paths(markup, class: "cc-line").first)
        let numbers = line.split { "MLh ".contains($0) }
        #expect(!numbers.isEmpty)
        #expect(numbers.allSatisfy { $0.split(separator: ".").dropFirst().first.map { $0.count <= 1 } ?? true })
    }

    @Test func tickLabelsAreCompactAndNice() throws {
        let x = (0..<100).map { Double($0) * 1000 }
        let markup = Self.chart([ChartSeries(name: "a", x: x, y: x.map { $0 * 2e-9 })])
        let root = try #require(try ChartXML.parse(markup))
        let texts = ChartXML.elements(named: "text", in: root).map(\.text)
        #expect(texts.contains("20k"))
        #expect(texts.contains("80k"))
        #expect(texts.contains("1e-4"))
    }

    @Test(arguments: [ChartScale.linear, .log])
    func extremeValuesNeitherCrashNorPrintNaN(scale: ChartScale) throws {
        for series in [
            ChartSeries(name: "huge", x: [0, 1, 2], y: [1e308, -1e308, 5]),
            ChartSeries(name: "wide", x: [-1e308, 1e308], y: [1, 2]),
            ChartSeries(name: "tiny", x: [0, 1, 2], y: [.leastNonzeroMagnitude, .leastNormalMagnitude, 1]),
            ChartSeries(name: "max", x: [0, 1], y: [.greatestFiniteMagnitude, .greatestFiniteMagnitude]),
        ] {
            let markup = Self.chart([series], scale: scale, smoothing: 0.5)
            _ = try ChartXML.parse(markup)
            #expect(!markup.contains("NaN"))
            #expect(!markup.lowercased().contains("inf"))
        }
    }

    @Test func wallTimeAxesAreLabelledAsDurations() throws {
        let x = (0...720).map { Double($0) * 10 }  // two hours in seconds
        let markup = LineChart.svg(LineChartSpec(
            title: "loss", xLabel: "relative time", yLabel: "loss",
            series: [ChartSeries(name: "a", x: x, y: x.map { 1 / (1 + $0) })], id: "c", xFormat: .duration
        ))
        let root = try #require(try ChartXML.parse(markup))
        let ticks = try #require(ChartXML.elements(named: "g", in: root).first { $0.attribute("class") == "cc-xticks" })
        #expect(ticks.children.map(\.text) == ["0s", "30m", "1h", "1h30m", "2h"])
        #expect(try #require(ChartXML.elements(named: "desc", in: root).first?.text).contains("at 2h"))
        #expect(markup.contains("\"xFormat\":\"duration\""))
    }

    @Test func manySeriesKeepTheLegendShort() throws {
        let series = (0..<40).map { ChartSeries(name: "rank \($0)", x: [0, 1], y: [Double($0), 1]) }
        let markup = Self.chart(series)
        let root = try #require(try ChartXML.parse(markup))
        let texts = ChartXML.elements(named: "text", in: root).map(\.text)
        #expect(texts.contains("+28 more"))
        #expect(Self.paths(markup, class: "cc-line").count == 40)
    }

    @Test func manyLongSeriesShareThePointBudget() {
        let x = (0..<100_000).map(Double.init)
        let series = (0..<64).map { rank in ChartSeries(name: "rank \(rank)", x: x, y: x.map { sin($0 + Double(rank)) }) }
        let markup = Self.chart(series)
        #expect(markup.utf8.count < 600_000)
        #expect(Self.paths(markup, class: "cc-line").count == 64)
    }

    /// The `d` attributes of the paths of a class, in order.
    static func paths(_ markup: String, class name: String) -> [String] {
        guard let root = try? ChartXML.parse(markup) else { return [] }  // parse failures are tested elsewhere
        return ChartXML.elements(named: "path", in: root)
            .filter { $0.attribute("class") == name }
            .compactMap { $0.attribute("d") }
    }
}
