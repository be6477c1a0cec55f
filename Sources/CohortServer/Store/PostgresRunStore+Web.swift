import PostgresNIO

/// The web UI's reads on PostgreSQL.
extension PostgresRunStore: EntityListing, HistoryBulkReading {
    func entityNames() async throws(StoreError) -> [String] {
        try await transaction { tx in
            try await tx.rows("SELECT name FROM entities ORDER BY name COLLATE \"C\"").compactMap { $0.text("name") }
        }
    }

    func historyText(_ key: RunKey, from: Int, to: Int) async throws(StoreError) -> (text: String, lines: Int) {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            let row = try await tx.rows(
                """
                SELECT count(*) AS n, coalesce(string_agg(text, E'\\n' ORDER BY line_no), '') AS body FROM history_lines
                WHERE run_id = \(id) AND line_no >= \(max(from, 0)) AND line_no < \(max(to, 0))
                """
            ).first
            return (row?.text("body") ?? "", row?.int("n") ?? 0)
        }
    }
}
