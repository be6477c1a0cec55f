import Cohort
import CohortModel
import CohortTestSupport
import Testing

extension Semantics {
    /// semantics.md §2.4 (summary auto-update) and §2.5 (manual summary writes).
    @Suite("Semantics §2.4–2.5: the summary")
    struct SummaryTests {
        // MARK: §2.4 auto-update

        @Test("by default the summary shows the latest logged value of every key")
        func latestByDefault() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["loss": 1.0, "name": "a"])
                try run.log(["loss": 3.0])
                try run.log(["loss": 2.0, "name": "b"])
                #expect(SemanticsHarness.summary(run) == ["loss": 2.0, "name": "b"])
            }
        }

        @Test("a pending row does not reach the summary until it is committed")
        func pendingRowNotInSummary() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["x": 1])
                try run.log(["x": 2], commit: false)
                #expect(run.summary["x"] == 1)
                try run.log(["y": 0])
                #expect(run.summary["x"] == 2)
            }
        }

        @Test("the summary holds _step, _runtime and _timestamp of the last row")
        func internalKeysInSummary() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["x": 1])
                try run.log(["x": 2])
                try run.log(["x": 3], step: 7, commit: true)
                let summary = run.summary.values
                #expect(summary["_step"] == 7)
                let rows = try await run.history.rows()
                #expect(summary["_runtime"] == rows.last?["_runtime"])
                #expect(summary["_timestamp"] == rows.last?["_timestamp"])
            }
        }

        @Test("mean, min and max ignore non-numeric values; first and last take them (q: 2, \"text\", 4, 6)")
        func aggregatesIgnoreNonNumeric() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("q", summary: [.mean, .min, .max, .first, .last])
                for value: any Loggable in [2, "text", 4, 6] { try run.log(["q": value]) }
                let q = try #require(run.summary["q"])
                #expect(q["mean"]?.number == 4)
                #expect(q["min"] == 2)
                #expect(q["max"] == 6)
                #expect(q["first"] == 2)
                #expect(q["last"] == 6)
            }
        }

        @Test("first and last take any type: a string logged first is the first value")
        func firstTakesAnyType() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("t", summary: [.mean, .first, .last])
                for value: any Loggable in ["text", 2, 4] { try run.log(["t": value]) }
                #expect(run.summary["t"]?["first"] == "text")
                #expect(run.summary["t"]?["last"] == 4)
                #expect(run.summary["t"]?["mean"]?.number == 3)
            }
        }

        @Test("booleans are not numbers: they set first and last but not min, max or mean")
        func booleansAreNotNumbers() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("l", summary: [.min, .max, .mean, .first, .last])
                try run.log(["l": true])
                try run.log(["l": 2])
                #expect(run.summary["l"] == ["first": true, "last": 2, "min": 2, "max": 2, "mean": 2.0])
            }
        }

        @Test("a NaN poisons min, max and mean for good, as in W&B")
        func nanPoisonsAggregates() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("q", summary: [.min, .max, .mean, .last])
                for value in [1.0, .nan, 3.0, 0.5] { try run.log(["q": value]) }
                let q = try #require(run.summary["q"])
                #expect(SemanticsHarness.isNaN(q["min"]))
                #expect(SemanticsHarness.isNaN(q["max"]))
                #expect(SemanticsHarness.isNaN(q["mean"]))
                #expect(q["last"] == 0.5)
            }
        }

        @Test("aggregates of a key that only ever held non-numbers show W&B's zero values: min 0, max 0, mean NaN")
        func aggregatesWithoutNumbers() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("so", summary: [.min, .max, .mean])
                try run.log(["so": "a"])
                let so = try #require(run.summary["so"])
                #expect(so["min"]?.number == 0)
                #expect(so["max"]?.number == 0)
                #expect(SemanticsHarness.isNaN(so["mean"]))
            }
        }

        @Test("the summary of a nested key is nested too and aggregates per leaf")
        func nestedSummary() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("eval.f1", summary: [.max])
                try run.log(["eval": ["f1": 0.5, "p": 0.1]])
                try run.log(["eval": ["f1": 0.25, "p": 0.2]])
                #expect(run.summary["eval"] == ["f1": ["max": 0.5], "p": 0.2])
            }
        }

        // MARK: §2.5 manual writes

        @Test("a manual write sticks until the key is logged again")
        func manualWriteSticksUntilNextLog() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["acc": 0.5])
                run.summary["acc"] = 0.1
                try run.log(["other": 1])
                #expect(run.summary["acc"] == 0.1)
                try run.log(["acc": 0.2])
                #expect(run.summary["acc"] == 0.2)
            }
        }

        @Test("a manual write of an unlogged key is kept, with update writing several keys")
        func manualWritesOfNewKeys() async throws {
            try await SemanticsHarness.withRun { run in
                run.summary["best"] = 0.97
                run.summary.update(["epochs": 10, "tag": "final"])
                run.summary.set("ok", true)
                #expect(SemanticsHarness.summary(run) == ["best": 0.97, "epochs": 10, "tag": "final", "ok": true])
            }
        }

        @Test("a manual write resets the aggregates: max 0.9 becomes 0.1, then the next log shows 0.2")
        func manualWriteResetsAggregates() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("acc", summary: [.max])
                for value in [0.5, 0.9, 0.7] { try run.log(["acc": value]) }
                #expect(run.summary["acc"] == ["max": 0.9])
                run.summary["acc"] = 0.1
                #expect(run.summary["acc"] == 0.1)
                try run.log(["acc": 0.2])
                #expect(run.summary["acc"] == 0.2)
            }
        }

        @Test("aggregates come back only after defineMetric again, over logged values only (the §2.5 example)")
        func aggregatesReturnAfterRedefine() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("acc", summary: [.max])
                try run.log(["acc": 0.5])
                try run.log(["acc": 0.9])
                run.summary["acc"] = 5.0
                #expect(run.summary["acc"] == 5.0)
                try run.log(["acc": 0.2])
                #expect(run.summary["acc"] == 0.2)
                try run.defineMetric("acc", summary: [.max])
                #expect(run.summary["acc"] == ["max": 0.9])
                run.summary["acc"] = 7.0
                try run.defineMetric("acc", summary: [.max, .last])
                #expect(run.summary["acc"] == ["max": 0.9, "last": 7.0])
            }
        }

        @Test("a manual write before the first log of a defined metric turns its aggregates off")
        func manualWriteBeforeFirstLog() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("acc", summary: [.max])
                run.summary["acc"] = 0.1
                try run.log(["acc": 0.5])
                try run.log(["acc": 0.3])
                #expect(run.summary["acc"] == 0.3)
            }
        }

        @Test("first stays null when a manual write came before the first log")
        func firstAfterManualWrite() async throws {
            try await SemanticsHarness.withRun { run in
                run.summary["ef"] = 1
                try run.log(["ef": 2])
                try run.defineMetric("ef", summary: [.first, .last])
                #expect(run.summary["ef"] == ["first": .null, "last": 2])
            }
        }

        @Test("a manual dictionary is stored whole; a write at a nested path replaces what is in the way")
        func nestedManualWrites() async throws {
            try await SemanticsHarness.withRun { run in
                run.summary["cfg"] = ["x": 1, "y": ["z": 2]]
                #expect(run.summary["cfg"] == ["x": 1, "y": ["z": 2]])
                run.summary.set(path: ["a", "b"], 1)
                #expect(run.summary["a"] == ["b": 1])
                #expect(run.summary.value(at: ["a", "b"]) == 1)
                run.summary.set(path: ["cfg", "w"], 3)
                #expect(run.summary["cfg"] == ["w": 3])
            }
        }

        @Test("a manual write into a logged subtree changes one leaf and keeps its siblings")
        func manualWriteIntoLoggedSubtree() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["eval": ["f1": 0.5, "p": 0.25]])
                run.summary.set(path: ["eval", "f1"], 0.75)
                #expect(run.summary["eval"] == ["f1": 0.75, "p": 0.25])
            }
        }

        @Test("removing a leaf hides it until it is logged again; its aggregates keep running, first restarts")
        func removeLeaf() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("b", summary: [.max, .first])
                try run.log(["b": 0.5, "keep": 1])
                try run.log(["b": 0.9])
                run.summary.remove("b")
                #expect(run.summary["b"] == nil)
                #expect(run.summary["keep"] == 1)
                try run.log(["other": 1])
                #expect(run.summary["b"] == nil)
                try run.log(["b": 0.2])
                #expect(run.summary["b"] == ["max": 0.9, "first": 0.2])
            }
        }

        @Test("setting an entry to nil removes it")
        func settingNilRemoves() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["x": 1, "y": 2])
                run.summary["x"] = nil
                #expect(SemanticsHarness.summary(run) == ["y": 2])
            }
        }

        @Test("removing a nested leaf keeps its siblings")
        func removeNestedLeaf() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["nl": ["a": 1, "b": 2]])
                run.summary.remove(path: ["nl", "a"])
                #expect(run.summary["nl"] == ["b": 2])
            }
        }

        @Test("removing a subtree drops it whole, metric configuration included")
        func removeSubtree() async throws {
            try await SemanticsHarness.withRun { run in
                try run.defineMetric("st.x", summary: [.max])
                try run.log(["st": ["x": 5, "y": 1]])
                #expect(run.summary["st"] == ["x": ["max": 5], "y": 1])
                run.summary.remove("st")
                #expect(run.summary["st"] == nil)
                try run.log(["st": ["x": 2]])
                #expect(run.summary["st"] == ["x": 2])
            }
        }

        @Test("a logged subtree replaces a manual dictionary: {y: 1} then log {x: {z: 2}} leaves {z: 2}")
        func loggedSubtreeReplacesManualDictionary() async throws {
            try await SemanticsHarness.withRun { run in
                run.summary["x"] = ["y": 1]
                try run.log(["x": ["z": 2]])
                #expect(run.summary["x"] == ["z": 2])
            }
        }

        @Test(
            "the summary rebuilt from the journal equals the live one: writes, removals, definitions and globs replay")
        func summaryReplaysFromJournal() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.defineMetric("acc", summary: [.max])
            try run.defineMetric("val/*", summary: [.min, .first])
            try run.log(["acc": 0.5, "gone": 1, "val/loss": 3, "eval": ["f1": 0.1, "p": 1] as NestedLog])
            try run.log(["acc": 0.9, "val/loss": 2, "q": "text"])
            run.summary["best"] = "yes"
            run.summary.remove("gone")
            run.summary.remove("eval")
            run.summary["acc"] = 0.1
            try run.log(["val/loss": 4])
            try run.defineMetric("q", summary: [.none])
            let live = run.summary.values
            await run.finish()
            let local = try #require(LocalRun.list(under: directory.path).first)
            #expect(local.summary == live)
            #expect(
                local.summary.filter { !$0.key.hasPrefix("_") } == [
                    "acc": 0.1, "best": "yes", "val/loss": ["min": 2, "first": 3],
                ])
        }
    }
}
