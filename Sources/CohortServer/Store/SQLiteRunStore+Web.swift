import SQLiteNIO

/// The web UI's reads on SQLite.
extension SQLiteRunStore: EntityListing {
    func entityNames() async throws(StoreError) -> [String] {
        try await read { tx in
            try await tx.rows("SELECT name FROM entities ORDER BY name", []).compactMap { $0.text("name") }
        }
    }
}
