import Foundation
import PostgresNIO

/// The artifact statements `PostgresArtifactStore.swift` composes, inside one transaction.
extension PostgresRunStore.Transaction {
    /// The collection's row id, created with `type` when new; `.conflict` when it has another type.
    /// Two first versions at once: one insert wins, both read its row.
    func collectionID(entity: String, project: String, name: String, type: String, at date: Date) async throws -> Int {
        let select: PostgresQuery =
            "SELECT id, type FROM artifact_collections WHERE entity = \(entity) AND project = \(project) AND name = \(name)"
        var row = try await rows(select).first
        if row == nil {
            try await exec(
                """
                INSERT INTO artifact_collections (entity, project, name, type, created_at)
                VALUES (\(entity), \(project), \(name), \(type), \(date.timeIntervalSince1970))
                ON CONFLICT (entity, project, name) DO NOTHING
                """)
            row = try await rows(select).first
        }
        guard let row, let id = row.int("id") else { throw StoreError(.unavailable, "the database is unavailable") }
        guard row.text("type") == type else {
            throw StoreError(.conflict, "artifact collection \(name) has type \(row.text("type") ?? "?"), not \(type)")
        }
        return id
    }

    /// Announces a file (again: replaces its record).
    func upsertFile(_ file: ArtifactFileRecord) async throws {
        try await exec(
            """
            INSERT INTO artifact_files (artifact_id, name, md5, birth_artifact_id, blob_digest, size, storage_path)
            VALUES (\(file.artifactID), \(file.name), \(file.md5), \(file.birthArtifactID), \(file.blobDigest),
                \(file.size), \(file.storagePath))
            ON CONFLICT (artifact_id, name) DO UPDATE SET md5 = excluded.md5,
                birth_artifact_id = excluded.birth_artifact_id, blob_digest = excluded.blob_digest,
                size = excluded.size, storage_path = excluded.storage_path
            """)
    }

    /// Commits a pending version whose collection row the caller has locked: the next version index,
    /// its files' size and count, and the requested aliases plus `latest` moved onto it.
    func commitPending(id: String, collectionID: Int, requestedAliases: String?, at date: Date) async throws {
        let next = StoreRules.nextVersionIndex(
            after: try await rows("SELECT max(version_index) AS n FROM artifacts WHERE collection_id = \(collectionID)")
                .first?.int("n"))
        try await exec(
            """
            UPDATE artifacts SET state = 'COMMITTED', version_index = \(next), updated_at = \(date.timeIntervalSince1970),
                size = (SELECT coalesce(sum(size), 0)::bigint FROM artifact_files WHERE artifact_id = \(id)),
                file_count = (SELECT count(*) FROM artifact_files WHERE artifact_id = \(id))
            WHERE id = \(id)
            """)
        for alias in StoreRules.commitAliases(StoreRules.decodeTags(requestedAliases ?? "[]")) {
            try await exec(
                """
                INSERT INTO artifact_aliases (collection_id, alias, artifact_id) VALUES (\(collectionID), \(alias), \(id))
                ON CONFLICT (collection_id, alias) DO UPDATE SET artifact_id = excluded.artifact_id
                """)
        }
    }

    /// The versions with these ids, in this order (ids that no longer exist are left out).
    func artifacts(ids: [String]) async throws -> [ArtifactRecord] {
        var records: [ArtifactRecord] = []
        for id in ids {
            if let record = try await artifact(id: id) { records.append(record) }
        }
        return records
    }

    func artifact(id: String) async throws -> ArtifactRecord? {
        guard let row = try await rows(
            """
            SELECT a.*, c.entity AS c_entity, c.project AS c_project, c.name AS c_name, c.type AS c_type,
                p.entity AS r_entity, p.name AS r_project, r.name AS r_name
            FROM artifacts a JOIN artifact_collections c ON c.id = a.collection_id
            LEFT JOIN runs r ON r.id = a.created_by_run_id LEFT JOIN projects p ON p.id = r.project_id
            WHERE a.id = \(id)
            """
        ).first else { return nil }
        let aliases = try await rows(
            "SELECT alias FROM artifact_aliases WHERE artifact_id = \(id) ORDER BY alias = 'latest' DESC, alias COLLATE \"C\""
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
