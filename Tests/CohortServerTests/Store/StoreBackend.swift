import CohortTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CohortServer

/// A way to make a fresh, empty, migrated store for one test. The conformance suite runs every test
/// once per entry of `all`: a PostgreSQL store joins with one line there (a backend whose `make`
/// creates a fresh database or schema, enabled when a server is reachable).
struct StoreBackend: Sendable, CustomTestStringConvertible {
    var name: String
    /// A new empty store (not yet migrated; run and artifact store in one) and how to throw it away.
    var make: @Sendable () async throws -> (store: any RunStore & ArtifactStore, cleanup: @Sendable () -> Void)

    var testDescription: String { name }

    /// SQLite always; PostgreSQL when `COHORT_TEST_POSTGRES_URL` is set, and always under CI (where a
    /// missing URL makes every PostgreSQL case fail instead of silently skipping).
    static let all: [StoreBackend] = PostgresTestDatabase.enabled ? [.sqlite, .postgres] : [.sqlite]
    /// The backends that store artifacts (`ArtifactStoreConformance`): every backend of `all`.
    static let withArtifacts: [StoreBackend] = all

    static let sqlite = StoreBackend(name: "SQLite") {
        let directory = try TemporaryDirectory(prefix: "cohort-store")
        let store = try await SQLiteRunStore.open(path: directory.appending("cohort.sqlite"), logger: Logger.quiet)
        return (store, { directory.remove() })
    }

    /// A fresh schema per store (`search_path`), dropped when the store closes, so parallel tests
    /// share one database without seeing each other.
    static let postgres = StoreBackend(name: "PostgreSQL") {
        let store = try await PostgresTestDatabase.openIsolatedStore()
        return (store, {})
    }

    /// Runs `body` with a fresh migrated store, then closes and removes it.
    func withStore(_ body: (any RunStore & ArtifactStore) async throws -> Void) async throws {
        let (store, cleanup) = try await make()
        defer { cleanup() }
        do {
            try await store.migrate()
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

extension Logger {
    /// Warnings and errors only: the store's migration notices would drown the test output.
    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }
}

/// The PostgreSQL server the tests use: `COHORT_TEST_POSTGRES_URL` (scripts/setup.sh starts one).
enum PostgresTestDatabase {
    static let variable = "COHORT_TEST_POSTGRES_URL"

    static var url: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool {
        ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" && $0 != "false" } ?? false
    }

    /// Whether the PostgreSQL cases run: with a URL, or under CI (where they then fail).
    static var enabled: Bool { url != nil || isCI }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "\(PostgresTestDatabase.variable) is not set: CI must test the PostgreSQL store (source scripts/setup.sh)"
        }
    }

    static func settings() throws -> PostgresSettings {
        guard let url else { throw Missing() }
        return try PostgresSettings.parse(url)
    }

    /// Runs `body` with the test database's `public` schema emptied and held for it alone: a server
    /// started with `--database url` works there (a `--database` URL names no schema). Tests that do
    /// this may run at once (several suites, several processes), so each holds a PostgreSQL advisory
    /// lock on a connection of its own until `body` returns; the schema is emptied under the lock.
    static func withPublicSchema<T>(_ body: (_ url: String) async throws -> T) async throws -> T {
        guard let url else { throw Missing() }
        let connection = try await PostgresConnection.connect(
            configuration: try settings().connectionConfiguration(), id: 2, logger: .quiet)
        do {
            try await connection.query("SELECT pg_advisory_lock(hashtext('cohort.test.public-schema'))", logger: .quiet)
            try await connection.query("DROP SCHEMA IF EXISTS public CASCADE", logger: .quiet)
            try await connection.query("CREATE SCHEMA public", logger: .quiet)
            let result = try await body(url)
            try await connection.close()  // releases the lock
            return result
        } catch {
            // The lock goes with the connection; a failure to close loses nothing more.
            try? await connection.close()
            throw error
        }
    }

    /// A store in a new schema of its own, dropped (with its tables) by `close()`.
    static func openIsolatedStore() async throws -> PostgresRunStore {
        var settings = try settings()
        settings.schema = "cohort_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        settings.maximumConnections = 4
        return try await PostgresRunStore.open(settings: settings, logger: Logger.quiet, createSchema: true)
    }
}
