import CohortModel
import Foundation
import SQLiteNIO

extension SQLiteRunStore {
    // MARK: Run files

    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {
        try await write { tx in
            let id = try await tx.runID(key)
            _ = try await tx.rows(
                "INSERT INTO run_files (run_id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT (run_id, name) DO NOTHING",
                [.integer(id), .text(name), .time(date)])
        }
    }

    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {
        try await write { tx in
            let id = try await tx.runID(key)
            _ = try await tx.rows(
                """
                INSERT INTO run_files (run_id, name, digest, size, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (run_id, name) DO UPDATE SET digest = excluded.digest, size = excluded.size,
                    updated_at = excluded.updated_at
                """,
                [.integer(id), .text(name), .text(digest), .integer(size), .time(date)])
        }
    }

    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] {
        try await read { tx in
            let id = try await tx.runID(key)
            return try await tx.rows(
                "SELECT name, digest, size, updated_at FROM run_files WHERE run_id = ? ORDER BY name", [.integer(id)]
            ).map {
                RunFileRecord(
                    name: $0.text("name") ?? "", digest: $0.text("digest"), size: $0.int("size"),
                    updatedAt: $0.date("updated_at") ?? .distantPast)
            }
        }
    }

    // MARK: Alerts

    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool {
        let wait = Double(waitDuration.components.seconds) + Double(waitDuration.components.attoseconds) / 1e18
        return try await write { tx in
            let id = try await tx.runID(alert.key)
            if let last = try await tx.rows(
                "SELECT max(created_at) AS last FROM alerts WHERE run_id = ? AND title = ?",
                [.integer(id), .text(alert.title)]
            ).first?.date("last"), alert.createdAt.timeIntervalSince(last) < wait {
                return false
            }
            _ = try await tx.rows(
                "INSERT INTO alerts (run_id, title, text, severity, created_at) VALUES (?, ?, ?, ?, ?)",
                [.integer(id), .text(alert.title), .text(alert.text), .text(alert.severity.rawValue),
                 .time(alert.createdAt)])
            return true
        }
    }

    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] {
        try await read { tx in
            let id = try await tx.runID(key)
            return try await tx.rows(
                "SELECT title, text, severity, created_at FROM alerts WHERE run_id = ? ORDER BY created_at, id",
                [.integer(id)]
            ).map {
                AlertRecord(
                    key: key, title: $0.text("title") ?? "", text: $0.text("text") ?? "",
                    severity: AlertRecord.Severity(rawValue: $0.text("severity") ?? "") ?? .info,
                    createdAt: $0.date("created_at") ?? .distantPast)
            }
        }
    }
}
