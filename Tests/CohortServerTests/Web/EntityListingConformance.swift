@testable import CohortServer
import Foundation
import Testing

/// `EntityListing` on every store backend (the admin's start page).
@Suite("entity listing conformance")
struct EntityListingConformance {
    @Test("every entity with a key or a run is listed once, sorted", arguments: StoreBackend.all)
    func entities(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let listing = try #require(store as? any EntityListing)
            #expect(try await listing.entityNames().isEmpty)
            try await store.insertAPIKey(APIKeyRecord(
                id: "k", secretHash: APIKeys.hash("x"), label: "k", entity: "zed", isAdmin: false, createdAt: Date()))
            for key in [RunKey(entity: "bob", project: "p", name: "r"), RunKey(entity: "alice", project: "p", name: "r"),
                        RunKey(entity: "bob", project: "q", name: "r")] {
                _ = try await store.upsertRun(RunUpsert(key: key), at: Date())
            }
            #expect(try await listing.entityNames() == ["alice", "bob", "zed"])
        }
    }
}
