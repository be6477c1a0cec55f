import Foundation
import PostgresNIO

/// `ArtifactStore` on the PostgreSQL store's tables of migration `0002_artifacts`, with the semantics of
/// `SQLiteArtifactStore.swift` (shared rules in `StoreRules+Artifacts.swift`); every method is one
/// transaction of `PostgresRunStore.transaction`.
///
/// Transactions here run concurrently, so the read-modify-write steps lock what they decide on:
/// a commit locks its collection row (`FOR UPDATE`) before it takes the next version index and moves
/// the aliases, so two commits of one collection get distinct indexes (and `UNIQUE (collection_id,
/// version_index)` backs this up); a new collection is inserted with `ON CONFLICT DO NOTHING` and read
/// back, so two first versions at once share it.
extension PostgresRunStore: ArtifactStore {
    func createArtifact(_ creation: ArtifactCreation, at date: Date) async throws(StoreError) -> (artifact: ArtifactRecord, latestID: String?) {
        if !creation.metadata.isEmpty { _ = try StoreRules.object(creation.metadata, "metadata") }
        return try await transaction { tx in
            let collectionID = try await tx.collectionID(
                entity: creation.entity, project: creation.project, name: creation.collection, type: creation.type, at: date)
            let latestID = try await tx.rows(
                "SELECT artifact_id FROM artifact_aliases WHERE collection_id = \(collectionID) AND alias = \(StoreRules.latestAlias)"
            ).first?.text("artifact_id")
            if creation.deduplicate, let existing = try await tx.rows(
                """
                SELECT id FROM artifacts WHERE collection_id = \(collectionID) AND digest = \(creation.digest)
                    AND state = 'COMMITTED'
                ORDER BY version_index DESC LIMIT 1
                """
            ).first?.text("id"), let record = try await tx.artifact(id: existing) {
                return (record, latestID)
            }
            var runID: Int?
            if let run = creation.createdBy { runID = try await tx.run(run, lock: false)?.id }
            let id = StoreRules.newArtifactID()
            let aliases = StoreRules.encodeTags(StoreRules.commitAliases(creation.aliases))
            let metadata = creation.metadata.isEmpty ? "{}" : creation.metadata
            let time = date.timeIntervalSince1970
            try await tx.exec(
                """
                INSERT INTO artifacts (id, collection_id, digest, state, description, metadata, created_by_run_id,
                    history_step, client_id, sequence_client_id, requested_aliases, created_at, updated_at)
                VALUES (\(id), \(collectionID), \(creation.digest), 'PENDING', \(creation.description), \(metadata),
                    \(runID), \(creation.historyStep), \(creation.clientID), \(creation.sequenceClientID), \(aliases),
                    \(time), \(time))
                """)
            guard let record = try await tx.artifact(id: id) else { throw StoreError(.unavailable, "the database is unavailable") }
            return (record, latestID)
        }
    }

    func artifact(id: String) async throws(StoreError) -> ArtifactRecord? {
        try await transaction { tx in try await tx.artifact(id: id) }
    }

    func artifact(entity: String, project: String, collection: String, alias: String) async throws(StoreError) -> ArtifactRecord? {
        try await transaction { tx in
            guard let collectionID = try await tx.rows(
                "SELECT id FROM artifact_collections WHERE entity = \(entity) AND project = \(project) AND name = \(collection)"
            ).first?.int("id") else { return nil }
            var id: String?
            if let index = StoreRules.versionIndex(alias: alias) {
                id = try await tx.rows(
                    """
                    SELECT id FROM artifacts WHERE collection_id = \(collectionID) AND version_index = \(index)
                        AND state = 'COMMITTED'
                    """
                ).first?.text("id")
            }
            if id == nil {
                id = try await tx.rows(
                    "SELECT artifact_id FROM artifact_aliases WHERE collection_id = \(collectionID) AND alias = \(alias)"
                ).first?.text("artifact_id")
            }
            guard let id else { return nil }
            return try await tx.artifact(id: id)
        }
    }

    func artifactType(entity: String, project: String, collection: String) async throws(StoreError) -> String? {
        try await transaction { tx in
            try await tx.rows(
                "SELECT type FROM artifact_collections WHERE entity = \(entity) AND project = \(project) AND name = \(collection)"
            ).first?.text("type")
        }
    }

