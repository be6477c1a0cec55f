import Foundation
import PostgresNIO

/// The read-API listings of `ArtifactStore` in PostgreSQL (`wandb.Api()`'s artifact types and
/// collections); the SQLite twin is `SQLiteArtifactStore+Reads.swift`.
extension PostgresRunStore {
    func collections(entity: String, project: String) async throws(StoreError) -> [ArtifactCollectionRecord] {
        try await transaction { tx in
            try await tx.rows(
                """
                SELECT c.name AS name, c.type AS type, c.created_at AS created_at,
                    GREATEST(c.created_at, COALESCE(MAX(a.updated_at), c.created_at)) AS updated_at
                FROM artifact_collections c LEFT JOIN artifacts a ON a.collection_id = c.id
                WHERE c.entity = \(entity) AND c.project = \(project)
                GROUP BY c.id ORDER BY c.name
                """
            ).map { row in
                let created = row.date("created_at") ?? .distantPast
                return ArtifactCollectionRecord(
                    entity: entity, project: project, name: row.text("name") ?? "", type: row.text("type") ?? "",
                    createdAt: created, updatedAt: row.date("updated_at") ?? created)
            }
        }
    }
}
