import CohortModel
import CohortTransport
import Foundation
import Testing

@testable import Cohort

/// The sender's machine and the journal's `.artifact` records, with no server.
@Suite("Sender state machine: artifacts")
struct SenderArtifactTests {
    let t0 = ContinuousClock.now

    static func start() -> JournalRecord {
        JournalRecord(kind: .runStart, payload: ["id": "r1", "project": "p", "entity": "e"], offset: 0)
    }
    static func finish() -> JournalRecord { JournalRecord(kind: .finish, payload: ["exit_code": 0, "time": 1], offset: 0) }
    static func artifact(_ name: String) -> JournalRecord {
        JournalRecord(kind: .artifact, payload: [
            "name": .string(name), "type": "dataset", "aliases": ["best"], "metadata": [:],
            "contents": ["a.txt": ["digest": "n5+Q2+Pl7hIYyGuIOdsZlQ==", "size": 6, "local_path": "/tmp/a.txt"]],
        ], offset: 0)
    }

    static func logged(_ actions: [SenderStateMachine.Action]) -> [String] {
        actions.compactMap { if case .logArtifact(let record) = $0 { record.name } else { nil } }
    }

    @Test("artifacts go out one at a time in journal order; a saved cursor never sends one again")
    func onceInOrder() {
        var sender = SenderStateMachine(runCreated: true)
        sender.consume([Self.start(), Self.artifact("a"), Self.artifact("b")])
        let first = sender.tick(now: t0)
        #expect(Self.logged(first) == ["a"])
        #expect(Self.logged(sender.tick(now: t0)).isEmpty, "one at a time")
        #expect(sender.artifactDone() == [.persist(sender.cursor)])
        #expect(sender.cursor.artifacts == 1)
        #expect(Self.logged(sender.tick(now: t0)) == ["b"])
        _ = sender.artifactDone()

        var again = SenderStateMachine(cursor: sender.cursor, runCreated: true)
        again.consume([Self.start(), Self.artifact("a"), Self.artifact("b")])
        #expect(Self.logged(again.tick(now: t0)).isEmpty)
        #expect(SenderCursor(json: sender.cursor.json) == sender.cursor)
    }

    @Test("a failed artifact is sent again after the retry delay, before later ones")
    func retried() {
        var configuration = SenderStateMachine.Configuration()
        configuration.retryDelay = .seconds(10)
        var sender = SenderStateMachine(configuration: configuration, runCreated: true)
        sender.consume([Self.start(), Self.artifact("a"), Self.artifact("b")])
        #expect(Self.logged(sender.tick(now: t0)) == ["a"])
        sender.artifactFailed(now: t0)
        #expect(sender.cursor.artifacts == 0)
        #expect(Self.logged(sender.tick(now: t0 + .seconds(1))).isEmpty)
        #expect(Self.logged(sender.tick(now: t0 + .seconds(11))) == ["a"])
    }

    @Test("the final request waits until the artifact is on the server")
    func finalWaits() {
        var sender = SenderStateMachine(runCreated: true)
        sender.consume([Self.start(), Self.artifact("a"), Self.finish()])
        sender.caughtUpWithJournal()
        var sawFinal = false
        /// Acknowledges everything but the artifact; notes whether the final request went out.
        func settle(_ actions: [SenderStateMachine.Action]) {
            for action in actions {
                if case .post(let request) = action {
                    if request.complete { sawFinal = true }
                    _ = sender.postSucceeded(stopped: false)
                } else if case .upload(let paths) = action {
                    for path in paths { sender.uploadSkipped(path) }
                }
            }
        }
        let actions = sender.tick(now: t0)
        #expect(Self.logged(actions) == ["a"])
        settle(actions)
        for _ in 0..<5 { settle(sender.tick(now: t0 + .seconds(60))) }
        #expect(!sawFinal, "the final request waits for the artifact")
        #expect(sender.unsent.files >= 1)
        _ = sender.artifactDone()
        for _ in 0..<5 { settle(sender.tick(now: t0 + .seconds(120))) }
        #expect(sawFinal)
    }

    @Test("the journal record keeps the manifest, local paths, aliases, type and metadata")
    func recordRoundTrip() throws {
        var artifact = try Artifact(name: "data", type: "dataset", description: "d", metadata: ["rows": 3])
        artifact.metadata["k"] = "v"
        let record = ArtifactRecord(artifact: artifact, aliases: ["best"])
        let read = ArtifactRecord(json: record.json)
        #expect(read == record)
        #expect(read.digest == artifact.digest)
        #expect(ArtifactRecord(json: ["contents": "oops"]).name.isEmpty)
    }

    @Test("multipart regions cover the file in parts of the part size, the last holding the rest")
    func regions() {
        let regions = ArtifactUploader.regions(path: "/f", size: 300_001, partBytes: 65_536)
        #expect(regions.count == 5)
        #expect(regions.map(\.offset) == [0, 65_536, 131_072, 196_608, 262_144])
        #expect(regions.last?.length == Int64(37_857))
        #expect(ArtifactUploader.regions(path: "/f", size: 65_536, partBytes: 65_536).count == 1)
    }

    @Test("an upload's saved state reads back equal, and a state of another version is ignored")
    func uploadStateRoundTrip() throws {
        var state = ArtifactUploadState(
            digest: "d1", artifactID: "A", baseArtifactID: nil,
            entries: [ArtifactManifestEntry(path: "big.bin", digest: "x==", size: 9, localPath: "/tmp/big.bin", birthArtifactID: "A")],
            jobs: [
                .init(file: 0, part: 1, offset: 0, length: 5, url: "http://h/p/1", headers: []),
                .init(file: 0, part: 2, offset: 5, length: 4, url: "http://h/p/2", headers: [HTTPHeader("Content-MD5", "a:b")]),
            ],
            multipart: [0: .init(birthArtifactID: "A", storagePath: "A/abc", uploadID: "u1", parts: 2)])
        state.accepted[0] = "\"etag1\""
        #expect(ArtifactUploadState(json: state.json) == state)
        let directory = FileManager.default.temporaryDirectory.path + "/cohort-state-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }  // cleanup only
        let path = ArtifactUploadState.path(runDirectory: directory)
        state.save(path)
        #expect(ArtifactUploadState.load(path, digest: "d1") == state)
        #expect(ArtifactUploadState.load(path, digest: "other") == nil)
        ArtifactUploadState.clear(path)
        #expect(ArtifactUploadState.load(path, digest: "d1") == nil)
    }
}
