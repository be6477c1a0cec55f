import Foundation
import SQLiteNIO

/// `ArtifactStore` on the SQLite store's tables of migration `0002_artifacts` (same connection,
/// same transactions as the run store).
extension SQLiteRunStore: ArtifactStore {
    func createArtifact(_ creation: ArtifactCreation, at date: Date) async throws(StoreError) -> (artifact: ArtifactRecord, latestID: String?) {
        if !creation.metadata.isEmpty { _ = try StoreRules.object(creation.metadata, "metadata") }
        return try await write { tx in
            let collectionID = try await tx.collectionID(
                entity: creation.entity, project: creation.project, name: creation.collection, type: creation.type, at: date)
            let latestID = try await tx.rows(
                "SELECT artifact_id FROM artifact_aliases WHERE collection_id = ? AND alias = 'latest'",
                [.integer(collectionID)]
            ).first?.text("artifact_id")
            if creation.deduplicate, let existing = try await tx.rows(
                """
                SELECT id FROM artifacts WHERE collection_id = ? AND digest = ? AND state = 'COMMITTED'
                ORDER BY version_index DESC LIMIT 1
                """, [.integer(collectionID), .text(creation.digest)]
            ).first?.text("id"), let record = try await tx.artifact(id: existing) {
                return (record, latestID)
            }
            var runID: Int?
            if let run = creation.createdBy { runID = try await tx.run(run)?.id }
            let id = StoreRules.newArtifactID()
            let aliases = StoreRules.commitAliases(creation.aliases)
            _ = try await tx.rows(
                """
                INSERT INTO artifacts (id, collection_id, digest, state, description, metadata, created_by_run_id,
                    history_step, client_id, sequence_client_id, requested_aliases, created_at, updated_at)
                VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(id), .integer(collectionID), .text(creation.digest), .textOrNull(creation.description),
                 .text(creation.metadata.isEmpty ? "{}" : creation.metadata), runID.map { .integer($0) } ?? .null,
                 creation.historyStep.map { .integer($0) } ?? .null, .textOrNull(creation.clientID),
                 .textOrNull(creation.sequenceClientID), .text(StoreRules.encodeTags(aliases)), .time(date), .time(date)])
            guard let record = try await tx.artifact(id: id) else { throw StoreError(.unavailable, "the database is unavailable") }
            return (record, latestID)
        }
    }

    func artifact(id: String) async throws(StoreError) -> ArtifactRecord? {
        try await read { tx in try await tx.artifact(id: id) }
    }

    func artifact(entity: String, project: String, collection: String, alias: String) async throws(StoreError) -> ArtifactRecord? {
        try await read { tx in
            guard let collectionID = try await tx.rows(
                "SELECT id FROM artifact_collections WHERE entity = ? AND project = ? AND name = ?",
                [.text(entity), .text(project), .text(collection)]
            ).first?.int("id") else { return nil }
            var id: String?
            if let index = StoreRules.versionIndex(alias: alias) {
                id = try await tx.rows(
                    "SELECT id FROM artifacts WHERE collection_id = ? AND version_index = ? AND state = 'COMMITTED'",
                    [.integer(collectionID), .integer(index)]
                ).first?.text("id")
            }
            if id == nil {
                id = try await tx.rows(
                    "SELECT artifact_id FROM artifact_aliases WHERE collection_id = ? AND alias = ?",
                    [.integer(collectionID), .text(alias)]
                ).first?.text("artifact_id")
            }
            guard let id else { return nil }
            return try await tx.artifact(id: id)
        }
    }

    func artifactType(entity: String, project: String, collection: String) async throws(StoreError) -> String? {
        try await read { tx in
            try await tx.rows(
                "SELECT type FROM artifact_collections WHERE entity = ? AND project = ? AND name = ?",
                [.text(entity), .text(project), .text(collection)]
            ).first?.text("type")
        }
    }

    func manifestID(artifactID: String, at date: Date) async throws(StoreError) -> String {
        try await write { tx in
            guard let row = try await tx.rows("SELECT manifest_id FROM artifacts WHERE id = ?", [.text(artifactID)]).first else {
                throw StoreError(.notFound, "no artifact \(artifactID)")
            }
            if let existing = row.text("manifest_id") { return existing }
            let id = StoreRules.manifestID(artifactID: artifactID)
            _ = try await tx.rows(
                "UPDATE artifacts SET manifest_id = ?, updated_at = ? WHERE id = ?", [.text(id), .time(date), .text(artifactID)])
            return id
        }
    }

    func storeManifest(artifactID: String, blobDigest: String, size: Int, at date: Date) async throws(StoreError) {
        try await write { tx in
            let updated = try await tx.rows(
                "UPDATE artifacts SET manifest_blob = ?, manifest_size = ?, updated_at = ? WHERE id = ? RETURNING id",
                [.text(blobDigest), .integer(size), .time(date), .text(artifactID)])
            if updated.isEmpty { throw StoreError(.notFound, "no artifact \(artifactID)") }
        }
    }

    func manifestBlob(artifactID: String) async throws(StoreError) -> (digest: String, size: Int)? {
        try await read { tx in
            guard let row = try await tx.rows(
                "SELECT manifest_blob, manifest_size FROM artifacts WHERE id = ?", [.text(artifactID)]
            ).first, let digest = row.text("manifest_blob") else { return nil }
            return (digest, row.int("manifest_size") ?? 0)
        }
    }

    func announceArtifactFile(_ file: ArtifactFileRecord) async throws(StoreError) -> (file: ArtifactFileRecord, alreadyStored: Bool) {
        try await write { tx in
            guard let collectionID = try await tx.rows(
                "SELECT collection_id FROM artifacts WHERE id = ?", [.text(file.artifactID)]
            ).first?.int("collection_id") else {
                throw StoreError(.notFound, "no artifact \(file.artifactID)")
            }
            // Per-file de-dup: the same bytes already stored by a committed version of the collection.
            if let earlier = try await tx.rows(
                """
                SELECT f.* FROM artifact_files f JOIN artifacts a ON a.id = f.artifact_id
                WHERE a.collection_id = ? AND a.state = 'COMMITTED' AND f.md5 = ? AND f.blob_digest IS NOT NULL
                    AND f.artifact_id <> ?
                ORDER BY a.version_index LIMIT 1
                """, [.integer(collectionID), .text(file.md5), .text(file.artifactID)]
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
        try await write { tx in
            let updated = try await tx.rows(
                "UPDATE artifact_files SET blob_digest = ?, size = ? WHERE storage_path = ? RETURNING name",
                [.text(blobDigest), .integer(size), .text(storagePath)])
            if updated.isEmpty { throw StoreError(.notFound, "no artifact file at \(storagePath)") }
        }
    }

    func artifactFile(storagePath: String) async throws(StoreError) -> ArtifactFileRecord? {
        try await read { tx in
            try await tx.rows(
                "SELECT * FROM artifact_files WHERE storage_path = ? ORDER BY blob_digest IS NULL LIMIT 1", [.text(storagePath)]
            ).first.map(Self.file(from:))
        }
    }

    func artifactFiles(artifactID: String) async throws(StoreError) -> [ArtifactFileRecord] {
        try await read { tx in
            try await tx.rows("SELECT * FROM artifact_files WHERE artifact_id = ? ORDER BY name", [.text(artifactID)])
                .map(Self.file(from:))
        }
    }

    func commitArtifact(id: String, at date: Date) async throws(StoreError) -> ArtifactRecord {
        try await write { tx in
            guard let row = try await tx.rows(
                "SELECT collection_id, state, requested_aliases FROM artifacts WHERE id = ?", [.text(id)]
            ).first, let collectionID = row.int("collection_id") else {
                throw StoreError(.notFound, "no artifact \(id)")
            }
            if row.text("state") == ArtifactState.pending.rawValue {
                let next = StoreRules.nextVersionIndex(after: try await tx.rows(
                    "SELECT max(version_index) AS n FROM artifacts WHERE collection_id = ?", [.integer(collectionID)]
                ).first?.int("n"))
                _ = try await tx.rows(
                    """
                    UPDATE artifacts SET state = 'COMMITTED', version_index = ?, updated_at = ?,
                        size = (SELECT coalesce(sum(size), 0) FROM artifact_files WHERE artifact_id = ?),
                        file_count = (SELECT count(*) FROM artifact_files WHERE artifact_id = ?)
                    WHERE id = ?
                    """, [.integer(next), .time(date), .text(id), .text(id), .text(id)])
                for alias in StoreRules.commitAliases(StoreRules.decodeTags(row.text("requested_aliases") ?? "[]")) {
                    _ = try await tx.rows(
                        """
                        INSERT INTO artifact_aliases (collection_id, alias, artifact_id) VALUES (?, ?, ?)
                        ON CONFLICT (collection_id, alias) DO UPDATE SET artifact_id = excluded.artifact_id
                        """, [.integer(collectionID), .text(alias), .text(id)])
                }
            }
            guard let record = try await tx.artifact(id: id) else { throw StoreError(.notFound, "no artifact \(id)") }
            return record
        }
    }

    func recordUse(artifactID: String, by run: RunKey, usedAs: String?, at date: Date) async throws(StoreError) {
        try await write { tx in
            let runID = try await tx.runID(run)
            guard try await tx.rows("SELECT id FROM artifacts WHERE id = ?", [.text(artifactID)]).first != nil else {
                throw StoreError(.notFound, "no artifact \(artifactID)")
            }
            _ = try await tx.rows(
                """
                INSERT INTO artifact_usage (artifact_id, run_id, used_as, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (artifact_id, run_id) DO UPDATE SET used_as = coalesce(excluded.used_as, used_as)
                """, [.text(artifactID), .integer(runID), .textOrNull(usedAs), .time(date)])
        }
    }

    func lineage(of run: RunKey) async throws(StoreError) -> (logged: [ArtifactRecord], used: [ArtifactRecord]) {
        try await read { tx in
            let runID = try await tx.runID(run)
            var logged: [ArtifactRecord] = []
            for row in try await tx.rows(
                "SELECT id FROM artifacts WHERE created_by_run_id = ? ORDER BY created_at, rowid", [.integer(runID)])
            {
                if let id = row.text("id"), let record = try await tx.artifact(id: id) { logged.append(record) }
            }
            var used: [ArtifactRecord] = []
            for row in try await tx.rows(
                "SELECT artifact_id FROM artifact_usage WHERE run_id = ? ORDER BY created_at, rowid", [.integer(runID)])
            {
                if let id = row.text("artifact_id"), let record = try await tx.artifact(id: id) { used.append(record) }
            }
            return (logged, used)
        }
    }

    func users(of artifactID: String) async throws(StoreError) -> [RunKey] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT p.entity AS entity, p.name AS project, r.name AS name FROM artifact_usage u
                JOIN runs r ON r.id = u.run_id JOIN projects p ON p.id = r.project_id
                WHERE u.artifact_id = ? ORDER BY u.created_at, u.rowid
                """, [.text(artifactID)]
            ).map { RunKey(entity: $0.text("entity") ?? "", project: $0.text("project") ?? "", name: $0.text("name") ?? "") }
        }
    }

    func versions(entity: String, project: String, collection: String) async throws(StoreError) -> [ArtifactRecord] {
        try await read { tx in
            var records: [ArtifactRecord] = []
            for row in try await tx.rows(
                """
                SELECT a.id AS id FROM artifacts a JOIN artifact_collections c ON c.id = a.collection_id
                WHERE c.entity = ? AND c.project = ? AND c.name = ? AND a.state = 'COMMITTED'
                ORDER BY a.version_index DESC
                """, [.text(entity), .text(project), .text(collection)])
            {
                if let id = row.text("id"), let record = try await tx.artifact(id: id) { records.append(record) }
            }
            return records
        }
    }

    // MARK: Helpers

    static func file(from row: SQLiteRow) -> ArtifactFileRecord {
        ArtifactFileRecord(
            artifactID: row.text("artifact_id") ?? "", name: row.text("name") ?? "", md5: row.text("md5") ?? "",
            birthArtifactID: row.text("birth_artifact_id") ?? "", blobDigest: row.text("blob_digest"), size: row.int("size"),
            storagePath: row.text("storage_path") ?? "")
    }
}

extension SQLiteRunStore.Transaction {
    /// The collection's row id, created with `type` when new; `.conflict` when it has another type.
    func collectionID(entity: String, project: String, name: String, type: String, at date: Date) async throws -> Int {
        if let row = try await rows(
            "SELECT id, type FROM artifact_collections WHERE entity = ? AND project = ? AND name = ?",
            [.text(entity), .text(project), .text(name)]
        ).first, let id = row.int("id") {
            guard row.text("type") == type else {
                throw StoreError(
                    .conflict,
                    "artifact collection \(name) has type \(row.text("type") ?? "?"), not \(type)")
            }
            return id
        }
        guard let id = try await rows(
            "INSERT INTO artifact_collections (entity, project, name, type, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [.text(entity), .text(project), .text(name), .text(type), .time(date)]
        ).first?.int("id") else { throw StoreError(.unavailable, "the database is unavailable") }
        return id
    }

