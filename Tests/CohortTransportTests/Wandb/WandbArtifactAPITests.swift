import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation
import Testing

/// The artifact half of ``WandbAPIClient`` against a real `cohort server` on loopback, in the order
/// wandb-core sends the operations (`wandb-protocol.md` §2.5).
@Suite("W&B API: artifacts")
struct WandbArtifactAPITests {
    /// One file of an artifact under test.
    struct Entry {
        var name: String
        var path: String
        var bytes: [UInt8]
        var md5: String { MD5.hash(bytes).base64 }
    }

    /// Logs `entries` as a new version of `collection` the way wandb-core does and returns its id.
    static func logArtifact(
        _ live: LiveServer, run: UpsertedRun, collection: String, entries: [Entry], aliases: [String] = []
    ) async throws -> (created: CreatedArtifact, digest: String) {
        let api = live.api
        let digest = ArtifactDigest.manifestDigest(Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.md5) }))
        let created = try await api.createArtifact(
            ArtifactCreation(
                entity: run.entity, project: run.project, type: "dataset", collection: collection, runID: run.runID, digest: digest,
                description: "test data", metadata: ["rows": 3], aliases: aliases))
        guard created.state == .pending else { return (created, digest) }
        let reserved = try await api.createArtifactManifest(
            artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: run.entity, project: run.project, run: run.runID,
            digest: "", includeUpload: false)
        let uploads = try await api.createArtifactFiles(
            entries.map { ArtifactFileSpec(artifactID: created.id, manifestID: reserved.id, name: $0.name, md5: $0.md5) })
        var contents: [String: JSONValue] = [:]
        for (entry, upload) in zip(entries, uploads) {
            if let url = upload.uploadURL {
                try await api.upload(.file(path: entry.path), to: url, headers: upload.uploadHeaders)
            }
            contents[entry.name] = [
                "digest": .string(entry.md5), "size": .int(Int64(entry.bytes.count)), "birthArtifactID": .string(upload.birthArtifactID),
            ]
        }
        let manifest = JSONWriter.bytes([
            "version": 1, "storagePolicy": "wandb-storage-policy-v1", "storagePolicyConfig": ["storageLayout": "V2"],
            "contents": .object(contents),
        ])
        let upload = try await api.createArtifactManifest(
            artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: run.entity, project: run.project, run: run.runID,
            digest: MD5.hash(manifest).base64, includeUpload: true)
        #expect(upload.id == reserved.id)
        try await api.upload(.bytes(manifest), to: try #require(upload.uploadURL), headers: upload.uploadHeaders)
        try await api.commitArtifact(id: created.id)
        return (created, digest)
    }

    @Test("An artifact goes up and reads back by :latest and :v0 with equal files; the same digest again is COMMITTED")
    func artifactRoundTrip() async throws {
        try await LiveServer.with { live in
            let run = try await live.run("art1")
            let entries = try [("a.txt", Array("alpha\n".utf8)), ("dir/b.bin", patternBytes(count: 70_000))].map { name, bytes in
                Entry(name: name, path: try live.file(name.replacingOccurrences(of: "/", with: "_"), bytes), bytes: bytes)
            }
            let (created, digest) = try await Self.logArtifact(live, run: run, collection: "my-data", entries: entries, aliases: ["best"])
            #expect(created.state == .pending)

            let latest = try #require(try await live.api.artifact(entity: run.entity, project: run.project, name: "my-data:latest"))
            let v0 = try #require(try await live.api.artifact(entity: run.entity, project: run.project, name: "my-data:v0"))
            #expect(latest.id == created.id)
            #expect(v0.id == created.id)
            #expect(latest.versionIndex == 0)
            #expect(latest.digest == digest)
            #expect(latest.state == .committed)
            #expect(latest.type == "dataset")
            #expect(Set(latest.aliases).isSuperset(of: ["latest", "best"]))
            #expect(try await live.api.artifact(entity: run.entity, project: run.project, name: "my-data:v1") == nil)

            let manifest = try await live.api.downloadManifest(from: try #require(latest.manifestURL))
            #expect(manifest["contents"]?.objectValue.map { Set($0.keys) } == ["a.txt", "dir/b.bin"])

            let urls = try await live.api.artifactFileURLs(entity: run.entity, project: run.project, collection: "my-data", alias: "v0")
            #expect(Set(urls.keys) == ["a.txt", "dir/b.bin"])
            for entry in entries {
                #expect(try await live.api.download(from: try #require(urls[entry.name])) == entry.bytes)
            }

            let reader = try await live.run("art-reader")
            let used = try await live.api.useArtifact(
                entity: reader.entity, project: reader.project, run: reader.runID, artifactID: latest.id, usedAs: "train-data")
            #expect(used == latest.id)

            // Same content again: the server answers the committed version, nothing to upload.
            let again = try await live.api.createArtifact(
                ArtifactCreation(entity: run.entity, project: run.project, type: "dataset", collection: "my-data", runID: run.runID, digest: digest))
            #expect(again.state == .committed)
            #expect(again.id == created.id)
        }
    }

    @Test("A file uploaded in three parts with CompleteMultipartUploadArtifact downloads equal")
    func multipartUpload() async throws {
        try await LiveServer.with { live in
            let run = try await live.run("multi1")
            let bytes = patternBytes(count: 2 * 131_072 + 50_001, seed: 99)
            let path = try live.file("big.bin", bytes)
            let partSize: Int64 = 131_072
            let regions = (0..<3).map { index -> FileRegion in
                let offset = Int64(index) * partSize
                return FileRegion(path: path, offset: offset, length: min(partSize, Int64(bytes.count) - offset))
            }
            let parts = try regions.enumerated().map { index, region in
                ArtifactFileSpec.Part(
                    number: index + 1, hexMD5: try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length).hex)
            }
            let md5 = MD5.hash(bytes).base64
            #expect(try ArtifactDigest.md5(ofFile: path).base64 == md5)
            let digest = ArtifactDigest.manifestDigest(["big.bin": md5])
            let created = try await live.api.createArtifact(
                ArtifactCreation(entity: run.entity, project: run.project, type: "model", collection: "big-model", runID: run.runID, digest: digest))
            let reserved = try await live.api.createArtifactManifest(
                artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: run.entity, project: run.project, run: run.runID,
                digest: "", includeUpload: false)
            let upload = try #require(
                try await live.api.createArtifactFiles([
                    ArtifactFileSpec(artifactID: created.id, manifestID: reserved.id, name: "big.bin", md5: md5, parts: parts)
                ]).first)
            let multipart = try #require(upload.multipart)
            #expect(multipart.partURLs.count == 3)

            // Parts in reverse order, each with its own Content-MD5, as wandb-core sends them concurrently.
            var eTags: [Int: String] = [:]
            for (index, region) in regions.enumerated().reversed() {
                let number = index + 1
                let partMD5 = try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length)
                let receipt = try await live.api.upload(
                    .region(region), to: try #require(multipart.partURLs[number]), headers: [HTTPHeader("Content-MD5", partMD5.base64)])
                let eTag = try #require(receipt.eTag)
                #expect(eTag.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == partMD5.hex)
                eTags[number] = eTag
            }
            try await live.api.completeMultipartUpload(
                artifactID: upload.birthArtifactID, storagePath: try #require(upload.storagePath), uploadID: multipart.uploadID, parts: eTags)

            let manifest = JSONWriter.bytes([
                "version": 1, "storagePolicy": "wandb-storage-policy-v1", "storagePolicyConfig": ["storageLayout": "V2"],
                "contents": ["big.bin": ["digest": .string(md5), "size": .int(Int64(bytes.count)), "birthArtifactID": .string(created.id)]],
            ])
            let manifestUpload = try await live.api.createArtifactManifest(
                artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: run.entity, project: run.project, run: run.runID,
                digest: MD5.hash(manifest).base64, includeUpload: true)
            try await live.api.upload(.bytes(manifest), to: try #require(manifestUpload.uploadURL), headers: manifestUpload.uploadHeaders)
            try await live.api.commitArtifact(id: created.id)

            let urls = try await live.api.artifactFileURLs(entity: run.entity, project: run.project, collection: "big-model", alias: "v0")
            let target = live.directory.appending("big-copy.bin")
            let received = try await live.api.download(from: try #require(urls["big.bin"]), to: target)
            #expect(received == Int64(bytes.count))
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: target))) == bytes)
        }
    }
}
