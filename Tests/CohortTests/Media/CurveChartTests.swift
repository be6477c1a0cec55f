import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("PR and ROC curves")
    struct CurveChartTests {
        struct Case: Sendable {
            var kind: String
            var key: String
            var yTrue: [Int]
            var yProbas: [[Double]]
            var labels: [String]? = nil
            var classesToPlot: [Int]? = nil
            var interpolationSize = 21

            var json: JSONValue {
                var object: [String: JSONValue] = [
                    "kind": .string(kind), "key": .string(key), "y_true": .array(yTrue.map { .int(Int64($0)) }),
                    "y_probas": .array(yProbas.map { .array($0.map(JSONValue.double)) }), "interp_size": .int(Int64(interpolationSize)),
                ]
                object["labels"] = labels.map { .array($0.map(JSONValue.string)) } ?? .null
                object["classes_to_plot"] = classesToPlot.map { .array($0.map { .int(Int64($0)) }) } ?? .null
                return .object(object)
            }

            func chart() throws -> CustomChart {
                kind == "pr"
                    ? try CustomChart.precisionRecall(
                        yTrue: yTrue, yProbas: yProbas, labels: labels, classesToPlot: classesToPlot, interpolationSize: interpolationSize)
                    : try CustomChart.rocCurve(yTrue: yTrue, yProbas: yProbas, labels: labels, classesToPlot: classesToPlot)
            }
        }

        static let small: (yTrue: [Int], yProbas: [[Double]]) = (
            [0, 1, 2, 1, 0, 2, 1],
            [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3], [0.5, 0.25, 0.25], [0.2, 0.2, 0.6], [0.6, 0.3, 0.1]]
        )

        /// `count` samples of three classes with scores on a 1/1,000,000 grid (some ties), from a fixed seed.
        static func large(_ count: Int, seed: UInt64) -> (yTrue: [Int], yProbas: [[Double]]) {
            var generator = SplitMix64(seed: seed)
            var yTrue: [Int] = []
            var yProbas: [[Double]] = []
            for _ in 0..<count {
                let truth = Int(generator.next() % 3)
                yTrue.append(truth)
                yProbas.append((0..<3).map { column in
                    let noise = Double(generator.next() % 1_000_000) / 1_000_000
                    return column == truth ? (noise + 0.4).truncatingRemainder(dividingBy: 1) : noise
                })
            }
            return (yTrue, yProbas)
        }

        static let cases: [Case] = {
            let big = large(12_000, seed: 7)
            let gaps = (yTrue: [0, 2, 5, 5, 2, 0, 5], yProbas: small.yProbas)
            let one: [[Double]] = [[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]]
            return [
                Case(kind: "pr", key: "pr", yTrue: small.yTrue, yProbas: small.yProbas, labels: ["cat", "dog", "bird"]),
                Case(kind: "roc", key: "roc", yTrue: small.yTrue, yProbas: small.yProbas),
                Case(kind: "pr", key: "pr_gaps", yTrue: gaps.yTrue, yProbas: gaps.yProbas, labels: ["a", "b", "c", "d", "e", "f"], classesToPlot: [2, 5]),
                Case(kind: "roc", key: "roc_gaps", yTrue: gaps.yTrue, yProbas: gaps.yProbas, classesToPlot: [0, 5, 9]),
                Case(kind: "roc", key: "roc_big", yTrue: big.yTrue, yProbas: big.yProbas, labels: ["zebra", "ant", "Moose"]),
                Case(kind: "pr", key: "pr_big", yTrue: big.yTrue, yProbas: big.yProbas, labels: ["zebra", "ant", "Moose"], interpolationSize: 4_001),
                Case(kind: "pr", key: "pr_big_plain", yTrue: big.yTrue, yProbas: big.yProbas, interpolationSize: 3_500),
                // One class only: no negatives, so scikit-learn's false positive rate is NaN (0 / 0).
                Case(kind: "roc", key: "roc_one_class", yTrue: [0, 0, 0, 0], yProbas: one, labels: ["a", "b"]),
                Case(kind: "pr", key: "pr_one_class", yTrue: [0, 0, 0, 0], yProbas: one, labels: ["a", "b"]),
            ]
        }()

        @Test(
            "pr_curve and roc_curve tables (values, order, W&B's 10,000-row stratified sample) and panels equal wandb's",
            .enabled(if: MediaHarness.pythonAvailable))
        func parity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-curves")
            defer { directory.remove() }
            let specPath = directory.appending("curves.json")
            try Data(JSONWriter.bytes(.array(Self.cases.map(\.json)))).write(to: URL(fileURLWithPath: specPath))
            let reference = try JSONParser.parse(try MediaHarness.python(["curves", specPath], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirVisualize = try #require(reference["config"]?["_wandb"]?["visualize"]?.objectValue)
            try #require(theirRows.count == Self.cases.count)
            // The large cases must go through the sample, or the test would not check it.
            for key in ["roc_big_table", "pr_big_table", "pr_big_plain_table"] {
                let rows = theirRows.first { $0[key] != nil }?[key]
                try #require(rows?["nrows"]?.intValue == Int64(Table.maximumLoggedRows), "\(key) was not sampled by wandb")
            }
            try await MediaHarness.withRun { run, _ in
                for testCase in Self.cases { try run.log([testCase.key: testCase.chart()]) }
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                try #require(ourRows.count == theirRows.count)
                for (testCase, (ours, theirs)) in zip(Self.cases, zip(ourRows, theirRows)) {
                    let key = testCase.key + "_table"
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    let expected = MediaHarness.shape(theirs[key] ?? .null)
                    #expect(MediaHarness.shape(ours[key] ?? .null) == expected, "\(key)")
                    #expect(ours[key]?["nrows"] == theirs[key]?["nrows"], "\(key)")
                    let ourTable = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + (ours[key]?["path"]?.stringValue ?? "")))
                    let theirTable = try #require(reference["tables"]?[key])
                    Self.expectEqualTables(ourTable, theirTable, key: key)
                    #expect(run.config.value(at: ["_wandb", "visualize", testCase.key]) == theirVisualize[testCase.key], "\(testCase.key)")
                }
            }
        }

        /// Same columns, same rows in the same order: equal class cells and numbers within 1e-9 (NaN
        /// where wandb has NaN).
        static func expectEqualTables(_ ours: JSONValue, _ theirs: JSONValue, key: String) {
            #expect(ours["columns"] == theirs["columns"], "\(key)")
            let ourData = ours["data"]?.arrayValue ?? []
            let theirData = theirs["data"]?.arrayValue ?? []
            #expect(ourData.count == theirData.count, "\(key)")
            var mismatches = 0
            for (index, (ourRow, theirRow)) in zip(ourData, theirData).enumerated() {
                let (ourCells, theirCells) = (ourRow.arrayValue ?? [], theirRow.arrayValue ?? [])
                let sameClass = ourCells.first == theirCells.first
                let ourNumbers = ourCells.dropFirst().compactMap(\.number)
                let theirNumbers = theirCells.dropFirst().compactMap(\.number)
                let sameNumbers = ourNumbers.count == 2 && theirNumbers.count == 2
                    && zip(ourNumbers, theirNumbers).allSatisfy { $0.isNaN ? $1.isNaN : abs($0 - $1) <= 1e-9 }
                if !(sameClass && sameNumbers) {
                    mismatches += 1
                    if mismatches <= 3 { Issue.record("\(key) row \(index): ours \(ourRow), wandb's \(theirRow)") }
                }
            }
            #expect(mismatches == 0, "\(key): \(mismatches) rows differ")
        }

        @Test(
            "bad curve input throws naming the argument",
            arguments: [
                ("yTrue", Case(kind: "pr", key: "", yTrue: [], yProbas: [])),
                ("yProbas has 1 rows", Case(kind: "roc", key: "", yTrue: [0, 1], yProbas: [[0.5, 0.5]])),
                ("yProbas row 1", Case(kind: "pr", key: "", yTrue: [0, 1], yProbas: [[0.5, 0.5], [0.5]])),
                ("yProbas has 1 columns", Case(kind: "roc", key: "", yTrue: [0, 1], yProbas: [[0.5], [0.5]])),
                ("non-finite", Case(kind: "pr", key: "", yTrue: [0, 1], yProbas: [[0.5, .nan], [0.5, 0.2]])),
                ("labels", Case(kind: "roc", key: "", yTrue: [0, 3], yProbas: [[0.5, 0.5], [0.1, 0.9]], labels: ["a", "b"])),
                ("classesToPlot", Case(kind: "pr", key: "", yTrue: [0, 1], yProbas: [[0.5, 0.5], [0.1, 0.9]], classesToPlot: [7])),
                ("interpolationSize", Case(kind: "pr", key: "", yTrue: [0, 1], yProbas: [[0.5, 0.5], [0.1, 0.9]], interpolationSize: 0)),
            ])
        func badInput(problem: String, testCase: Case) {
            let error = #expect(throws: CohortError.self) { _ = try testCase.chart() }
            #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
        }
    }
}
