import CohortTestSupport
import Foundation
import Logging
import SQLiteNIO
import Testing

@testable import CohortServer

/// What only the SQLite store has: its file, pragmas and migration bookkeeping.
@Suite("SQLite store")
struct SQLiteRunStoreTests {
    static let key = RunKey(entity: "alice", project: "mnist", name: "r1")

    static func rows(_ path: String, _ sql: String) async throws -> [SQLiteRow] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        defer { Task { try? await connection.close() } }
        return try await connection.query(sql, [])
    }

    @Test("migrations are recorded by name, applied once, and the data survives reopening")
    func migrationsAndReopen() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-sqlite")
        defer { directory.remove() }
        let path = directory.appending("cohort.sqlite")

        let store = try await SQLiteRunStore.open(path: path, logger: Logger.quiet)
        try await store.migrate()
        try await store.migrate()
        let created = try await store.upsertRun(RunUpsert(key: Self.key), at: Date(timeIntervalSince1970: 1_800_000_000)).run
        _ = try await store.applyFileStream(
            FileStreamBatch(history: .init(offset: 0, lines: ["{}"])), to: Self.key, at: Date(timeIntervalSince1970: 1_800_000_001))
        await store.close()

        let reopened = try await SQLiteRunStore.open(path: path, logger: Logger.quiet)
        try await reopened.migrate()
        #expect(try await reopened.run(Self.key)?.storageID == created.storageID)
        #expect(try await reopened.history(Self.key, from: 0, to: nil) == ["{}"])
        await reopened.close()

        let applied = try await Self.rows(path, "SELECT name FROM schema_migrations ORDER BY name")
        #expect(applied.compactMap { $0.column("name")?.string } == SQLiteMigrations.all.map(\.name))
        let mode = try await Self.rows(path, "PRAGMA journal_mode")
        #expect(mode.first?.column("journal_mode")?.string == "wal")
    }

    @Test("a file that cannot be opened is .unavailable, and the message does not name the path")
    func unavailableHidesPath() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-sqlite")
        defer { directory.remove() }
        let path = directory.appending("missing-dir/secret-name.sqlite")
        do {
            _ = try await SQLiteRunStore.open(path: path, logger: Logger.quiet)
            Issue.record("opened a file in a missing directory")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message == "the database is unavailable")
            #expect(!error.description.contains("secret-name"))
        }
    }

    @Test("a database broken under the store reports .unavailable without details")
    func brokenDatabase() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-sqlite")
        defer { directory.remove() }
        let path = directory.appending("cohort.sqlite")
        let store = try await SQLiteRunStore.open(path: path, logger: Logger.quiet)
        try await store.migrate()
        _ = try await Self.rows(path, "DROP TABLE alerts")
        _ = try await store.upsertRun(RunUpsert(key: Self.key), at: Date())
        do {
            _ = try await store.alerts(Self.key)
            Issue.record("read a dropped table")
        } catch {
            #expect(error == StoreError(.unavailable, "the database is unavailable"))
        }
        // The failed transaction was rolled back: the store keeps working.
        #expect(try await store.run(Self.key) != nil)
        await store.close()
    }

    /// Not a test of speed (nothing is asserted on time): prints how long 100k history lines take
    /// through `applyFileStream` in requests of 100 lines. Run with `COHORT_STORE_BENCH=1`.
    @Test(
        "micro-benchmark: 100k history lines in batches of 100",
        .enabled(if: ProcessInfo.processInfo.environment["COHORT_STORE_BENCH"] != nil))
    func ingestBenchmark() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-bench")
        defer { directory.remove() }
        let store = try await SQLiteRunStore.open(path: directory.appending("cohort.sqlite"), logger: Logger(label: "bench"))
        try await store.migrate()
        _ = try await store.upsertRun(RunUpsert(key: Self.key), at: Date())
        let line = #"{"_step":STEP,"_runtime":12.5,"_timestamp":1795900000.25,"loss":0.123456,"acc":0.9876,"lr":0.001}"#
        let batches = (0..<1000).map { batch in
            (0..<100).map { line.replacingOccurrences(of: "STEP", with: String(batch * 100 + $0)) }
        }
        let clock = ContinuousClock()
        let start = clock.now
        for (index, lines) in batches.enumerated() {
            _ = try await store.applyFileStream(
                FileStreamBatch(history: .init(offset: index * 100, lines: lines)), to: Self.key, at: Date())
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("BENCH store: 100000 history lines in 1000 requests: \(elapsed), \(Int(100_000 / seconds)) lines/s")
        #expect(try await store.run(Self.key)?.historyLineCount == 100_000)
        await store.close()
    }
}
