import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Custom charts")
    struct CustomChartTests {
        @Test("line, scatter, bar and histogram log their table as <key>_table and W&B's panel into config _wandb.visualize", .enabled(if: MediaHarness.pythonAvailable))
        func parity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-plots")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["plots"], directory: directory.path))
            let theirRows = (reference["rows"]?.arrayValue ?? []).compactMap(\.objectValue).map(SemanticsHarness.userKeys(keepingStep: false))
            let theirVisualize = try #require(reference["config"]?["_wandb"]?["visualize"]?.objectValue)
            try #require(theirRows.count == 4)
            try await MediaHarness.withRun { run, _ in
                let table = try Table(columns: ["epoch", "loss", "name"], data: [[1, 0.9, "a"], [2, 0.5, "b"]])
                try run.log(["curve": CustomChart.line(table, x: "epoch", y: "loss", title: "Loss")])
                try run.log(["points": CustomChart.scatter(table, x: "epoch", y: "loss", title: "Scatter")])
                try run.log(["bars": CustomChart.bar(table, label: "name", value: "loss", title: "Bars", splitTable: true)])
                try run.log(["spread": run.plotTable(vegaSpecName: "wandb/histogram/v0", dataTable: table, fields: ["value": "loss"], stringFields: ["title": "Spread"])])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                for (ours, theirs) in zip(ourRows, theirRows) {
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    for key in theirs.keys {
                        let expected = MediaHarness.shape(theirs[key] ?? .null, ignoring: MediaParityTests.artifactKeys)
                        #expect(MediaHarness.shape(ours[key] ?? .null) == expected, "\(key)")
                        #expect(ours[key]?["sha256"] == theirs[key]?["sha256"], "\(key): table bytes")
                    }
                }
                for key in ["curve", "points", "bars", "spread"] {
                    #expect(run.config.value(at: ["_wandb", "visualize", key]) == theirVisualize[key], "\(key)")
                }
            }
        }
    }
}
