import CohortModel
import Foundation
import Testing

@testable import CohortServer

/// What every `ArtifactStore` must do, run against each backend in `StoreBackend.withArtifacts` (the rules
/// of `ArtifactStore.swift` and `wandb-protocol.md` §3, §5.4).
@Suite("ArtifactStore conformance")
struct ArtifactStoreConformance {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let run1 = RunKey(entity: "alice", project: "mnist", name: "r1")
    static let run2 = RunKey(entity: "alice", project: "mnist", name: "r2")

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    static func creation(
        _ digest: String, collection: String = "ds", type: String = "dataset", aliases: [String] = ["latest"],
        by run: RunKey? = run1
    ) -> ArtifactCreation {
        ArtifactCreation(
            entity: "alice", project: "mnist", type: type, collection: collection, digest: digest, createdBy: run,
            aliases: aliases)
    }

    /// Creates, announces `files` (name → md5), stores every file not de-duplicated, commits.
    @discardableResult
    static func logVersion(
        _ store: any RunStore & ArtifactStore, digest: String, files: [String: String], aliases: [String] = ["latest"],
        at seconds: Double = 0
    ) async throws -> (artifact: ArtifactRecord, announced: [String: (ArtifactFileRecord, Bool)]) {
        let created = try await store.createArtifact(creation(digest, aliases: aliases), at: at(seconds)).artifact
        var announced: [String: (ArtifactFileRecord, Bool)] = [:]
        for (name, md5) in files.sorted(by: { $0.key < $1.key }) {
            let result = try await store.announceArtifactFile(
                ArtifactFileRecord(artifactID: created.id, name: name, md5: md5, birthArtifactID: created.id, storagePath: "\(created.id)/\(md5)"))
            announced[name] = (result.file, result.alreadyStored)
            if !result.alreadyStored {
                try await store.storeArtifactFile(storagePath: result.file.storagePath, blobDigest: "sha-\(md5)", size: md5.count)
            }
        }
        let committed = try await store.commitArtifact(id: created.id, at: at(seconds + 1))
        return (committed, announced)
    }

    static func withRuns(_ backend: StoreBackend, _ body: (any RunStore & ArtifactStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            _ = try await store.upsertRun(RunUpsert(key: run1), at: t0)
            _ = try await store.upsertRun(RunUpsert(key: run2), at: t0)
            try await body(store)
        }
    }

