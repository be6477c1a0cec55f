@testable import CohortServer
import CohortTestSupport
import Foundation
import Logging
import Synchronization

/// Test stores are never deinitialized: SQLiteNIO asserts that a connection was closed before it
/// goes away, and route tests do not close their stores. They live until the test process exits.
private let openStores = Mutex<[SQLiteRunStore]>([])

/// The real SQLite store in a temporary directory, with what route tests need on top: a switch
/// that makes every call fail (to test 503s), the file_stream calls seen, and the runs and alerts
/// stored through it. Every call that does not fail goes to the SQLite store.
actor TestStore: RunStore {
    private let sqlite: SQLiteRunStore
    let directory: TemporaryDirectory
    private var failure: StoreError?
    private var runKeys: [RunKey] = []
    private(set) var fileStreamCalls = 0
    private(set) var lastBatch: FileStreamBatch?
    private(set) var storedAlerts: [AlertRecord] = []

    init() async throws {
        directory = try TemporaryDirectory(prefix: "cohort-store")
        var logger = Logger(label: "test-store")
        logger.logLevel = .warning
        sqlite = try await SQLiteRunStore.open(path: directory.appending("cohort.sqlite"), logger: logger)
        try await sqlite.migrate()
        let opened = sqlite
        openStores.withLock { $0.append(opened) }
    }

    /// The SQLite store as the artifact store (the fault switch does not apply to it).
    nonisolated var artifactStore: any ArtifactStore { sqlite }

    /// Makes every later call throw `error` (`nil` heals the store).
    func fail(with error: StoreError?) { failure = error }

    /// Every run stored through this store, by key.
    var runs: [RunKey: RunRecord] {
        get async {
            var found: [RunKey: RunRecord] = [:]
            for key in runKeys { found[key] = try? await sqlite.run(key) }
            return found
        }
    }

    private func check() throws(StoreError) { if let failure { throw failure } }

    func migrate() async throws(StoreError) { try check() }
    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) { try check(); try await sqlite.insertAPIKey(key) }
    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? {
        try check()
        return try await sqlite.apiKey(secretHash: secretHash)
    }
    func apiKeys() async throws(StoreError) -> [APIKeyRecord] { try check(); return try await sqlite.apiKeys() }
    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool {
        try check()
        return try await sqlite.revokeAPIKey(id: id, at: date)
    }
    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        try check()
        let result = try await sqlite.upsertRun(upsert, at: date)
        if !runKeys.contains(upsert.key) { runKeys.append(upsert.key) }
        return result
    }
    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? { try check(); return try await sqlite.run(key) }
    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] {
        try check()
        return try await sqlite.runs(entity: entity, project: project)
    }
    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] {
        try check()
        return try await sqlite.projects(entity: entity)
    }
    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        fileStreamCalls += 1
        try check()
        lastBatch = batch
        return try await sqlite.applyFileStream(batch, to: key, at: date)
    }
    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try check()
        return try await sqlite.history(key, from: from, to: to)
    }
    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try check()
        return try await sqlite.events(key, from: from, to: to)
    }
    func console(_ key: RunKey) async throws(StoreError) -> [String] { try check(); return try await sqlite.console(key) }
    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] {
        try check()
        return try await sqlite.markSilentRunsCrashed(before: before, at: date)
    }
    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {
        try check()
        try await sqlite.announceRunFile(key, name: name, at: date)
    }
    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {
        try check()
        try await sqlite.storeRunFile(key, name: name, digest: digest, size: size, at: date)
    }
    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] { try check(); return try await sqlite.runFiles(key) }
    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool {
        try check()
        let stored = try await sqlite.recordAlert(alert, waitDuration: waitDuration)
        if stored { storedAlerts.append(alert) }
        return stored
    }
    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] { try check(); return try await sqlite.alerts(key) }
    func run(storageID: String) async throws(StoreError) -> RunRecord? { try check(); return try await sqlite.run(storageID: storageID) }
    func requestStop(_ key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        try check()
        return try await sqlite.requestStop(key, at: date)
    }
    func close() async { await sqlite.close() }
}
