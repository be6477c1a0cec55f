import Cohort
import CohortModel
import Testing

extension Semantics {
    /// semantics.md §2.3: values, nesting and flattening, read back from the journal.
    @Suite("Semantics §2.3: values and nesting")
    struct ValueEncodingTests {
        /// Logs `data` as one row and returns that row as the journal holds it.
        private func roundTrip(_ data: [String: any Loggable]) async throws -> [String: JSONValue] {
            var row: [String: JSONValue] = [:]
            try await SemanticsHarness.withRun { run in
                try run.log(data)
                row = try #require(try await run.history.rows().first)
            }
            return row
        }

        @Test("nested dictionaries stay a tree in the row and in the summary")
        func nestedTreeIsKept() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["nested": ["y": ["z": 1]]])
                let row = try #require(try await run.history.rows().first)
                #expect(row["nested"] == ["y": ["z": 1]])
                #expect(row["nested.y.z"] == nil)
                #expect(run.summary["nested"] == ["y": ["z": 1]])
                #expect(run.summary.value(at: ["nested", "y", "z"]) == 1)
            }
        }

        @Test("a key containing a dot stays one label and is never split", arguments: ["dot.key", "a.b.c"])
        func dottedKeyIsOneLabel(_ key: String) async throws {
            try await SemanticsHarness.withRun { run in
                try run.log([key: 1])
                let row = try #require(try await run.history.rows().first)
                #expect(row[key] == 1)
                #expect(row[String(key.prefix { $0 != "." })] == nil)
                #expect(run.summary[key] == 1)
            }
        }

        @Test("a key containing a slash stays one label")
        func slashKeyIsOneLabel() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["train/acc": 0.5, "train/loss": 0.25])
                let row = try #require(try await run.history.rows().first)
                #expect(row["train/acc"] == 0.5)
                #expect(row["train/loss"] == 0.25)
                #expect(row["train"] == nil)
                #expect(run.summary["train/acc"] == 0.5)
            }
        }

        @Test("NaN, Infinity and -Infinity survive the round trip through the journal and reach the summary")
        func nonFiniteRoundTrip() async throws {
            try await SemanticsHarness.withRun { run in
                try run.log(["nan": Double.nan, "inf": Double.infinity, "ninf": -Double.infinity, "fnan": Float.nan])
                let row = try #require(try await run.history.rows().first)
                #expect(SemanticsHarness.isNaN(row["nan"]))
                #expect(SemanticsHarness.isNaN(row["fnan"]))
                #expect(row["inf"] == .double(.infinity))
                #expect(row["ninf"] == .double(-.infinity))
                let summary = run.summary.values
                #expect(SemanticsHarness.isNaN(summary["nan"]))
                #expect(summary["inf"] == .double(.infinity))
                #expect(summary["ninf"] == .double(-.infinity))
            }
        }

        struct Encoding: Sendable, CustomTestStringConvertible {
            let value: any Loggable
            let expected: JSONValue
            let testDescription: String
        }

        @Test(
            "integers stay integers and floating-point values stay floats",
            arguments: [
                Encoding(value: 2, expected: .int(2), testDescription: "Int 2"),
                Encoding(value: Int64.max, expected: .int(.max), testDescription: "Int64.max"),
                Encoding(value: Int32(-7), expected: .int(-7), testDescription: "Int32 -7"),
                Encoding(value: UInt8(255), expected: .int(255), testDescription: "UInt8 255"),
                Encoding(value: 2.0, expected: .double(2.0), testDescription: "Double 2.0"),
                Encoding(value: 2.5, expected: .double(2.5), testDescription: "Double 2.5"),
                Encoding(value: 1e-5, expected: .double(1e-5), testDescription: "Double 1e-5"),
                Encoding(value: Float(0.5), expected: .double(0.5), testDescription: "Float 0.5"),
            ])
        func numbersKeepTheirKind(_ encoding: Encoding) async throws {
            let row = try await roundTrip(["v": encoding.value])
            #expect(row["v"] == encoding.expected)
        }

        @Test("Float(0.1) is logged as 0.1, not as 0.10000000149011612")
        func floatLogsShortestDecimal() async throws {
            let row = try await roundTrip(["f": Float(0.1), "g": Float(3.14159)])
            #expect(row["f"] == .double(0.1))
            #expect(row["g"] == .double(3.14159))
        }

        @Test("strings, booleans, nil (as null) and lists are kept as they are")
        func otherValuesAreKept() async throws {
            let missing: Int? = nil
            let row = try await roundTrip(["s": "text", "b": true, "n": missing, "l": [1, 2, 3], "m": [0.5, 1.5]])
            #expect(row["s"] == "text")
            #expect(row["b"] == true)
            #expect(row["n"] == .null)
            #expect(row["l"] == [1, 2, 3])
            #expect(row["m"] == [0.5, 1.5])
        }

        @Test("an empty dictionary adds no key to the row")
        func emptyDictionaryAddsNothing() async throws {
            let row = try await roundTrip(["e": [String: Int](), "f": ["g": [String: Int]()] as NestedLog, "k": 1])
            #expect(row["e"] == nil)
            #expect(row["f"] == nil)
            #expect(row["k"] == 1)
        }
    }
}
