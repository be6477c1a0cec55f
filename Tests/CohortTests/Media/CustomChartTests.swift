import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Custom charts")
    struct CustomChartTests {
        /// Integral doubles as integers, so `1.0` and `1` compare equal.
        static func numeric(_ value: JSONValue) -> JSONValue {
            switch value {
            case .double(let number) where number == number.rounded(): .int(Int64(number))
            case .array(let elements): .array(elements.map(numeric))
            case .object(let members): .object(members.mapValues(numeric))
            default: value
            }
        }

        @Test("line, scatter, bar, histogram, confusion matrix and line series log their table as <key>_table and W&B's panel into config _wandb.visualize", .enabled(if: MediaHarness.pythonAvailable))
        func parity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-plots")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["plots"], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirVisualize = try #require(reference["config"]?["_wandb"]?["visualize"]?.objectValue)
            try #require(theirRows.count == 7)
            try await MediaHarness.withRun { run, _ in
                let table = try Table(columns: ["epoch", "loss", "name"], data: [[1, 0.9, "a"], [2, 0.5, "b"]])
                try run.log(["curve": CustomChart.line(table, x: "epoch", y: "loss", title: "Loss")])
                try run.log(["points": CustomChart.scatter(table, x: "epoch", y: "loss", title: "Scatter")])
                try run.log(["bars": CustomChart.bar(table, label: "name", value: "loss", title: "Bars", splitTable: true)])
                try run.log(["spread": run.plotTable(vegaSpecName: "wandb/histogram/v0", dataTable: table, fields: ["value": "loss"], stringFields: ["title": "Spread"])])
                try run.log(["confusion": CustomChart.confusionMatrix(actual: [0, 1, 2, 1, 0], predicted: [0, 2, 2, 1, 1], classNames: ["cat", "dog", "bird"])])
                try run.log(["confusion_unnamed": CustomChart.confusionMatrix(actual: [3, 5, 5], predicted: [5, 5, 3])])
                try run.log(["series": CustomChart.lineSeries(xs: [[0, 1, 2]], ys: [[1, 0.5, 0.25], [1, 0.75, 0.5]], keys: ["train", "val"], title: "Loss", xName: "epoch")])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                for (ours, theirs) in zip(ourRows, theirRows) {
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    for key in theirs.keys {
                        let expected = MediaHarness.shape(theirs[key] ?? .null)
                        #expect(MediaHarness.shape(ours[key] ?? .null) == expected, "\(key)")
                        if !key.hasPrefix("confusion") && !key.hasPrefix("series") { #expect(ours[key]?["sha256"] == theirs[key]?["sha256"], "\(key): table bytes") }
                    }
                }
                // numpy writes the counts as 1.0; compare the confusion tables by value.
                for key in ["confusion_table", "confusion_unnamed_table", "series_table"] {
                    let ours = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + (ourRows.last { $0[key] != nil }?[key]?["path"]?.stringValue ?? "")))
                    let theirs = try #require(reference["tables"]?[key])
                    #expect(Self.numeric(ours) == Self.numeric(theirs), "\(key)")
                }
                for key in ["curve", "points", "bars", "spread", "confusion", "confusion_unnamed", "series"] {
                    #expect(run.config.value(at: ["_wandb", "visualize", key]) == theirVisualize[key], "\(key)")
                }
            }
        }
    }
}