    func upsertFile(_ file: ArtifactFileRecord) async throws {
        _ = try await rows(
            """
            INSERT INTO artifact_files (artifact_id, name, md5, birth_artifact_id, blob_digest, size, storage_path)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (artifact_id, name) DO UPDATE SET md5 = excluded.md5,
                birth_artifact_id = excluded.birth_artifact_id, blob_digest = excluded.blob_digest,
                size = excluded.size, storage_path = excluded.storage_path
            """,
            [.text(file.artifactID), .text(file.name), .text(file.md5), .text(file.birthArtifactID),
             .textOrNull(file.blobDigest), file.size.map { .integer($0) } ?? .null, .text(file.storagePath)])
    }

    func artifact(id: String) async throws -> ArtifactRecord? {
        guard let row = try await rows(
            """
            SELECT a.*, c.entity AS c_entity, c.project AS c_project, c.name AS c_name, c.type AS c_type,
                p.entity AS r_entity, p.name AS r_project, r.name AS r_name
            FROM artifacts a JOIN artifact_collections c ON c.id = a.collection_id
            LEFT JOIN runs r ON r.id = a.created_by_run_id LEFT JOIN projects p ON p.id = r.project_id
            WHERE a.id = ?
            """, [.text(id)]
        ).first else { return nil }
        let aliases = try await rows(
            "SELECT alias FROM artifact_aliases WHERE artifact_id = ? ORDER BY alias = 'latest' DESC, alias", [.text(id)]
        ).compactMap { $0.text("alias") }
        var createdBy: RunKey?
        if let entity = row.text("r_entity"), let project = row.text("r_project"), let name = row.text("r_name") {
            createdBy = RunKey(entity: entity, project: project, name: name)
        }
        return ArtifactRecord(
            id: id, entity: row.text("c_entity") ?? "", project: row.text("c_project") ?? "", type: row.text("c_type") ?? "",
            collection: row.text("c_name") ?? "", versionIndex: row.int("version_index"), digest: row.text("digest") ?? "",
            state: ArtifactState(rawValue: row.text("state") ?? "") ?? .pending, description: row.text("description"),
            metadata: row.text("metadata") ?? "{}", createdBy: createdBy, historyStep: row.int("history_step"),
            clientID: row.text("client_id"), sequenceClientID: row.text("sequence_client_id"),
            requestedAliases: StoreRules.decodeTags(row.text("requested_aliases") ?? "[]"), aliases: aliases,
            size: row.int("size") ?? 0, fileCount: row.int("file_count") ?? 0,
            createdAt: row.date("created_at") ?? .distantPast, updatedAt: row.date("updated_at") ?? .distantPast)
    }
}