    @Test("a project's collections are listed by name with their type, creation and last change", arguments: StoreBackend.withArtifacts)
    func collections(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            #expect(try await store.collections(entity: "alice", project: "mnist").isEmpty)
            let model = try await store.createArtifact(Self.creation("m0", collection: "model", type: "model"), at: Self.at(0))
            _ = try await store.commitArtifact(id: model.artifact.id, at: Self.at(5))
            _ = try await store.createArtifact(Self.creation("d0"), at: Self.at(2))
            let listed = try await store.collections(entity: "alice", project: "mnist")
            #expect(listed.map(\.name) == ["ds", "model"])
            #expect(listed.map(\.type) == ["dataset", "model"])
            #expect(listed.last?.createdAt == Self.at(0) && listed.last?.updatedAt == Self.at(5))
            #expect(try await store.collections(entity: "alice", project: "other").isEmpty)
        }
    }

    @Test("versions are v0, v1 per collection; latest moves to the newest; vN and latest resolve", arguments: StoreBackend.withArtifacts)
    func versionsAndLatest(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let created = try await store.createArtifact(Self.creation("d0"), at: Self.at(0))
            #expect(created.artifact.state == .pending && created.artifact.versionIndex == nil && created.latestID == nil)
            let v0 = try await store.commitArtifact(id: created.artifact.id, at: Self.at(1))
            #expect(v0.state == .committed && v0.versionIndex == 0 && v0.aliases == ["latest"])
            #expect(try await store.commitArtifact(id: v0.id, at: Self.at(2)).versionIndex == 0, "commit is idempotent")

            let second = try await store.createArtifact(Self.creation("d1"), at: Self.at(3))
            #expect(second.latestID == v0.id)
            let v1 = try await store.commitArtifact(id: second.artifact.id, at: Self.at(4))
            #expect(v1.versionIndex == 1)
            #expect(try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "latest")?.id == v1.id)
            #expect(try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "v0")?.id == v0.id)
            #expect(try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "v1")?.id == v1.id)
            #expect(try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "v2") == nil)
            #expect(try await store.artifact(id: v0.id)?.aliases == [])
            #expect(try await store.versions(entity: "alice", project: "mnist", collection: "ds").map(\.id) == [v1.id, v0.id])

            // Another collection counts from v0 again.
            let other = try await store.createArtifact(Self.creation("d0", collection: "other"), at: Self.at(5))
            #expect(try await store.commitArtifact(id: other.artifact.id, at: Self.at(6)).versionIndex == 0)
        }
    }

    @Test("user aliases attach at commit and move to the newer version", arguments: StoreBackend.withArtifacts)
    func userAliasesMove(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let v0 = try await Self.logVersion(store, digest: "d0", files: [:], aliases: ["best", "latest"]).artifact
            #expect(Set(v0.aliases) == ["best", "latest"])
            let v1 = try await Self.logVersion(store, digest: "d1", files: [:], aliases: ["latest"], at: 10).artifact
            #expect(try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "best")?.id == v0.id)
            #expect(try await store.artifact(id: v0.id)?.aliases == ["best"])
            let v2 = try await Self.logVersion(store, digest: "d2", files: [:], aliases: ["best"], at: 20).artifact
            #expect(Set(v2.aliases) == ["best", "latest"], "latest is always added")
            #expect(try await store.artifact(id: v0.id)?.aliases == [])
            #expect(try await store.artifact(id: v1.id)?.aliases == [])
        }
    }

    @Test("whole-artifact de-dup: the same digest in the collection answers the committed version", arguments: StoreBackend.withArtifacts)
    func wholeArtifactDedup(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let pending = try await store.createArtifact(Self.creation("same"), at: Self.at(0)).artifact
            let again = try await store.createArtifact(Self.creation("same"), at: Self.at(1)).artifact
            #expect(again.id != pending.id && again.state == .pending, "a pending version is not a de-dup target")
            let v0 = try await store.commitArtifact(id: pending.id, at: Self.at(2))
            let dedup = try await store.createArtifact(Self.creation("same"), at: Self.at(3))
            #expect(dedup.artifact.id == v0.id && dedup.artifact.state == .committed)
            var off = Self.creation("same")
            off.deduplicate = false
            #expect(try await store.createArtifact(off, at: Self.at(4)).artifact.state == .pending)
            #expect(try await store.createArtifact(Self.creation("same", collection: "elsewhere"), at: Self.at(5)).artifact.state == .pending)
        }
    }

    @Test("per-file de-dup: an MD5 stored by an earlier committed version returns that birth version", arguments: StoreBackend.withArtifacts)
    func perFileDedup(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let first = try await Self.logVersion(store, digest: "d0", files: ["a.txt": "md5a", "b.txt": "md5b"])
            #expect(first.announced.values.allSatisfy { !$0.1 })
            #expect(first.artifact.fileCount == 2 && first.artifact.size == 8)
            let second = try await Self.logVersion(store, digest: "d1", files: ["a.txt": "md5a2", "b.txt": "md5b"], at: 10)
            let b = try #require(second.announced["b.txt"])
            #expect(b.1 && b.0.birthArtifactID == first.artifact.id && b.0.blobDigest == "sha-md5b")
            let a = try #require(second.announced["a.txt"])
            #expect(!a.1 && a.0.birthArtifactID == second.artifact.id)
            let files = try await store.artifactFiles(artifactID: second.artifact.id)
            #expect(files.map(\.name) == ["a.txt", "b.txt"])
            #expect(files.allSatisfy { $0.blobDigest != nil })
            #expect(try await store.artifactFile(storagePath: b.0.storagePath)?.blobDigest == "sha-md5b")
            // Another collection does not share files.
            let other = try await store.createArtifact(Self.creation("d9", collection: "other"), at: Self.at(20)).artifact
            let announced = try await store.announceArtifactFile(
                ArtifactFileRecord(artifactID: other.id, name: "b.txt", md5: "md5b", birthArtifactID: other.id, storagePath: "\(other.id)/b"))
            #expect(!announced.alreadyStored && announced.file.birthArtifactID == other.id)
        }
    }

    @Test("a collection keeps its type: another type conflicts; artifactType reports it", arguments: StoreBackend.withArtifacts)
    func typeConflict(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            #expect(try await store.artifactType(entity: "alice", project: "mnist", collection: "ds") == nil)
            _ = try await store.createArtifact(Self.creation("d0"), at: Self.at(0))
            #expect(try await store.artifactType(entity: "alice", project: "mnist", collection: "ds") == "dataset")
            await RunStoreConformance.expectStoreError(.conflict) {
                _ = try await store.createArtifact(Self.creation("d1", type: "model"), at: Self.at(1))
            }
        }
    }

    @Test("manifest id is stable; manifest blob recorded; unknown artifacts are notFound", arguments: StoreBackend.withArtifacts)
    func manifest(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let artifact = try await store.createArtifact(Self.creation("d0"), at: Self.at(0)).artifact
            let id = try await store.manifestID(artifactID: artifact.id, at: Self.at(1))
            #expect(try await store.manifestID(artifactID: artifact.id, at: Self.at(2)) == id)
            #expect(try await store.manifestBlob(artifactID: artifact.id) == nil)
            try await store.storeManifest(artifactID: artifact.id, blobDigest: "sha-m", size: 42, at: Self.at(3))
            let blob = try await store.manifestBlob(artifactID: artifact.id)
            #expect(blob?.digest == "sha-m" && blob?.size == 42)
            await RunStoreConformance.expectStoreError(.notFound) { _ = try await store.manifestID(artifactID: "nope", at: Self.at(4)) }
            await RunStoreConformance.expectStoreError(.notFound) { _ = try await store.commitArtifact(id: "nope", at: Self.at(4)) }
        }
    }

    @Test("lineage: logged by run 1, used by run 2", arguments: StoreBackend.withArtifacts)
    func lineage(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let v0 = try await Self.logVersion(store, digest: "d0", files: ["a": "m"]).artifact
            #expect(v0.createdBy == Self.run1)
            try await store.recordUse(artifactID: v0.id, by: Self.run2, usedAs: nil, at: Self.at(5))
            try await store.recordUse(artifactID: v0.id, by: Self.run2, usedAs: "input", at: Self.at(6))
            let one = try await store.lineage(of: Self.run1)
            #expect(one.logged.map(\.id) == [v0.id] && one.used.isEmpty)
            let two = try await store.lineage(of: Self.run2)
            #expect(two.logged.isEmpty && two.used.map(\.id) == [v0.id])
            #expect(try await store.users(of: v0.id) == [Self.run2])
            await RunStoreConformance.expectStoreError(.notFound) {
                try await store.recordUse(artifactID: v0.id, by: RunKey(entity: "alice", project: "mnist", name: "ghost"), usedAs: nil, at: Self.at(7))
            }
        }
    }

    @Test("concurrent commits in one collection get distinct versions v0…vN-1; latest is the highest", arguments: StoreBackend.withArtifacts)
    func concurrentCommits(backend: StoreBackend) async throws {
        try await Self.withRuns(backend) { store in
            let count = 8
            var pending: [String] = []
            for index in 0..<count {
                pending.append(try await store.createArtifact(Self.creation("d\(index)"), at: Self.at(Double(index))).artifact.id)
            }
            let committed = try await withThrowingTaskGroup(of: ArtifactRecord.self) { group in
                for id in pending {
                    group.addTask { try await store.commitArtifact(id: id, at: Self.at(100)) }
                    // The same version twice at once: idempotent, it keeps one index.
                    group.addTask { try await store.commitArtifact(id: id, at: Self.at(100)) }
                }
                var records: [String: ArtifactRecord] = [:]
                for try await record in group { records[record.id] = record }
                return records
            }
            let indexes = committed.values.compactMap(\.versionIndex).sorted()
            #expect(indexes == Array(0..<count))
            let versions = try await store.versions(entity: "alice", project: "mnist", collection: "ds")
            #expect(versions.map(\.versionIndex) == (0..<count).reversed().map { $0 })
            let latest = try await store.artifact(entity: "alice", project: "mnist", collection: "ds", alias: "latest")
            #expect(latest?.versionIndex == count - 1)
        }
    }
}