    func manifestID(artifactID: String, at date: Date) async throws(StoreError) -> String {
        // The id is a function of the artifact id, so concurrent first calls write the same value.
        let id = StoreRules.manifestID(artifactID: artifactID)
        return try await transaction { tx in
            guard let row = try await tx.rows(
                "SELECT manifest_id FROM artifacts WHERE id = \(artifactID) FOR UPDATE"
            ).first else {
                throw StoreError(.notFound, "no artifact \(artifactID)")
            }
            if let existing = row.text("manifest_id") { return existing }
            try await tx.exec(
                "UPDATE artifacts SET manifest_id = \(id), updated_at = \(date.timeIntervalSince1970) WHERE id = \(artifactID)")
            return id
        }
    }

    func storeManifest(artifactID: String, blobDigest: String, size: Int, at date: Date) async throws(StoreError) {
        try await transaction { tx in
            let updated = try await tx.rows(
                """
                UPDATE artifacts SET manifest_blob = \(blobDigest), manifest_size = \(size),
                    updated_at = \(date.timeIntervalSince1970)
                WHERE id = \(artifactID) RETURNING id
                """)
            if updated.isEmpty { throw StoreError(.notFound, "no artifact \(artifactID)") }
        }
    }

    func manifestBlob(artifactID: String) async throws(StoreError) -> (digest: String, size: Int)? {
        try await transaction { tx in
            guard let row = try await tx.rows(
                "SELECT manifest_blob, manifest_size FROM artifacts WHERE id = \(artifactID)"
            ).first, let digest = row.text("manifest_blob") else { return nil }
            return (digest, row.int("manifest_size") ?? 0)
        }
    }

    func announceArtifactFile(_ file: ArtifactFileRecord) async throws(StoreError) -> (file: ArtifactFileRecord, alreadyStored: Bool) {
        try await transaction { tx in
            guard let collectionID = try await tx.rows(
                "SELECT collection_id FROM artifacts WHERE id = \(file.artifactID)"
            ).first?.int("collection_id") else {
                throw StoreError(.notFound, "no artifact \(file.artifactID)")
            }
            // Per-file de-dup: the same bytes already stored by a committed version of the collection.
            if let earlier = try await tx.rows(
                """
                SELECT f.* FROM artifact_files f JOIN artifacts a ON a.id = f.artifact_id
                WHERE a.collection_id = \(collectionID) AND a.state = 'COMMITTED' AND f.md5 = \(file.md5)
                    AND f.blob_digest IS NOT NULL AND f.artifact_id <> \(file.artifactID)
                ORDER BY a.version_index LIMIT 1
                """
            ).first.map(Self.file(from:)) {
                let record = StoreRules.deduplicated(file, sharing: earlier)
                try await tx.upsertFile(record)
                return (record, true)
            }
            let record = StoreRules.awaitingUpload(file)
            try await tx.upsertFile(record)
            return (record, false)
        }
    }

    func storeArtifactFile(storagePath: String, blobDigest: String, size: Int) async throws(StoreError) {
        try await transaction { tx in
            let updated = try await tx.rows(
                """
                UPDATE artifact_files SET blob_digest = \(blobDigest), size = \(size)
                WHERE storage_path = \(storagePath) RETURNING name
                """)
            if updated.isEmpty { throw StoreError(.notFound, "no artifact file at \(storagePath)") }
        }
    }

    func artifactFile(storagePath: String) async throws(StoreError) -> ArtifactFileRecord? {
        try await transaction { tx in
            try await tx.rows(
                "SELECT * FROM artifact_files WHERE storage_path = \(storagePath) ORDER BY blob_digest IS NULL LIMIT 1"
            ).first.map(Self.file(from:))
        }
    }

    func artifactFiles(artifactID: String) async throws(StoreError) -> [ArtifactFileRecord] {
        try await transaction { tx in
            try await tx.rows(
                "SELECT * FROM artifact_files WHERE artifact_id = \(artifactID) ORDER BY name COLLATE \"C\""
            ).map(Self.file(from:))
        }
    }

