import Cohort
import CohortModel
import CohortTestSupport
import Testing

extension Semantics {
    /// W&B's `run.config` rules: values are kept as nested JSON, and changing a key's value needs
    /// `allowValChange` (semantics.md §0 and `wandb_config.py`, checked against wandb 0.31).
    @Suite("Semantics: config")
    struct ConfigTests {
        @Test("the initial config keeps nested values as a tree")
        func nestedValuesKept() async throws {
            try await SemanticsHarness.withRun(config: [
                "lr": 0.001, "opt": ["name": "adam", "beta": 0.9] as NestedLog,
            ]) { run in
                #expect(run.config["lr"] == 0.001)
                #expect(run.config["opt"] == ["name": "adam", "beta": 0.9])
                #expect(run.config.value(at: ["opt", "beta"]) == 0.9)
                #expect(run.config.values.count == 2)
            }
        }

        @Test("update adds new keys and keeps the old ones")
        func updateAddsKeys() async throws {
            try await SemanticsHarness.withRun(config: ["lr": 0.001]) { run in
                try run.config.update(["batch": 32, "layers": [64, 64]])
                try run.config.set("name", "small")
                #expect(run.config.values == ["lr": 0.001, "batch": 32, "layers": [64, 64], "name": "small"])
            }
        }

        @Test("setting a key to the value it already holds is allowed, and 1 equals 1.0 as in Python")
        func sameValueIsAllowed() async throws {
            try await SemanticsHarness.withRun(config: ["lr": 1, "opt": ["beta": 0.9] as NestedLog]) { run in
                try run.config.update(["lr": 1, "opt": ["beta": 0.9]])
                try run.config.update(["lr": 1.0])
                #expect(run.config["lr"]?.number == 1)
            }
        }

        @Test(
            "changing a value without allowValChange throws configValueChange and changes nothing",
            arguments: [
                ["lr": JSONValue.int(2)], ["opt": ["name": "sgd"]], ["bs": true], ["lr": 2, "new": 1],
            ])
        func changeNeedsAllowValChange(_ change: [String: JSONValue]) async throws {
            try await SemanticsHarness.withRun(config: [
                "lr": 1, "bs": 32, "opt": ["name": "adam", "beta": 0.9] as NestedLog,
            ]) { run in
                let before = run.config.values
                let error = #expect(throws: CohortError.self) {
                    try run.config.update(change.mapValues { $0 as any Loggable })
                }
                #expect(error?.code == .configValueChange)
                #expect(run.config.values == before)
            }
        }

        @Test("allowValChange replaces the value; a nested value is replaced whole, not merged")
        func allowValChangeReplaces() async throws {
            try await SemanticsHarness.withRun(config: ["lr": 1, "opt": ["name": "adam", "beta": 0.9] as NestedLog]) {
                run in
                try run.config.update(["lr": 2, "opt": ["name": "sgd"]], allowValChange: true)
                #expect(run.config["lr"] == 2)
                #expect(run.config["opt"] == ["name": "sgd"])
            }
        }

        @Test("config changes are journaled: the run read back from disk has the final config")
        func configIsJournaled() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", config: ["lr": 1], mode: .offline, dir: directory.path,
                settings: SemanticsHarness.settings())
            try run.config.update(["lr": 3, "opt": ["name": "sgd"]], allowValChange: true)
            await run.finish()
            let local = try #require(LocalRun.list(under: directory.path).first)
            #expect(local.config == ["lr": 3, "opt": ["name": "sgd"]])
        }

        @Test("config updates after finish throw runFinished")
        func updateAfterFinish() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            await run.finish()
            let error = #expect(throws: CohortError.self) { try run.config.update(["lr": 1]) }
            #expect(error?.code == .runFinished)
        }
    }
}
