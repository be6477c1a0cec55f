import CohortModel
import Foundation
import PostgresNIO

extension PostgresRunStore {
    // MARK: API keys

    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) {
        try await transaction { tx in
            try await tx.ensureEntity(key.entity, at: key.createdAt)
            try await tx.exec(
                """
                INSERT INTO api_keys (id, secret_hash, label, entity, is_admin, created_at, revoked_at)
                VALUES (\(key.id), \(key.secretHash), \(key.label), \(key.entity), \(key.isAdmin),
                    \(key.createdAt.timeIntervalSince1970), \(key.revokedAt?.timeIntervalSince1970))
                """)
        }
    }

    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? {
        try await transaction { tx in
            try await tx.rows(
                "SELECT * FROM api_keys WHERE secret_hash = \(secretHash) AND revoked_at IS NULL"
            ).first.map(Self.apiKey(from:))
        }
    }

    func apiKeys() async throws(StoreError) -> [APIKeyRecord] {
        try await transaction { tx in
            try await tx.rows("SELECT * FROM api_keys ORDER BY created_at, seq").map(Self.apiKey(from:))
        }
    }

    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool {
        try await transaction { tx in
            !(try await tx.rows(
                "UPDATE api_keys SET revoked_at = \(date.timeIntervalSince1970) WHERE id = \(id) AND revoked_at IS NULL RETURNING id"
            ).isEmpty)
        }
    }

    fileprivate static func apiKey(from row: PostgresRandomAccessRow) -> APIKeyRecord {
        APIKeyRecord(
            id: row.text("id") ?? "", secretHash: row.text("secret_hash") ?? "", label: row.text("label") ?? "",
            entity: row.text("entity") ?? "", isAdmin: row.bool("is_admin") ?? false,
            createdAt: row.date("created_at") ?? .distantPast, revokedAt: row.date("revoked_at"))
    }
}
