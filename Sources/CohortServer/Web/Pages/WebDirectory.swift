/// Stores that can list every entity (the admin's start page). Both stores conform; any other
/// `RunStore` lists the entities of its API keys.
protocol EntityListing: Sendable {
    /// Every entity's name, sorted.
    func entityNames() async throws(StoreError) -> [String]
}

enum WebDirectory {
    static func entityNames(services: ServerServices) async throws(WebError) -> [String] {
        if let listing = services.store as? any EntityListing {
            return try await WebStoreCalls.run { try await listing.entityNames() }
        }
        let keys = try await WebStoreCalls.run { try await services.store.apiKeys() }
        return Array(Set(keys.map(\.entity))).sorted()
    }
}
