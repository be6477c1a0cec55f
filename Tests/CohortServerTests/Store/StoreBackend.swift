import CohortTestSupport
import Foundation
import Logging
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

    static let all: [StoreBackend] = [.sqlite]

    static let sqlite = StoreBackend(name: "SQLite") {
        let directory = try TemporaryDirectory(prefix: "cohort-store")
        let store = try await SQLiteRunStore.open(path: directory.appending("cohort.sqlite"), logger: Logger.quiet)
        return (store, { directory.remove() })
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
