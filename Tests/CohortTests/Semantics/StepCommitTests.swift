import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Semantics {
    /// semantics.md §2.2: `log(data, step:, commit:)` and W&B's step and commit rules.
    @Suite("Semantics §2.2: log steps and commits")
    struct StepCommitTests {
        @Test("the table of semantics.md §2.2, call by call: rows emitted and run.step after each call")
        func documentedTable() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["a": 1])
                #expect(run.step == 1)
                try run.log(["b": 2], commit: false)
                #expect(run.step == 1)
                try run.log(["c": 3])
                #expect(run.step == 2)
                try run.log(["d": 4], step: 5)
                try run.log(["e": 5], step: 5)
                #expect(run.step == 5)
                #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "a": 1], ["_step": 1, "b": 2, "c": 3]])

                try run.log(["f": 6], step: 3)
                #expect(run.step == 5)
                try run.log(["g": 7], step: 7, commit: true)
                #expect(run.step == 8)
                try run.log(["h": 8], step: 8, commit: false)
                try run.log(["h": 9], step: 8, commit: false)
                try run.log(["i": 10])
                #expect(run.step == 9)
                try run.log([:])
                #expect(run.step == 10)

                #expect(
                    try await SemanticsHarness.rows(run) == [
                        ["_step": 0, "a": 1], ["_step": 1, "b": 2, "c": 3], ["_step": 5, "d": 4, "e": 5],
                        ["_step": 7, "g": 7], ["_step": 8, "h": 9, "i": 10], ["_step": 9],
                    ])
            }
        }

        struct SingleCall: Sendable, CustomTestStringConvertible {
            let step: Int?
            let commit: Bool?
            /// The committed row's step, or `nil` when the row stays pending.
            let committedAt: Int64?
            let stepAfter: Int
            var testDescription: String {
                "log(step: \(step.map(String.init) ?? "nil"), commit: \(commit.map(String.init) ?? "nil"))"
            }
        }

        @Test(
            "one call on a fresh run: without a step it commits unless commit is false; with a step it waits unless commit is true",
            arguments: [
                SingleCall(step: nil, commit: nil, committedAt: 0, stepAfter: 1),
                SingleCall(step: nil, commit: true, committedAt: 0, stepAfter: 1),
                SingleCall(step: nil, commit: false, committedAt: nil, stepAfter: 0),
                SingleCall(step: 0, commit: nil, committedAt: nil, stepAfter: 0),
                SingleCall(step: 0, commit: true, committedAt: 0, stepAfter: 1),
                SingleCall(step: 0, commit: false, committedAt: nil, stepAfter: 0),
                SingleCall(step: 4, commit: nil, committedAt: nil, stepAfter: 4),
                SingleCall(step: 4, commit: true, committedAt: 4, stepAfter: 5),
                SingleCall(step: 4, commit: false, committedAt: nil, stepAfter: 4),
            ])
        func singleCall(_ call: SingleCall) async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["x": 1], step: call.step, commit: call.commit)
                #expect(run.step == call.stepAfter)
                let rows = try await SemanticsHarness.rows(run)
                if let committedAt = call.committedAt {
                    #expect(rows == [["_step": .int(committedAt), "x": 1]])
                } else {
                    #expect(rows.isEmpty)
                }
            }
        }

        @Test("a larger step commits the pending row at its own step before moving on")
        func largerStepCommitsPending() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["a": 1], commit: false)
                try run.log(["b": 2], step: 4)
                #expect(run.step == 4)
                #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "a": 1]])
            }
        }

        @Test(
            "a step below the current one is dropped whole and does not commit the pending row, even with commit: true")
        func smallerStepIsDropped() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["d": 4], step: 5)
                try run.log(["f": 6], step: 3, commit: true)
                #expect(run.step == 5)
                #expect(try await SemanticsHarness.rows(run).isEmpty)
                try run.log(["e": 5], step: 5, commit: true)
                #expect(try await SemanticsHarness.rows(run) == [["_step": 5, "d": 4, "e": 5]])
                #expect(run.step == 6)
            }
        }

        @Test("skipped steps have no row: nothing is back-filled")
        func gapsAreNotFilled() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["x": 0])
                try run.log(["x": 3], step: 3, commit: true)
                try run.log(["x": 10], step: 10)
                try run.log(["x": 11], step: 11)
                let steps = try await SemanticsHarness.rows(run).map { $0["_step"] }
                #expect(steps == [0, 3, 10])
            }
        }

        @Test("a key logged twice into one pending row keeps the last value")
        func repeatedKeyOverwrites() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["h": 8, "other": 1], step: 8, commit: false)
                try run.log(["h": 9], step: 8, commit: false)
                try run.log(["last": true])
                #expect(try await SemanticsHarness.rows(run) == [["_step": 8, "h": 9, "other": 1, "last": true]])
            }
        }

        @Test("nested dictionaries logged into one pending row merge leaf by leaf")
        func nestedValuesMergeIntoPendingRow() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["n": ["a": 1, "c": ["x": 1]] as NestedLog], commit: false)
                try run.log(["n": ["b": 2, "c": ["y": 2]] as NestedLog])
                let rows = try await SemanticsHarness.rows(run)
                #expect(rows == [["_step": 0, "n": ["a": 1, "b": 2, "c": ["x": 1, "y": 2]]]])
            }
        }

        @Test("an empty log commits a row holding only _step, _runtime and _timestamp and advances the step")
        func emptyLogCommitsBareRow() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log([:])
                #expect(run.step == 1)
                let rows = try await run.history.rows()
                #expect(rows.count == 1)
                #expect(Set(rows[0].keys) == ["_step", "_runtime", "_timestamp"])
                #expect(rows[0]["_step"] == 0)
            }
        }

        @Test("every row carries _step as an integer and _runtime and _timestamp as seconds")
        func rowsCarryStepRuntimeTimestamp() async throws {
            try await SemanticsHarness.withRun { run in
                let before = Date().timeIntervalSince1970
                try run.log(["loss": 0.5])
                try run.log(["loss": 0.4])
                let rows = try await run.history.rows()
                #expect(rows.map { $0["_step"] } == [.int(0), .int(1)])
                for row in rows {
                    guard case .double(let runtime) = row["_runtime"], case .double(let timestamp) = row["_timestamp"]
                    else {
                        Issue.record("row lacks a float _runtime or _timestamp: \(row)")
                        continue
                    }
                    #expect(runtime >= 0 && runtime < 600)
                    #expect(timestamp >= before - 1 && timestamp < before + 600)
                }
            }
        }

        @Test("a _step key in the data is ignored: the row keeps the run's step")
        func userStepKeyIsIgnored() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["_step": 100, "z": 1])
                #expect(run.step == 1)
                #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "z": 1]])
            }
        }

        @Test("finish commits the pending row at its step")
        func finishCommitsPendingRow() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.log(["x": 1])
            try run.log(["a": 1], commit: false)
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1]])
            await run.finish()
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1], ["_step": 1, "a": 1]])
        }

        @Test("finish with nothing pending adds no row")
        func finishWithoutPendingRow() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let run = try await Run.start(
                project: "p", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            try run.log(["x": 1])
            await run.finish()
            #expect(try await SemanticsHarness.rows(run) == [["_step": 0, "x": 1]])
        }
    }
}
