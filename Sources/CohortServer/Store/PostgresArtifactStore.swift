import Foundation

/// Artifacts in PostgreSQL: NOT IMPLEMENTED YET. Every call fails with `.unavailable` and a message
/// saying so, which GraphQL turns into an error the client shows; runs, history, files and alerts
/// work. The SQLite store (`SQLiteArtifactStore.swift`) has the real implementation to mirror.
extension PostgresRunStore: ArtifactStore {
    private static var missing: StoreError {
        StoreError(.unavailable, "artifacts are not stored in PostgreSQL yet; run cohort server without --database for artifacts")
    }

    func createArtifact(_ creation: ArtifactCreation, at date: Date) async throws(StoreError) -> (artifact: ArtifactRecord, latestID: String?) { throw Self.missing }
    func artifact(id: String) async throws(StoreError) -> ArtifactRecord? { throw Self.missing }
    func artifact(entity: String, project: String, collection: String, alias: String) async throws(StoreError) -> ArtifactRecord? { throw Self.missing }
    func artifactType(entity: String, project: String, collection: String) async throws(StoreError) -> String? { throw Self.missing }
    func manifestID(artifactID: String, at date: Date) async throws(StoreError) -> String { throw Self.missing }
    func storeManifest(artifactID: String, blobDigest: String, size: Int, at date: Date) async throws(StoreError) { throw Self.missing }
    func manifestBlob(artifactID: String) async throws(StoreError) -> (digest: String, size: Int)? { throw Self.missing }
    func announceArtifactFile(_ file: ArtifactFileRecord) async throws(StoreError) -> (file: ArtifactFileRecord, alreadyStored: Bool) { throw Self.missing }
    func storeArtifactFile(storagePath: String, blobDigest: String, size: Int) async throws(StoreError) { throw Self.missing }
    func artifactFile(storagePath: String) async throws(StoreError) -> ArtifactFileRecord? { throw Self.missing }
    func artifactFiles(artifactID: String) async throws(StoreError) -> [ArtifactFileRecord] { throw Self.missing }
    func commitArtifact(id: String, at date: Date) async throws(StoreError) -> ArtifactRecord { throw Self.missing }
    func recordUse(artifactID: String, by run: RunKey, usedAs: String?, at date: Date) async throws(StoreError) { throw Self.missing }
    func lineage(of run: RunKey) async throws(StoreError) -> (logged: [ArtifactRecord], used: [ArtifactRecord]) { throw Self.missing }
    func users(of artifactID: String) async throws(StoreError) -> [RunKey] { throw Self.missing }
    func versions(entity: String, project: String, collection: String) async throws(StoreError) -> [ArtifactRecord] { throw Self.missing }
}
