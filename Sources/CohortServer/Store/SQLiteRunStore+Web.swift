import SQLiteNIO

/// The web UI's reads on SQLite.
extension SQLiteRunStore: EntityListing, HistoryBulkReading {
    func entityNames() async throws(StoreError) -> [String] {
        try await read { tx in
            try await tx.rows("SELECT name FROM entities ORDER BY name", []).compactMap { $0.text("name") }
        }
    }

    func historyText(_ key: RunKey, from: Int, to: Int) async throws(StoreError) -> (text: String, lines: Int) {
        try await read { tx in
            let id = try await tx.runID(key)
            // group_concat keeps the subquery's order (SQLite aggregates rows in the order they arrive).
            let row = try await tx.rows(
                """
                SELECT count(*) AS n, coalesce(group_concat(text, char(10)), '') AS body FROM (
                    SELECT text FROM history_lines WHERE run_id = ? AND line_no >= ? AND line_no < ? ORDER BY line_no)
                """, [.integer(id), .integer(max(from, 0)), .integer(max(to, 0))]
            ).first
            return (row?.text("body") ?? "", row?.int("n") ?? 0)
        }
    }
}
