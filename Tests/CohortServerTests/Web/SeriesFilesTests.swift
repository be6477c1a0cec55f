@testable import CohortServer
import CohortTestSupport
import Foundation
import Testing

/// Series files that are damaged, cut off or someone else's are never charted: the run is parsed from
/// the store (right output) and its files are written again. And the indexer's queue, as a value.
@Suite("series files recovery")
struct SeriesFilesTests {
    /// Ways the files of an indexed run can be broken.
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case truncatedColumn, missingColumnFile, zeroedTail, tornManifest, garbageManifest, emptyManifest, unknownVersion

        var testDescription: String { rawValue }

        func apply(to server: SeriesTestServer, run: String) async throws {
            let manifest = try await server.path(run, "manifest.json")
            switch self {
            case .truncatedColumn:
                let handle = try #require(FileHandle(forWritingAtPath: try await server.path(run, "c0.values")))
                try handle.truncate(atOffset: 8)
                try handle.close()
            case .missingColumnFile:
                try FileManager.default.removeItem(atPath: try await server.path(run, "timestamps.f64"))
            case .zeroedTail:
                // What a power failure can leave: the length is right, the last values are not.
                let handle = try #require(FileHandle(forUpdatingAtPath: try await server.path(run, "steps.f64")))
                let end = try handle.seekToEnd()
                try handle.seek(toOffset: end - 64)
                try handle.write(contentsOf: Data(count: 64))
                try handle.close()
            case .tornManifest:
                let data = try Data(contentsOf: URL(fileURLWithPath: manifest))
                try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: manifest))
            case .garbageManifest:
                try Data((0..<4_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: manifest))
            case .emptyManifest:
                try Data().write(to: URL(fileURLWithPath: manifest))
            case .unknownVersion:
                let text = try String(contentsOfFile: manifest, encoding: .utf8)
                try text.replacingOccurrences(of: #""version":1"#, with: #""version":999"#)
                    .write(toFile: manifest, atomically: true, encoding: .utf8)
            }
        }
    }

    /// A server with run `r1` of `rows` history rows, indexed.
    static func indexedServer(store: any RunStore & ArtifactStore, rows: Int = 500) async throws -> SeriesTestServer {
        let server = try await SeriesTestServer.make(store: store)
        try await server.createRun("r1")
        try await server.withClient { client in try await client.post("r1", offset: 0, lines: SeriesHistory.lines(0..<rows)) }
        await server.indexer.drain()
        return server
    }

    @Test("damaged series files are not charted: the run is parsed from the store, and its files are rewritten", arguments: Damage.allCases)
    func damaged(damage: Damage) async throws {
        try await StoreBackend.sqlite.withStore { store in
            let server = try await Self.indexedServer(store: store)
            defer { server.directory.remove() }
            try await damage.apply(to: server, run: "r1")
            let restarted = server.restart()
            let run = try await server.record("r1")
            let series = try await restarted.indexer.cache.series(of: run, store: store)
            expectSame(series, try await server.parsed("r1"))
            let statistics = await restarted.indexer.cache.statistics
            #expect(statistics.rowsFromFiles == 0 && statistics.rowsParsed == 500)
            #expect(!restarted.indexer.queue.isIdle, "the run was queued for its files")
            await restarted.indexer.drain()
            #expect(restarted.indexer.statistics.rewrites == 1 && restarted.indexer.statistics.failures == 0)
            let again = server.restart()
            expectSame(try await again.indexer.cache.series(of: run, store: store), series)
            #expect(await again.indexer.cache.statistics.rowsFromFiles == 500, "the rewritten files are read")
        }
    }

    @Test("bytes past what the manifest counts (a pass cut off before its rename) are ignored, then overwritten")
    func bytesPastTheManifest() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let server = try await Self.indexedServer(store: store)
            defer { server.directory.remove() }
            for file in ["steps.f64", "c0.rows", "c0.values"] {
                let handle = try #require(FileHandle(forWritingAtPath: try await server.path("r1", file)))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data(repeating: 0xAB, count: 100))
                try handle.close()
            }
            let restarted = server.restart()
            expectSame(try #require(try await restarted.onDisk("r1")), try await server.parsed("r1"))
            try await restarted.withClient { client in try await client.post("r1", offset: 500, lines: SeriesHistory.lines(500..<620)) }
            await restarted.indexer.drain()
            expectSame(try #require(try await restarted.onDisk("r1")), try await server.parsed("r1"))
            #expect(restarted.indexer.statistics.rewrites == 0, "appended in place")
        }
    }

    @Test("files holding more rows than the run has (another run under the id) are not used, and are replaced")
    func anotherRunsFiles() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let server = try await Self.indexedServer(store: store, rows: 40)
            defer { server.directory.remove() }
            let run = try await server.record("r1")
            var other = MetricSeries()
            for index in 0..<90 {
                var row = HistoryRow()
                row.values = [("loss", 1_000 + Double(index))]
                other.append(row)
            }
            try server.indexer.files.persist(other, over: nil, storageID: run.storageID)
            let restarted = server.restart()
            let series = try await restarted.indexer.cache.series(of: run, store: store)
            expectSame(series, try await server.parsed("r1"))
            #expect(await restarted.indexer.cache.statistics.rowsFromFiles == 0)
            await restarted.indexer.drain()
            expectSame(try #require(try await restarted.onDisk("r1")), series)
        }
    }

    @Test("the files of a run the store no longer has are removed when it is indexed")
    func goneRun() async throws {
        try await StoreBackend.sqlite.withStore { store in
            let server = try await Self.indexedServer(store: store, rows: 20)
            defer { server.directory.remove() }
            var series = MetricSeries()
            series.append(HistoryRow())
            try server.indexer.files.persist(series, over: nil, storageID: "run-gone")
            let directory = try #require(server.indexer.files.directory(for: "run-gone"))
            #expect(FileManager.default.fileExists(atPath: directory + "/manifest.json"))
            server.indexer.queue.enqueue("run-gone")
            await server.indexer.drain()
            #expect(!FileManager.default.fileExists(atPath: directory))
            #expect(try await server.onDisk("r1")?.rowCount == 20, "other runs' files stay")
        }
    }

    @Test("the indexer's queue holds a run once, queues it again when asked during its pass, and keeps a rebuild")
    func queue() {
        var machine = SeriesIndexerStateMachine()
        #expect(machine.isIdle)
        let wakes = [
            machine.enqueue("a", rebuild: false), machine.enqueue("a", rebuild: false), machine.enqueue("b", rebuild: false),
            machine.enqueue("b", rebuild: true),
        ]
        #expect(wakes == [true, false, true, false], "a run already queued wakes no worker")
        let first = machine.next()
        #expect(first == .init(storageID: "a", rebuild: false))
        let requeued = machine.enqueue("a", rebuild: false)
        #expect(requeued, "asked during its pass: queued again")
        let second = machine.next()
        #expect(second == .init(storageID: "b", rebuild: true), "the rebuild was kept")
        let third = machine.next()
        #expect(third == nil, "a run being indexed is not handed out twice")
        let (aAgain, bAgain) = (machine.finished("a"), machine.finished("b"))
        #expect(aAgain && !bAgain)
        let fourth = machine.next()
        #expect(fourth == .init(storageID: "a", rebuild: false))
        #expect(!machine.isIdle)
        machine.finished("a")
        #expect(machine.isIdle)
    }
}
