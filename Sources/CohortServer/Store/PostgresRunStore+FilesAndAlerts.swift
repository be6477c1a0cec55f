import CohortModel
import Foundation
import PostgresNIO

extension PostgresRunStore {
    // MARK: Run files

    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            try await tx.exec(
                """
                INSERT INTO run_files (run_id, name, updated_at) VALUES (\(id), \(name), \(date.timeIntervalSince1970))
                ON CONFLICT (run_id, name) DO NOTHING
                """)
        }
    }

    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            try await tx.exec(
                """
                INSERT INTO run_files (run_id, name, digest, size, updated_at)
                VALUES (\(id), \(name), \(digest), \(size), \(date.timeIntervalSince1970))
                ON CONFLICT (run_id, name) DO UPDATE SET digest = excluded.digest, size = excluded.size,
                    updated_at = excluded.updated_at
                """)
        }
    }

    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            return try await tx.rows(
                "SELECT name, digest, size, updated_at FROM run_files WHERE run_id = \(id) ORDER BY name COLLATE \"C\""
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
        return try await transaction { tx in
            // The run lock makes the check and the insert one step for concurrent alerts.
            let id = try await tx.runID(alert.key, lock: true)
            if let last = try await tx.rows(
                "SELECT max(created_at) AS last FROM alerts WHERE run_id = \(id) AND title = \(alert.title)"
            ).first?.date("last"), alert.createdAt.timeIntervalSince(last) < wait {
                return false
            }
            try await tx.exec(
                """
                INSERT INTO alerts (run_id, title, text, severity, created_at)
                VALUES (\(id), \(alert.title), \(alert.text), \(alert.severity.rawValue), \(alert.createdAt.timeIntervalSince1970))
                """)
            return true
        }
    }

    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            return try await tx.rows(
                "SELECT title, text, severity, created_at FROM alerts WHERE run_id = \(id) ORDER BY created_at, id"
            ).map {
                AlertRecord(
                    key: key, title: $0.text("title") ?? "", text: $0.text("text") ?? "",
                    severity: AlertRecord.Severity(rawValue: $0.text("severity") ?? "") ?? .info,
                    createdAt: $0.date("created_at") ?? .distantPast)
            }
        }
    }
}
