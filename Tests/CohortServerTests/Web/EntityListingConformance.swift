@testable import CohortServer
import Foundation
import Testing

/// The web UI's store reads on every backend: `EntityListing` (the admin's start page) and
/// `HistoryBulkReading` (the metric series cache).
@Suite("web store reads conformance")
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

    @Test("history text: the lines of a range joined by newlines, in order, with their count", arguments: StoreBackend.all)
    func historyText(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let reader = try #require(store as? any HistoryBulkReading)
            let key = RunKey(entity: "alice", project: "p", name: "r")
            _ = try await store.upsertRun(RunUpsert(key: key), at: Date())
            let lines = (0..<25).map { #"{"_step": \#($0), "x": "\u00e9"}"# }
            _ = try await store.applyFileStream(FileStreamBatch(history: .init(offset: 0, lines: lines)), to: key, at: Date())
            let middle = try await reader.historyText(key, from: 10, to: 13)
            #expect(middle.lines == 3 && middle.text == lines[10...12].joined(separator: "\n"))
            let all = try await reader.historyText(key, from: 0, to: 1_000)
            #expect(all.lines == 25 && all.text.split(separator: "\n").map(String.init) == lines)
            let past = try await reader.historyText(key, from: 30, to: 40)
            #expect(past.lines == 0 && past.text.isEmpty)
            do {
                _ = try await reader.historyText(RunKey(entity: "alice", project: "p", name: "nope"), from: 0, to: 5)
                Issue.record("an unknown run must throw")
            } catch {
                #expect((error as? StoreError)?.code == .notFound)
            }
        }
    }
}
