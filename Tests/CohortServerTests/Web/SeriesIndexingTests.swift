@testable import CohortServer
import CohortTestSupport
import Foundation
import Testing

/// Series files kept as history arrives through file_stream, on every store: what the files hold,
/// what a restarted server reads from them, runs indexed lazily, and indexing while pages are viewed.
@Suite("series files through file_stream")
struct SeriesIndexingTests {
    /// The `<svg>…</svg>` charts of a page, in order.
    static func charts(_ html: String) -> [Substring] {
        var charts: [Substring] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest[start.upperBound...].range(of: "</svg>") {
            charts.append(rest[start.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
        }
        return charts
    }

    /// The page without its facts list (a running run's duration grows between two requests).
    static func withoutFacts(_ html: String) -> String {
        guard let start = html.range(of: #"<dl class="facts">"#), let end = html[start.upperBound...].range(of: "</dl>") else { return html }
        return String(html[..<start.lowerBound] + html[end.upperBound...])
    }

    @Test("history sent through file_stream lands in the series files exactly as the store's lines parse", arguments: StoreBackend.all)
    func writtenThroughFileStream(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let server = try await SeriesTestServer.make(store: store)
            defer { server.directory.remove() }
            try await server.createRun("r1")
            try await server.withClient { client in
                try await client.post("r1", offset: 0, lines: SeriesHistory.lines(0..<500))
                try await client.post("r1", offset: 500, lines: SeriesHistory.lines(500..<1_200))
            }
            #expect(!server.indexer.queue.isIdle, "file_stream queued the run and answered without indexing it")
            await server.indexer.drain()
            let disk = try #require(try await server.onDisk("r1"))
            expectSame(disk, try await server.parsed("r1"))
            #expect(disk.rowCount == 1_200 && disk.malformedRows == (0..<1_200).filter { $0 % 7 == 3 }.count)
            #expect(disk.columns["train.deep.x"] != nil && disk.columns["late"]?.rows.first == 200 && disk.columns["name"] == nil)
            #expect((disk.media["img"]?.stride ?? 0) > 1, "the media track was thinned, and its state kept")
            #expect(server.indexer.statistics.failures == 0)
        }
    }

    @Test("a restarted server renders the same charts from the series files without parsing a history line", arguments: StoreBackend.all)
    func restart(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let server = try await SeriesTestServer.make(store: store)
            defer { server.directory.remove() }
            try await server.createRun("r1")
            let before = try await server.withClient { client in
                try await client.post("r1", offset: 0, lines: SeriesHistory.lines(0..<400))
                try await client.post("r1", offset: 400, lines: SeriesHistory.lines(400..<900))
                await server.indexer.drain()
                return [try await client.page("r1"), try await client.page("r1", query: "?x=_runtime&scale=log&smooth=0.8")]
            }
            let restarted = server.restart()
            let after = try await restarted.withClient { client in
                [try await client.page("r1"), try await client.page("r1", query: "?x=_runtime&scale=log&smooth=0.8")]
            }
            let statistics = await restarted.indexer.cache.statistics
            #expect(statistics.rowsParsed == 0 && statistics.rowsFromFiles == 900, "every row came from the files")
            #expect(Self.charts(before[0]).count >= 3 && before[0].contains("loss"))
            #expect(Self.charts(after[0]) == Self.charts(before[0]))
            #expect(Self.charts(after[1]) == Self.charts(before[1]))
            #expect(before[0].contains("media-key"), "the page shows the logged images")
            #expect(after.map(Self.withoutFacts) == before.map(Self.withoutFacts), "the pages, media included, are the same")
            #expect(restarted.indexer.queue.isIdle, "nothing was missing from the files")
        }
    }

    @Test("history stored before series files existed is parsed at the first view, then written, and read from the files after", arguments: StoreBackend.all)
    func lazilyIndexed(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let server = try await SeriesTestServer.make(store: store)
            defer { server.directory.remove() }
            try await server.createRun("old")
            // Written to the store directly: what a server without series files left behind.
            _ = try await store.applyFileStream(
                FileStreamBatch(history: .init(offset: 0, lines: SeriesHistory.lines(0..<300))), to: SeriesTestServer.runKey("old"), at: Date())
            #expect(try await server.onDisk("old") == nil)
            let first = try await server.indexer.cache.series(of: try await server.record("old"), store: store)
            expectSame(first, try await server.parsed("old"))
            #expect(await server.indexer.cache.statistics.rowsParsed == 300)
            #expect(!server.indexer.queue.isIdle, "the view queued the run for its files")
            await server.indexer.drain()
            expectSame(try #require(try await server.onDisk("old")), first)
            #expect(server.indexer.statistics.rowsWritten == 300)
            let restarted = server.restart()
            expectSame(try await restarted.indexer.cache.series(of: try await server.record("old"), store: store), first)
            #expect(await restarted.indexer.cache.statistics == .init(rowsFromFiles: 300, rowsParsed: 0, damagedFiles: 0))
        }
    }

    @Test("rows sent after indexing are appended: after every pass the files equal the store's parse")
    func appended() async throws {
        try await StoreBackend.sqlite.withStore { store in
            var server = try await SeriesTestServer.make(store: store)
            defer { server.directory.remove() }
            try await server.createRun("r1")
            var offset = 0
            for (pass, size) in [1, 37, 250, 600, 3, 0, 409].enumerated() {
                let lines = SeriesHistory.lines(offset..<(offset + size))
                let at = offset
                try await server.withClient { client in try await client.post("r1", offset: at, lines: lines) }
                offset += size
                await server.indexer.drain()
                let parsed = try await server.parsed("r1")
                expectSame(try #require(try await server.onDisk("r1")), parsed)
                if pass == 3 { server = server.restart() }  // a new cache: the next pass loads the files, then appends
            }
            #expect(try await server.onDisk("r1")?.rowCount == 1_300)
        }
    }

    @Test("with series files off (--no-series-files) nothing is queued or written, and pages parse the store")
    func disabled() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let server = try await SeriesTestServer.make(store: store, seriesFiles: false)
            defer { server.directory.remove() }
            try await server.createRun("r1")
            let page = try await server.withClient { client in
                try await client.post("r1", offset: 0, lines: SeriesHistory.lines(0..<100))
                return try await client.page("r1")
            }
            #expect(page.contains("loss"))
            #expect(server.indexer.queue.isIdle)
            #expect(await server.indexer.cache.statistics.rowsParsed == 100)
            #expect(!FileManager.default.fileExists(atPath: server.indexer.files.root))
        }
    }

