import CohortCharts
import Testing

/// Many small random inputs, with gaps, infinities, duplicates and unsorted x, from a fixed seed: every
/// chart must be well-formed XML without "NaN", and the downsamplers must keep their promises.
@Suite struct RandomInputTests {
    /// SplitMix64, so every run draws the same inputs.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func value(_ generator: inout SeededGenerator) -> Double {
        switch Int.random(in: 0..<20, using: &generator) {
        case 0: .nan
        case 1: .infinity
        case 2: -.infinity
        case 3: 0
        case 4: -Double.random(in: 0..<1000, using: &generator)
        case 5: Double.random(in: -1e12...1e12, using: &generator)
        default: Double.random(in: 0..<10, using: &generator)
        }
    }

    @Test func randomSeriesAlwaysGiveWellFormedCharts() throws {
        var generator = SeededGenerator(state: 7)
        for round in 0..<150 {
            let count = [0, 1, 2, 3, 10, 500, 5000].randomElement(using: &generator) ?? 0
            var x = (0..<count).map(Double.init)
            if Bool.random(using: &generator) { x = x.map { _ in Self.value(&generator) } }
            let y = (0..<count).map { _ in Self.value(&generator) }
            let spec = LineChartSpec(
                title: "t", xLabel: "x", yLabel: "y", series: [ChartSeries(name: "s", x: x, y: y)],
                bands: round % 3 == 0 ? [ChartBand(name: "b", x: x, low: y, high: y.map { $0 + 1 })] : [],
                yScale: round % 2 == 0 ? .linear : .log, smoothing: round % 4 == 0 ? 0.8 : 0,
                width: [120, 320, 640].randomElement(using: &generator) ?? 640, id: "r\(round)",
                downsampling: round % 5 == 0 ? .lttb : .minMax, xFormat: round % 7 == 0 ? .duration : .number
            )
            let markup = LineChart.svg(spec)
            #expect(throws: Never.self) { _ = try ChartXML.parse(markup) }
            #expect(!markup.contains("NaN"), "round \(round)")

            let buckets = Int.random(in: 1...50, using: &generator)
            let reduced = Downsampler.minMax(x: x, y: y, buckets: buckets)
            #expect(reduced.x.count <= max(count, 5 * buckets))
            let threshold = Int.random(in: 0...100, using: &generator)
            let sampled = Downsampler.lttb(x: x, y: y, threshold: threshold)
            let finite = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }.count
            #expect(sampled.x.count == min(threshold, finite))
        }
    }

    @Test func randomHistogramsAlwaysGiveWellFormedCharts() throws {
        var generator = SeededGenerator(state: 11)
        for round in 0..<60 {
            let steps = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in
                let bins = Int.random(in: 0..<20, using: &generator)
                let start = Self.value(&generator)
                let edges = (0...bins).map { start + Double($0) * Double.random(in: 0..<2, using: &generator) }
                return HistogramStep(
                    step: Self.value(&generator), edges: edges, counts: (0..<bins).map { _ in Self.value(&generator) }
                )
            }
            let markup = HistogramChart.svg(title: "h", id: "h\(round)", steps: steps)
            #expect(throws: Never.self) { _ = try ChartXML.parse(markup) }
            #expect(!markup.contains("NaN"), "round \(round)")
        }
    }
}
