import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation
import Synchronization
import Testing

@testable import Cohort

/// Artifacts from Swift runs against the real `cohort server` on loopback, read back by Swift runs
/// and by the official `wandb.Api()`.
@Suite("Online artifacts", .serialized)
struct OnlineArtifactTests {
    /// Writes `files` (path → contents) under `directory`.
    static func write(_ files: [String: [UInt8]], under directory: String) throws {
        for (path, bytes) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: full))
        }
    }

    /// Every file under `directory`: relative path → bytes.
    static func read(_ directory: String) throws -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for path in FileManager.default.subpaths(atPath: directory) ?? [] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[path] = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path)))
        }
        return files
    }

    static func bytes(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) } }

    static func settings(_ server: CohortServerProcess, cache: String) -> Settings {
        var settings = OnlineRunTests.settings(server: server)
        settings.cacheDir = cache
        return settings
    }

    @Test("a directory artifact and a second version with one file changed go up; another run uses and downloads equal bytes; wandb.Api() reads them equal")
    func logUseDownload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let v0Files: [String: [UInt8]] = ["a.txt": Array("alpha\n".utf8), "sub/b.txt": Array("beta\n".utf8), "c.bin": Self.bytes(100_000, seed: 1)]
        var v1Files = v0Files
        v1Files["c.bin"] = Self.bytes(100_000, seed: 2)
        try Self.write(v0Files, under: directory.appending("v0"))
        try Self.write(v1Files, under: directory.appending("v1"))
        let settings = Self.settings(server, cache: directory.appending("cache"))

        let writer = try await Run.start(project: "arts", dir: directory.path, settings: settings)
        var first = try Artifact(name: "data", type: "dataset", description: "three files", metadata: ["rows": 3])
        try first.addDirectory(directory.appending("v0"))
        try writer.logArtifact(first, aliases: ["best"])
        var second = try Artifact(name: "data", type: "dataset")
        try second.addDirectory(directory.appending("v1"))
        try writer.logArtifact(second)
        await writer.finish()

        let reader = try await Run.start(project: "arts", dir: directory.path, settings: settings)
        let latest = try await reader.useArtifact("data:latest")
        let best = try await reader.useArtifact("data:best")
        #expect(latest.version == "v1" && best.version == "v0")
        #expect(latest.digest == second.digest && best.digest == first.digest)
        #expect(best.aliases.contains("best") && !best.aliases.contains("latest") && latest.aliases.contains("latest"))
        // Per-file de-duplication: the unchanged files of v1 were stored by v0 and not sent again.
        let entries = try await latest.entries()
        #expect(entries["a.txt"]?.birthArtifactID == best.id && entries["sub/b.txt"]?.birthArtifactID == best.id)
        #expect(entries["c.bin"]?.birthArtifactID == latest.id)
        #expect(entries["a.txt"]?.localPath == nil)
        let v1Root = try await latest.download(to: directory.appending("got-v1"))
        #expect(try Self.read(v1Root) == v1Files)
        let v0Root = try await best.download(to: directory.appending("got-v0"))
        #expect(try Self.read(v0Root) == v0Files)
        // The cache holds each distinct file once (a, b, two versions of c).
        #expect(try Self.read(directory.appending("cache/artifacts/obj")).count == 4)
        await reader.finish()

        guard WandbClient.isInstalled || WandbClient.required else { return }
        let path = try OnlineRunTests.path(of: writer.url).split(separator: "/").prefix(2).joined(separator: "/")
        let result = try WandbClient.run(
            "read_swift_artifact.py", arguments: ["\(path)/data:v0", directory.appending("py-v0")], server: server, directory: directory.path)
        try #require(result.status == 0, "read_swift_artifact.py failed: \(result.standardError.suffix(3000))")
        let read = try JSONParser.parse(String(try #require(result.standardOutput.split(separator: "\n").last)))
        #expect(read["version"] == "v0" && read["type"] == "dataset" && read["digest"]?.stringValue == first.digest)
        #expect(read["aliases"]?.arrayValue?.contains("best") == true)
        #expect(read["metadata"]?["rows"]?.intValue == 3 && read["description"] == "three files")
        let expected = v0Files.mapValues { JSONValue.string(MD5.hash($0).hex) }
        #expect(read["files"] == .object(expected))
    }

    @Test("a file above the multipart threshold goes up in parallel parts and downloads equal; progress counts every byte both ways")
    func multipart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        var settings = Self.settings(server, cache: directory.appending("cache"))
        settings.artifactMultipartThreshold = 100_000
        settings.artifactPartBytes = 65_536
        let uploads = Mutex<[ArtifactTransferProgress]>([])
        settings.onArtifactProgress = { report in uploads.withLock { $0.append(report) } }
        let big = Self.bytes(300_001, seed: 7)
        try Self.write(["big.bin": big, "small.txt": Array("small\n".utf8)], under: directory.appending("model"))

        let writer = try await Run.start(project: "multi", dir: directory.path, settings: settings)
        var model = try Artifact(name: "model", type: "model")
        try model.addDirectory(directory.appending("model"))
        try writer.logArtifact(model)
        await writer.finish()
        let sent = uploads.withLock { $0 }
        #expect(sent.first?.bytesDone == 0 && sent.first?.filesDone == 0, "announced before the first byte: \(sent.prefix(2))")
        #expect(sent.allSatisfy { $0.artifact == "model" && $0.direction == .upload && $0.bytesTotal == 300_007 && $0.filesTotal == 6 })
        #expect(sent.last?.isComplete == true && sent.last?.bytesDone == 300_007, "5 parts of big.bin and small.txt: \(sent.suffix(2))")
        #expect(sent.map(\.filesDone) == sent.map(\.filesDone).sorted(), "finished files never go back")

        let reader = try await Run.start(project: "multi", dir: directory.path, settings: settings)
        let used = try await reader.useArtifact("model")
        #expect(used.digest == model.digest)
        let downloads = Mutex<[ArtifactTransferProgress]>([])
        let root = try await used.download(to: directory.appending("got")) { report in downloads.withLock { $0.append(report) } }
        #expect(try Self.read(root) == ["big.bin": big, "small.txt": Array("small\n".utf8)])
        let received = downloads.withLock { $0 }
        #expect(received.allSatisfy { $0.artifact == "model:v0" && $0.direction == .download && $0.bytesTotal == 300_007 && $0.filesTotal == 2 })
        #expect(received.last?.isComplete == true, "\(received.suffix(2))")
        await reader.finish()
    }

    @Test("an http(s) reference is fetched from where it points at download, without the API key; a reference that is gone fails the download")
    func httpReference() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let origin = try await FaultInjectingProxy.start()  // an in-memory web server holding the referenced bytes
        let remote = Self.bytes(30_000, seed: 12)
        origin.store(remote, at: "/data/remote.bin")
        try Self.write(["local.txt": Array("local\n".utf8)], under: directory.appending("src"))
        var settings = Self.settings(server, cache: directory.appending("cache"))
        settings.project = "refs"
        let run = try await Run.start(dir: directory.path, settings: settings)
        var artifact = try Artifact(name: "mixed", type: "dataset")
        try artifact.addDirectory(directory.appending("src"))
        try artifact.addReference(origin.baseURL + "/data/remote.bin")
        try artifact.addReference(origin.baseURL + "/data/gone.bin")
        try run.logArtifact(artifact)
        await run.finish()

        let error = await #expect(throws: CohortError.self) {
            _ = try await UsedArtifact.download("mixed", to: directory.appending("got"), settings: settings)
        }
        #expect(error?.message.contains("404") == true, "\(String(describing: error))")
        var fixed = try Artifact(name: "mixed", type: "dataset")
        try fixed.addDirectory(directory.appending("src"))
        try fixed.addReference(origin.baseURL + "/data/remote.bin")
        let second = try await Run.start(dir: directory.path, settings: settings)
        try second.logArtifact(fixed)
        await second.finish()
        let (_, root) = try await UsedArtifact.download("mixed:latest", to: directory.appending("got2"), settings: settings)
        #expect(try Self.read(root) == ["local.txt": Array("local\n".utf8), "remote.bin": remote])
        let fetched = origin.requests.filter { $0.uri == "/data/remote.bin" }
        #expect(!fetched.isEmpty && fetched.allSatisfy { $0.header("authorization") == nil }, "no key goes to a referenced host")
        try await origin.shutdown()
    }

    @Test("an offline run's artifact arrives with cohort sync; a second sync sends nothing")
    func offlineSync() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        try Self.write(["w.bin": Self.bytes(5_000, seed: 3)], under: directory.appending("weights"))
        var offline = RunTestEnvironment.settings()
        offline.mode = .offline
        let run = try await Run.start(project: "synced-arts", dir: directory.path, settings: offline)
        var weights = try Artifact(name: "weights", type: "model")
        try weights.addDirectory(directory.appending("weights"))
        try run.logArtifact(weights, aliases: ["final"])
        await run.finish()

        let arguments = ["sync", run.syncDir, "--base-url", server.baseURL, "--api-key", server.adminKey]
        let first = try ChildProcess.run(ChildProcess.product("cohort"), arguments, environment: ["HOME": directory.path])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardError.contains("uploading weights  [##############################]"), "\(first.standardError)")
        let cursor = try JSONParser.parse([UInt8](Data(contentsOf: URL(fileURLWithPath: run.syncDir + "/" + SenderCursor.fileName))))
        #expect(cursor["artifacts"]?.intValue == 1)
        let second = try ChildProcess.run(ChildProcess.product("cohort"), arguments, environment: ["HOME": directory.path])
        #expect(second.status == 0, "\(second.standardError)")
        #expect(!second.standardError.contains("uploading weights"), "nothing is sent twice: \(second.standardError)")

        var online = Self.settings(server, cache: directory.appending("cache"))
        online.project = "synced-arts"
        let (used, root) = try await UsedArtifact.download("weights:final", to: directory.appending("got"), settings: online)
        #expect(used.version == "v0" && used.digest == weights.digest)
        #expect(try Self.read(root) == (try Self.read(directory.appending("weights"))))
        let next = await #expect(throws: CohortError.self) { _ = try await UsedArtifact.download("weights:v1", settings: online) }
        #expect(next?.code == .artifactNotFound)
    }

    @Test("cohort artifact put uploads a directory and cohort artifact get downloads it equal")
    func cli() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let files: [String: [UInt8]] = ["x/1.txt": Array("one\n".utf8), "2.bin": Self.bytes(40_000, seed: 9)]
        try Self.write(files, under: directory.appending("src"))
        let environment = ["HOME": directory.path, "COHORT_BASE_URL": server.baseURL, "COHORT_API_KEY": server.adminKey, "COHORT_DIR": directory.path]
        let put = try ChildProcess.run(
            ChildProcess.product("cohort"), ["artifact", "put", directory.appending("src"), "--name", "cli-data", "--type", "dataset", "--alias", "gold", "--project", "clip"],
            environment: environment)
        #expect(put.status == 0, "\(put.standardError)")
        #expect(put.standardError.contains("uploading cli-data"))
        #expect(put.standardError.contains("[##############################]") && put.standardError.contains("100%"), "\(put.standardError)")
        let get = try ChildProcess.run(
            ChildProcess.product("cohort"), ["artifact", "get", "cli-data:gold", "--root", directory.appending("dst"), "--project", "clip"],
            environment: environment.merging(["COHORT_CACHE_DIR": directory.appending("cache")]) { $1 })
        #expect(get.status == 0, "\(get.standardError)")
        #expect(get.standardOutput.hasPrefix("cli-data:v0\t"))
        #expect(get.standardError.contains("downloading cli-data:v0  [##############################]  0.0/0.0 MiB  100%"), "\(get.standardError)")
        #expect(get.standardError.contains("2/2 files"))
        #expect(try Self.read(directory.appending("dst")) == files)
    }
}