    @Test("many file_stream requests while pages are viewed and the indexer runs: every run's files end equal to its history", arguments: StoreBackend.all)
    func concurrent(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let server = try await SeriesTestServer.make(store: store)
            defer { server.directory.remove() }
            let names = ["a", "b", "c", "d"]
            for name in names { try await server.createRun(name) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.indexer.run() }
                try await server.withClient { client in
                    try await withThrowingTaskGroup(of: Void.self) { requests in
                        for name in names {
                            requests.addTask {
                                for part in 0..<10 {
                                    try await client.post(name, offset: part * 60, lines: SeriesHistory.lines((part * 60)..<((part + 1) * 60)))
                                }
                            }
                        }
                        for viewer in 0..<3 {
                            requests.addTask {
                                for view in 0..<15 { _ = try await client.page(names[(view + viewer) % names.count]) }
                            }
                        }
                        try await requests.waitForAll()
                    }
                }
                await server.indexer.queue.waitUntilIdle()  // the indexer's loop caught up
                group.cancelAll()
            }
            for name in names {
                let parsed = try await server.parsed(name)
                #expect(parsed.rowCount == 600)
                expectSame(try #require(try await server.onDisk(name)), parsed)
            }
            #expect(server.indexer.statistics.failures == 0)
        }
    }
}
