@testable import CohortServer
import Foundation
import Testing

/// The history scanner, the column-wise series and its decimation, and the cache that extends
/// series incrementally and evicts the least recently used.
@Suite("metric series")
struct MetricSeriesTests {
    @Test("a history line gives its step, runtime, numbers (nested ones flattened) and media objects")
    func scan() throws {
        let line = #"{"_step": 7, "_runtime": 1.5e1, "_timestamp": 1700000000.25, "loss": -0.125, "nan": NaN, "inf": -Infinity, "#
            + #""name": "a \"quoted\" {x}", "flag": true, "none": null, "list": [1, {"a": 2}], "train": {"acc": 0.5, "deep": {"x": 3}}, "#
            + #""img": {"_type": "image-file", "path": "media/images/a.png", "width": 4}, "_wandb": {"runtime": 9}, "k\u00e9y": 2}"#
        let row = try #require(HistoryLineScanner.scan(line))
        #expect(row.step == 7 && row.runtime == 15 && row.timestamp == 1_700_000_000.25)
        let values = Dictionary(row.values.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["loss"] == -0.125)
        #expect(values["nan"]?.isNaN == true && values["inf"] == -.infinity)
        #expect(values["train.acc"] == 0.5 && values["train.deep.x"] == 3)
        #expect(values["kéy"] == 2, "escaped keys are decoded")
        #expect(values["img.width"] == nil && values["_wandb.runtime"] == nil && values["list"] == nil)
        #expect(row.media.count == 1 && row.media[0].key == "img")
        #expect(row.media[0].json == #"{"_type": "image-file", "path": "media/images/a.png", "width": 4}"#)
    }

    @Test("lines that are not JSON objects are not rows", arguments: ["", "[]", "{", #"{"a": }"#, #"{"a": 1} x"#, #"{"a": 1e999999}"#, "null"])
    func malformed(line: String) {
        if line == #"{"a": 1e999999}"# {
            #expect(HistoryLineScanner.scan(line)?.values.first?.value == .infinity, "strtod overflows to infinity")
        } else {
            #expect(HistoryLineScanner.scan(line) == nil)
        }
    }

    @Test("decimation keeps each bucket's extremes in order and at most the asked number of points")
    func points() {
        var series = MetricSeries()
        for index in 0..<10_000 {
            var row = HistoryRow()
            row.step = Double(index * 2)
            row.runtime = Double(index)
            row.values = [("y", index == 5_000 ? 1_000 : Double(index % 7))]
            if index % 2 == 0 { row.values.append(("sparse", Double(index))) }
            series.append(row)
        }
        let reduced = series.points("y", axis: .step, maximumPoints: 200)
        #expect(reduced.x.count <= 200 && reduced.x.count >= 100)
        #expect(reduced.y.contains(1_000), "the spike survives decimation")
        #expect(zip(reduced.x, reduced.x.dropFirst()).allSatisfy { $0 <= $1 }, "x stays in order")
        let full = series.points("sparse", axis: .runtime, maximumPoints: 100_000)
        #expect(full.x.count == 5_000 && full.x[1] == 2 && full.y[1] == 2, "below the limit every point is kept, against runtime")
        #expect(series.points("missing", axis: .step, maximumPoints: 10).x.isEmpty)
    }

    @Test("media values of one key are thinned evenly and the newest is always kept")
    func mediaThinning() {
        var series = MetricSeries()
        for index in 0..<1_000 {
            var row = HistoryRow()
            row.media = [("img", "{\"_type\": \"image-file\", \"n\": \(index)}")]
            series.append(row)
        }
        let entries = series.media["img"]?.all ?? []
        #expect(entries.count <= MetricSeries.MediaTrack.maximumEntries + 1)
        #expect(entries.first?.row == 0 && entries.last?.row == 999)
    }

    @Test("the cache reads only the rows a run logged since, and evicts the least recently used run")
    func cache() async throws {
        let fixture = try await WebFixture.make()
        let cache = MetricSeriesCache(configuration: .init(maximumBytes: 1, chunkRows: 7))
        var main = try #require(try await fixture.store.run(WebFixture.key("main")))
        let first = try await cache.series(of: main, store: fixture.store)
        #expect(first.rowCount == 50 && first.columns["loss"]?.values.count == 50)
        _ = try await fixture.store.applyFileStream(
            FileStreamBatch(history: .init(offset: 50, lines: [#"{"_step": 50, "loss": 0.001}"#])), to: main.key, at: Date())
        main = try #require(try await fixture.store.run(main.key))
        let second = try await cache.series(of: main, store: fixture.store)
        #expect(second.rowCount == 51 && second.lastValue("loss") == 0.001 && second.steps.last == 50)
        let other = try #require(try await fixture.store.run(WebFixture.key("ddp-agg")))
        _ = try await cache.series(of: other, store: fixture.store)
        let usage = await cache.usage
        #expect(usage.runs == 1, "over budget, the older run was evicted")
    }

    @Test("a stored history line with a raw newline inside is still read (line by line for its chunk)")
    func newlineInLine() async throws {
        let fixture = try await WebFixture.make()
        let key = WebFixture.key("newline")
        _ = try await fixture.store.upsertRun(RunUpsert(key: key), at: Date())
        let lines = [#"{"_step": 0, "a": 1}"#, "{\"_step\": 1,\n \"a\": 2}", #"{"_step": 2, "a": 3}"#]
        let run = try await fixture.store.applyFileStream(FileStreamBatch(history: .init(offset: 0, lines: lines)), to: key, at: Date())
        let series = try await MetricSeriesCache().series(of: run, store: fixture.store)
        #expect(series.rowCount == 3 && series.columns["a"]?.values == [1, 2, 3] && series.steps == [0, 1, 2])
    }

    @Test(
        "numbers parse to what strtod gives: exactly up to 15 significant digits, within one ulp beyond",
        arguments: ["0", "-0", "7", "-0.5", "0.1", "0.30000000000000004", "123456.789", "1e-7", "2.5E+3", "-3.25e-2",
                    "999999999999999", "12345678901234567890", "1.7976931348623157e308", "-1e-320", "4.35", "1e22", "1e23",
                    "0.000001234567890123"])
    func numbers(text: String) throws {
        let row = try #require(HistoryLineScanner.scan(#"{"x": \#(text)}"#))
        let expected = try #require(Double(text))
        let value = try #require(row.values.first?.value)
        let digits = text.filter(\.isNumber).drop { $0 == "0" }.prefix { _ in true }.count
        if digits <= 15 || text.contains("e") {
            #expect(value.bitPattern == expected.bitPattern, "\(text)")
        } else {
            #expect(abs(value - expected) <= expected.ulp, "\(text)")
        }
    }
}
