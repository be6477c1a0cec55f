import CohortModel
import Foundation
import SQLiteNIO

extension SQLiteRunStore {
    // MARK: API keys

    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) {
        try await write { tx in
            try await tx.ensureEntity(key.entity, at: key.createdAt)
            _ = try await tx.rows(
                """
                INSERT INTO api_keys (id, secret_hash, label, entity, is_admin, created_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(key.id), .text(key.secretHash), .text(key.label), .text(key.entity), .bool(key.isAdmin),
                 .time(key.createdAt), .time(key.revokedAt)])
        }
    }

    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? {
        try await read { tx in
            try await tx.rows(
                "SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL", [.text(secretHash)]
            ).first.map(Self.apiKey(from:))
        }
    }

    func apiKeys() async throws(StoreError) -> [APIKeyRecord] {
        try await read { tx in
            try await tx.rows("SELECT * FROM api_keys ORDER BY created_at, rowid").map(Self.apiKey(from:))
        }
    }

    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool {
        try await write { tx in
            !(try await tx.rows(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [.time(date), .text(id)]
            ).isEmpty)
        }
    }

    fileprivate static func apiKey(from row: SQLiteRow) -> APIKeyRecord {
        APIKeyRecord(
            id: row.text("id") ?? "", secretHash: row.text("secret_hash") ?? "", label: row.text("label") ?? "",
            entity: row.text("entity") ?? "", isAdmin: row.int("is_admin") == 1,
            createdAt: row.date("created_at") ?? .distantPast, revokedAt: row.date("revoked_at"))
    }
}
