import Foundation
import SQLiteNIO

/// The read-API listings of `ArtifactStore` on SQLite (`wandb.Api()`'s artifact types and
/// collections).
extension SQLiteRunStore {
    func collections(entity: String, project: String) async throws(StoreError) -> [ArtifactCollectionRecord] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT c.name AS name, c.type AS type, c.created_at AS created_at,
                    max(c.created_at, coalesce(max(a.updated_at), c.created_at)) AS updated_at
                FROM artifact_collections c LEFT JOIN artifacts a ON a.collection_id = c.id
                WHERE c.entity = ? AND c.project = ?
                GROUP BY c.id ORDER BY c.name
                """, [.text(entity), .text(project)]
            ).map { row in
                let created = row.date("created_at") ?? .distantPast
                return ArtifactCollectionRecord(
                    entity: entity, project: project, name: row.text("name") ?? "", type: row.text("type") ?? "",
                    createdAt: created, updatedAt: row.date("updated_at") ?? created)
            }
        }
    }
}
