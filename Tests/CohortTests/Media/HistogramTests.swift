import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Histogram")
    struct HistogramTests {
        /// Sequences with edge cases: negatives, a constant, values on bin edges, a wide range,
        /// an outlier, and integers.
        static let cases: [(values: [Double], bins: Int)] = {
            var generator = SplitMix64(seed: 42)
            let normal = (0..<10_000).map { _ in generator.normal() }
            return [
                ([1, 2, 3, 4, 5.5], 64),
                (normal, 64),
                (normal, 512),
                (normal, 7),
                ([3, 3, 3], 64),
                ([-2.5], 10),
                ((0...100).map(Double.init), 10),
                ((0..<1000).map { Double($0) * 0.1 }, 33),
                ([1e-9, 2e-9, 1e12], 64),
                ((0..<5000).map { _ in generator.uniform() * 1e-3 - 5e-4 }, 100),
            ]
        }()

        @Test("values and bins equal wandb.Histogram's (numpy) for the same arrays", .enabled(if: MediaHarness.pythonAvailable))
        func parityWithWandb() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let spec: JSONValue = .array(Self.cases.map { ["values": .array($0.values.map(JSONValue.double)), "bins": .int(Int64($0.bins))] })
            let specPath = directory.appending("spec.json")
            try Data(JSONWriter.bytes(spec)).write(to: URL(fileURLWithPath: specPath))
            let reference = try JSONParser.parse(try MediaHarness.python(["hist", specPath], directory: directory.path)).arrayValue ?? []
            try #require(reference.count == Self.cases.count)
            for (index, testCase) in Self.cases.enumerated() {
                let ours = try Histogram(testCase.values, bins: testCase.bins).jsonValue
                #expect(ours["_type"] == reference[index]["_type"])
                #expect(ours["values"] == reference[index]["values"], "case \(index)")
                let ourEdges = ours["bins"]?.arrayValue?.compactMap(\.number) ?? []
                let theirEdges = reference[index]["bins"]?.arrayValue?.compactMap(\.number) ?? []
                #expect(ourEdges == theirEdges, "case \(index): bin edges differ")
            }
        }

        @Test("64 bins by default; a constant sequence spans v ± 0.5; every value is counted once")
        func defaults() throws {
            let histogram = try Histogram([Float](repeating: 2, count: 9))
            #expect(histogram.values.count == 64 && histogram.edges.count == 65)
            #expect(histogram.edges.first == 1.5 && histogram.edges.last == 2.5)
            #expect(histogram.values.reduce(0, +) == 9)
            let ints = try Histogram([1, 2, 3, 4], bins: 3)
            #expect(ints.values == [1, 1, 2])  // the last bin is closed on the right
        }

        @Test("a precomputed histogram is logged as given, and its row holds W&B's descriptor")
        func precomputed() async throws {
            try await MediaHarness.withRun { run, _ in
                try run.log(["lat": Histogram(bins: [3, 5, 1], edges: [0, 1, 2, 3])])
                let rows = try await MediaHarness.rows(run)
                #expect(rows.first?["lat"] == ["_type": "histogram", "values": [3, 5, 1], "bins": [0.0, 1.0, 2.0, 3.0]])
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }

        @Test("bad input is refused: empty, non-finite, too many bins, edges that do not fit")
        func badInput() {
            #expect(throws: CohortError.self) { try Histogram([Double]()) }
            #expect(throws: CohortError.self) { try Histogram([1, .nan, 2]) }
            #expect(throws: CohortError.self) { try Histogram([1.0, 2.0], bins: 513) }
            #expect(throws: CohortError.self) { try Histogram([1.0, 2.0], bins: 0) }
            #expect(throws: CohortError.self) { try Histogram(bins: [1, 2], edges: [0, 1]) }
            #expect(throws: CohortError.self) { try Histogram(bins: [Int](repeating: 0, count: 513), edges: [Double](repeating: 0, count: 514)) }
        }
    }
}

