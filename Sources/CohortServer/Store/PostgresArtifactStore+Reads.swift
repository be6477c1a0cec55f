import Foundation

/// The read-API listings of `ArtifactStore` in PostgreSQL: NOT IMPLEMENTED YET, like the rest of
/// `PostgresArtifactStore.swift`; fails with `.unavailable`. Kept in its own file so the PostgreSQL
/// artifact tables can absorb it (the SQLite twin is `SQLiteArtifactStore+Reads.swift`).
extension PostgresRunStore {
    func collections(entity: String, project: String) async throws(StoreError) -> [ArtifactCollectionRecord] {
        throw StoreError(.unavailable, "artifacts are not stored in PostgreSQL yet; run cohort server without --database for artifacts")
    }
}
