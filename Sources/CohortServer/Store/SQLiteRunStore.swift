import Foundation
import Logging

/// The embedded store (SQLite). PLACEHOLDER in the skeleton commit: replaced by the real
/// implementation before the server is usable.
final class SQLiteRunStore: RunStore {
    static func open(path: String, logger: Logger) async throws(StoreError) -> SQLiteRunStore {
        throw StoreError(.unavailable, "SQLite store not written yet")
    }

    func migrate() async throws(StoreError) {}
    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) {}
    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? { nil }
    func apiKeys() async throws(StoreError) -> [APIKeyRecord] { [] }
    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool { false }
    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        throw StoreError(.unavailable, "not written")
    }
    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? { nil }
    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] { [] }
    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] { [] }
    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        throw StoreError(.unavailable, "not written")
    }
    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] { [] }
    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] { [] }
    func console(_ key: RunKey) async throws(StoreError) -> [String] { [] }
    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] { [] }
    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {}
    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {}
    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] { [] }
    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool { false }
    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] { [] }
    func close() async {}
}
