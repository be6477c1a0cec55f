import Cohort
import CohortModel
import CohortTestSupport
import Testing

extension Semantics {
    /// semantics.md §2.6: `defineMetric`.
    @Suite("Semantics §2.6: defineMetric")
    struct DefineMetricTests {
        @Test("aggregates apply retroactively: log 1 and 5, then define min, max, mean gives {max 5, min 1, mean 3}")
        func retroactiveAggregates() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["m": 1])
                try run.log(["m": 5])
                #expect(run.summary["m"] == 5)
                try run.defineMetric("m", summary: [.min, .max, .mean])
                let m = try #require(run.summary["m"])
                #expect(m["max"] == 5)
                #expect(m["min"] == 1)
                #expect(m["mean"]?.number == 3)
                #expect(m.objectValue?.count == 3)
            }
        }

        @Test(
            "a definition made before the first log aggregates from the first value",
            arguments: [
                (MetricSummary.min, JSONValue.int(1)), (.max, .int(7)), (.mean, .double(4)), (.first, .int(4)),
                (.last, .int(7)),
            ])
        func definitionBeforeLogging(_ aggregate: MetricSummary, _ expected: JSONValue) async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("v", summary: [aggregate])
                for value in [4, 1, 7] { try run.log(["v": value]) }
                let shown = try #require(run.summary["v"]?[aggregate.rawValue])
                #expect(shown.number == expected.number)
                #expect(run.summary["v"]?.objectValue?.count == 1)
            }
        }

        @Test("a glob gives every matching key its aggregates and leaves other keys alone")
        func globMatchesPrefix() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("val/*", summary: [.max])
                try run.log(["val/a": 1, "val/b": 5, "train/a": 1])
                try run.log(["val/a": 3, "val/b": 1, "train/a": 0])
                #expect(SemanticsHarness.summary(run) == ["val/a": ["max": 3], "val/b": ["max": 5], "train/a": 0])
            }
        }

        @Test("a glob defined after a key was logged applies when the key is next logged, then over all its values")
        func globAppliesOnNextLog() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["val/a": 1])
                try run.log(["val/a": 3])
                try run.defineMetric("val/*", summary: [.max])
                #expect(run.summary["val/a"] == 3)
                try run.log(["val/a": 2])
                #expect(run.summary["val/a"] == ["max": 3])
            }
        }

        @Test("a glob defined later still applies to keys seen while other globs were defined")
        func laterGlobAfterOtherGlob() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("x*", summary: [.min])
                try run.log(["val/a": 4])
                try run.defineMetric("val/*", summary: [.max])
                try run.log(["val/a": 2])
                #expect(run.summary["val/a"] == ["max": 4])
            }
        }

        @Test("a catch-all glob leaves _step, _runtime, _timestamp and other keys starting with _ alone")
        func globSkipsUnderscoreKeys() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("*", summary: [.max])
                try run.log(["_hidden": 2, "loss": 1, "eval": ["_f1": 1]])
                try run.log(["_hidden": 1, "loss": 0, "eval": ["_f1": 0]])
                let summary = run.summary.values
                #expect(summary["_hidden"] == 1)
                #expect(summary["_step"] == 1)
                #expect(summary["_runtime"]?.number != nil)
                #expect(summary["_timestamp"]?.number != nil)
                #expect(summary["loss"] == ["max": 1])
                #expect(summary["eval"] == ["_f1": ["max": 1]])
            }
        }

        @Test("a glob matches nested keys by their dot-joined name")
        func globMatchesNestedKeys() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("ev*", summary: [.min])
                try run.log(["ev": ["x": 3]])
                try run.log(["ev": ["x": 1]])
                #expect(run.summary["ev"] == ["x": ["min": 1]])
            }
        }

        // MARK: step metrics

        @Test("step sync inserts 0 when the step metric was never logged")
        func stepSyncInsertsZero() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("loss", stepMetric: "epoch")
                try run.log(["loss": 1])
                #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "loss": 1, "epoch": 0]])
            }
        }

        @Test("step sync inserts the last numeric value of the step metric into rows that lack it")
        func stepSyncInsertsLastValue() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("loss", stepMetric: "epoch")
                try run.log(["epoch": 3])
                try run.log(["loss": 2])
                try run.log(["epoch": "not a number"])
                try run.log(["loss": 3, "epoch": 9])
                try run.log(["loss": 4])
                try run.log(["unrelated": 1])
                #expect(
                    try await SemanticsHarness.rows(run) == [
                        ["_step": 0, "epoch": 3], ["_step": 1, "loss": 2, "epoch": 3],
                        ["_step": 2, "epoch": "not a number"], ["_step": 3, "loss": 3, "epoch": 9],
                        ["_step": 4, "loss": 4, "epoch": 9], ["_step": 5, "unrelated": 1],
                    ])
            }
        }

        @Test("step sync writes a dotted step metric as a nested value")
        func stepSyncNestedStepMetric() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("loss", stepMetric: "trainer.epoch")
                try run.log(["trainer": ["epoch": 2]])
                try run.log(["loss": 1])
                let rows = try await SemanticsHarness.rows(run)
                #expect(rows.last == ["_step": 1, "loss": 1, "trainer": ["epoch": 2]])
            }
        }

        @Test("stepSync: false leaves rows alone")
        func stepSyncOff() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("loss", stepMetric: "epoch", stepSync: false)
                try run.log(["epoch": 3])
                try run.log(["loss": 1])
                #expect(try await SemanticsHarness.rows(run).last == ["_step": 1, "loss": 1])
            }
        }

        @Test("step sync covers keys matched by a glob")
        func stepSyncThroughGlob() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("val/*", stepMetric: "epoch")
                try run.log(["epoch": 2])
                try run.log(["val/loss": 1])
                #expect(try await SemanticsHarness.rows(run).last == ["_step": 1, "val/loss": 1, "epoch": 2])
            }
        }

        // MARK: merging

        @Test("a second definition merges: summary choices are combined")
        func definitionsMerge() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("m", summary: [.min])
                try run.defineMetric("m", summary: [.max])
                try run.log(["m": 1])
                try run.log(["m": 5])
                #expect(run.summary["m"] == ["min": 1, "max": 5])
            }
        }

        @Test("overwrite: true replaces the definition")
        func overwriteReplaces() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("m", summary: [.min, .max])
                try run.log(["m": 1])
                try run.log(["m": 5])
                try run.defineMetric("m", summary: [.mean], overwrite: true)
                #expect(run.summary["m"] == ["mean": 3.0])
            }
        }

        @Test("a merge keeps step sync on; overwrite can turn it off")
        func stepSyncMergeAndOverwrite() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("loss", stepMetric: "epoch")
                try run.defineMetric("loss", summary: [.min])
                try run.log(["loss": 1])
                #expect(try await SemanticsHarness.rows(run).last?["epoch"] == 0)
                try run.defineMetric("loss", summary: [.min], overwrite: true)
                try run.log(["loss": 2])
                #expect(try await SemanticsHarness.rows(run).last == ["_step": 1, "loss": 2])
            }
        }

        @Test("summary .none keeps the key out of the summary")
        func noneHides() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("h", summary: [.none])
                try run.log(["h": 1, "v": 2])
                #expect(SemanticsHarness.summary(run) == ["v": 2])
                #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "h": 1, "v": 2]])
            }
        }

        @Test("a later definition with aggregates brings a .none key back")
        func noneThenAggregate() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("h", summary: [.none])
                try run.log(["h": 1])
                try run.log(["h": 3])
                try run.defineMetric("h", summary: [.max])
                #expect(run.summary["h"] == ["max": 3])
            }
        }

        @Test(".none combined with aggregates wins: the key stays out of the summary")
        func noneWinsInCombination() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("h2", summary: [.none, .max])
                try run.log(["h2": 1])
                #expect(run.summary["h2"] == nil)
            }
        }

        // MARK: names

        @Test("invalid metric names throw invalidArgument", arguments: ["", "a*b", "*a", "a**", "*val*"])
        func invalidNamesThrow(_ name: String) async throws {
            try await SemanticsHarness.withRun { run in
                let error = #expect(throws: CohortError.self) { try run.defineMetric(name, summary: [.max]) }
                #expect(error?.code == .invalidArgument)
            }
        }

        @Test("a glob with a single trailing * is accepted", arguments: ["*", "val/*", "a.b*"])
        func globNamesAccepted(_ name: String) async throws {
            try await SemanticsHarness.withRun { run in
                #expect(throws: Never.self) { try run.defineMetric(name, summary: [.max]) }
            }
        }

        @Test("a dotted name addresses the nested leaf, not a literal key containing the dot")
        func dottedNameAddressesNestedLeaf() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("n.a", summary: [.max])
                for value in [1, 3, 2] { try run.log(["n.a": value, "n": ["a": value]]) }
                #expect(run.summary["n"] == ["a": ["max": 3]])
                #expect(run.summary["n.a"] == 2)
            }
        }

        @Test("an escaped dot (a\\.b) addresses the literal key containing the dot")
        func escapedDotAddressesLiteralKey() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("m\\.a", summary: [.max])
                for value in [1, 3, 2] { try run.log(["m.a": value, "m": ["a": value]]) }
                #expect(run.summary["m.a"] == ["max": 3])
                #expect(run.summary["m"] == ["a": 2])
            }
        }
    }
}
