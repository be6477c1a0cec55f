import CohortModel
import CohortTestSupport
import Foundation
import Testing

@testable import Cohort

/// The manifest and digest of `Artifact`, compared with what the official client computes offline.
@Suite("Artifacts: manifest and digest")
struct ArtifactManifestTests {
    /// `data/a.txt`, `data/sub/b.txt`, `data/empty.bin` in a fresh directory.
    static func files(_ directory: TemporaryDirectory) throws -> String {
        let data = directory.appending("data")
        try FileManager.default.createDirectory(atPath: data + "/sub", withIntermediateDirectories: true)
        try "alpha\n".write(toFile: data + "/a.txt", atomically: true, encoding: .utf8)
        try "beta beta\n".write(toFile: data + "/sub/b.txt", atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: data + "/empty.bin", contents: Data())
        return data
    }

    /// The same artifact as `Tests/WandbCompat/artifact_manifest.py` builds.
    static func fixture(_ data: String) throws -> Artifact {
        var artifact = try Artifact(name: "fixture", type: "dataset")
        try artifact.addDirectory(data, name: "data")
        try artifact.addFile(data + "/a.txt", name: "single.txt")
        try artifact.addReference("file://" + data + "/a.txt", name: "ref/a.txt")
        try artifact.addReference("https://example.invalid/x.bin", name: "web/x.bin")
        return artifact
    }

    @Test("the manifest and digest equal the ones wandb 0.31 computes for the same files and references")
    func matchesOfficialClient() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = try Self.files(directory)
        let artifact = try Self.fixture(data)
        // Known values, so the test means something without Python too.
        #expect(artifact.entries["data/a.txt"]?.digest == "n5+Q2+Pl7hIYyGuIOdsZlQ==")
        #expect(artifact.entries["data/empty.bin"]?.size == 0)
        #expect(artifact.entries["web/x.bin"]?.digest == "https://example.invalid/x.bin")
        #expect(artifact.entries.count == 6)
        guard WandbClient.isInstalled || WandbClient.required else { return }
        let result = try ChildProcess.run(
            WandbClient.python, [WandbClient.scripts + "/artifact_manifest.py", data],
            environment: ["HOME": directory.path, "WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": directory.path])
        try #require(result.status == 0, "artifact_manifest.py failed: \(result.standardError.suffix(2000))")
        let official = try JSONParser.parse(String(try #require(result.standardOutput.split(separator: "\n").last)))
        #expect(artifact.manifest == official["manifest"])
        #expect(artifact.digest == official["digest"]?.stringValue)
    }

    @Test("bad names, types, aliases and missing files are refused with a message that says what to do")
    func badInput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = try Self.files(directory)
        for name in ["", "a/b", "a:b", "white space", String(repeating: "x", count: 129)] {
            let error = #expect(throws: CohortError.self) { try Artifact(name: name, type: "dataset") }
            #expect(error?.code == .invalidArgument)
        }
        #expect(throws: CohortError.self) { try Artifact(name: "ok", type: "a:b") }
        var artifact = try Artifact(name: "ok", type: "dataset")
        let missing = #expect(throws: CohortError.self) { try artifact.addFile(data + "/nope.txt") }
        #expect(missing?.message.contains("nope.txt") == true)
        #expect(throws: CohortError.self) { try artifact.addDirectory(data + "/a.txt") }
        #expect(throws: CohortError.self) { try artifact.addFile(data) }
        #expect(throws: CohortError.self) { try artifact.addReference("ftp://host/x") }
        #expect(throws: CohortError.self) { try artifact.addReference("file://" + data + "/nope") }
        #expect(throws: CohortError.self) { try artifact.addFile(data + "/a.txt", name: "../escape") }
        try artifact.addFile(data + "/a.txt", name: "x.txt")
        #expect(throws: CohortError.self) { try artifact.addFile(data + "/sub/b.txt", name: "x.txt") }
        #expect(artifact.entries.count == 1)
    }

    @Test("logArtifact refuses bad aliases, empty artifacts and files gone since they were added, writing nothing")
    func logArtifactRefusals() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = try Self.files(directory)
        var settings = RunTestEnvironment.settings()
        settings.mode = .offline
        let run = try await Run.start(project: "refusals", dir: directory.path, settings: settings)
        var artifact = try Artifact(name: "data", type: "dataset")
        #expect(throws: CohortError.self) { try run.logArtifact(artifact) }
        try artifact.addFile(data + "/sub/b.txt")
        #expect(throws: CohortError.self) { try run.logArtifact(artifact, aliases: ["a:b"]) }
        try FileManager.default.removeItem(atPath: data + "/sub/b.txt")
        let gone = #expect(throws: CohortError.self) { try run.logArtifact(artifact) }
        #expect(gone?.message.contains("b.txt") == true)
        await run.finish()
        let records = try RunJournal.read(path: run.journalPath).records
        #expect(!records.contains { $0.kind == .artifact })
        let offline = await #expect(throws: CohortError.self) { _ = try await run.useArtifact("data:latest") }
        #expect(offline?.code == .runFinished || offline?.code == .needsOnline)
    }

    @Test("an offline run cannot use an artifact: the error says useArtifact needs online mode")
    func useArtifactOffline() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var settings = RunTestEnvironment.settings()
        settings.mode = .offline
        let run = try await Run.start(project: "offline-use", dir: directory.path, settings: settings)
        let error = await #expect(throws: CohortError.self) { _ = try await run.useArtifact("data:latest") }
        #expect(error?.code == .needsOnline)
        #expect(error?.message.contains("online mode") == true)
        await run.finish()
    }
}