    func commitArtifact(id: String, at date: Date) async throws(StoreError) -> ArtifactRecord {
        try await transaction { tx in
            guard let collectionID = try await tx.rows(
                "SELECT collection_id FROM artifacts WHERE id = \(id)"
            ).first?.int("collection_id") else {
                throw StoreError(.notFound, "no artifact \(id)")
            }
            // One commit per collection at a time: the next index and the aliases are decided under this lock.
            try await tx.exec("SELECT id FROM artifact_collections WHERE id = \(collectionID) FOR UPDATE")
            // Read after the lock, so a concurrent commit of this version is seen (commit is idempotent).
            guard let row = try await tx.rows(
                "SELECT state, requested_aliases FROM artifacts WHERE id = \(id) FOR UPDATE"
            ).first else {
                throw StoreError(.notFound, "no artifact \(id)")
            }
            if row.text("state") == ArtifactState.pending.rawValue {
                try await tx.commitPending(id: id, collectionID: collectionID, requestedAliases: row.text("requested_aliases"), at: date)
            }
            guard let record = try await tx.artifact(id: id) else { throw StoreError(.notFound, "no artifact \(id)") }
            return record
        }
    }

    func recordUse(artifactID: String, by run: RunKey, usedAs: String?, at date: Date) async throws(StoreError) {
        try await transaction { tx in
            let runID = try await tx.runID(run, lock: false)
            guard try await tx.rows("SELECT id FROM artifacts WHERE id = \(artifactID)").first != nil else {
                throw StoreError(.notFound, "no artifact \(artifactID)")
            }
            try await tx.exec(
                """
                INSERT INTO artifact_usage (artifact_id, run_id, used_as, created_at)
                VALUES (\(artifactID), \(runID), \(usedAs), \(date.timeIntervalSince1970))
                ON CONFLICT (artifact_id, run_id) DO UPDATE SET used_as = coalesce(excluded.used_as, artifact_usage.used_as)
                """)
        }
    }

    func lineage(of run: RunKey) async throws(StoreError) -> (logged: [ArtifactRecord], used: [ArtifactRecord]) {
        try await transaction { tx in
            let runID = try await tx.runID(run, lock: false)
            let logged = try await tx.artifacts(
                ids: try await tx.rows(
                    "SELECT id FROM artifacts WHERE created_by_run_id = \(runID) ORDER BY created_at, seq"
                ).compactMap { $0.text("id") })
            let used = try await tx.artifacts(
                ids: try await tx.rows(
                    "SELECT artifact_id FROM artifact_usage WHERE run_id = \(runID) ORDER BY created_at, seq"
                ).compactMap { $0.text("artifact_id") })
            return (logged, used)
        }
    }

    func users(of artifactID: String) async throws(StoreError) -> [RunKey] {
        try await transaction { tx in
            try await tx.rows(
                """
                SELECT p.entity AS entity, p.name AS project, r.name AS name FROM artifact_usage u
                JOIN runs r ON r.id = u.run_id JOIN projects p ON p.id = r.project_id
                WHERE u.artifact_id = \(artifactID) ORDER BY u.created_at, u.seq
                """
            ).map { RunKey(entity: $0.text("entity") ?? "", project: $0.text("project") ?? "", name: $0.text("name") ?? "") }
        }
    }

    func versions(entity: String, project: String, collection: String) async throws(StoreError) -> [ArtifactRecord] {
        try await transaction { tx in
            try await tx.artifacts(
                ids: try await tx.rows(
                    """
                    SELECT a.id AS id FROM artifacts a JOIN artifact_collections c ON c.id = a.collection_id
                    WHERE c.entity = \(entity) AND c.project = \(project) AND c.name = \(collection)
                        AND a.state = 'COMMITTED'
                    ORDER BY a.version_index DESC
                    """
                ).compactMap { $0.text("id") })
        }
    }

    static func file(from row: PostgresRandomAccessRow) -> ArtifactFileRecord {
        ArtifactFileRecord(
            artifactID: row.text("artifact_id") ?? "", name: row.text("name") ?? "", md5: row.text("md5") ?? "",
            birthArtifactID: row.text("birth_artifact_id") ?? "", blobDigest: row.text("blob_digest"), size: row.int("size"),
            storagePath: row.text("storage_path") ?? "")
    }
}
