import PostgresNIO

/// The web UI's reads on PostgreSQL.
extension PostgresRunStore: EntityListing {
    func entityNames() async throws(StoreError) -> [String] {
        try await transaction { tx in
            try await tx.rows("SELECT name FROM entities ORDER BY name COLLATE \"C\"").compactMap { $0.text("name") }
        }
    }
}
