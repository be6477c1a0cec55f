import CohortModel
import CohortTestSupport
import Foundation
import Testing

@testable import Cohort

/// What goes over the wire when artifacts are uploaded: a `cohort server` that hands out upload URLs
/// through a fault-injecting proxy, so every request (GraphQL and PUTs) is seen and can be failed.
@Suite("Online artifacts: traffic", .serialized)
struct ArtifactTrafficTests {
    /// A server whose base URL is a proxy in front of it: start it once for a free port, then again
    /// on that port with `--base-url` set to the proxy.
    static func serverBehindProxy(_ directory: TemporaryDirectory) async throws -> (CohortServerProcess, FaultInjectingProxy) {
        let data = directory.appending("server")
        // The port is learnt from a first server and reused by the second; another test's server
        // may take it in between (a server that cannot bind exits at once), so try a few ports.
        var attempt = 0
        while true {
            attempt += 1
            let probe = try CohortServerProcess(dataDirectory: data)
            let port = try #require(URLComponents(string: probe.baseURL)?.port)
            _ = try probe.stop()
            let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", port))
            do {
                let server = try CohortServerProcess(dataDirectory: data, arguments: ["--port", "\(port)", "--base-url", proxy.baseURL])
                return (server, proxy)
            } catch is CohortServerStartError where attempt < 5 {
                try await proxy.shutdown()  // the port was taken; the next probe picks another
            }
        }
    }

    @Test("a second version with one file changed PUTs only that file; a part that fails is sent again alone")
    func onlyChangedFileAndPartRetry() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, proxy) = try await Self.serverBehindProxy(directory)
        defer { _ = try? server.stop() }
        let big = OnlineArtifactTests.bytes(200_000, seed: 5)
        let v0: [String: [UInt8]] = ["a.txt": Array("a\n".utf8), "b.txt": Array("b\n".utf8), "big.bin": big]
        var v1 = v0
        v1["b.txt"] = Array("b changed\n".utf8)
        try OnlineArtifactTests.write(v0, under: directory.appending("v0"))
        try OnlineArtifactTests.write(v1, under: directory.appending("v1"))
        var settings = OnlineArtifactTests.settings(server, cache: directory.appending("cache"))
        settings.baseURL = proxy.baseURL
        settings.artifactMultipartThreshold = 100_000
        settings.artifactPartBytes = 50_000
        proxy.inject(.respond(500), times: 1, pathPrefix: "/storage/artifact-parts/")

        let run = try await Run.start(project: "traffic", dir: directory.path, settings: settings)
        var first = try Artifact(name: "data", type: "dataset")
        try first.addDirectory(directory.appending("v0"))
        try run.logArtifact(first)
        var second = try Artifact(name: "data", type: "dataset")
        try second.addDirectory(directory.appending("v1"))
        try run.logArtifact(second)
        try run.logArtifact(second)  // the same content again: CreateArtifact answers COMMITTED, nothing is sent
        await run.finish()

        let puts = proxy.requests.filter { $0.method == "PUT" }
        let filePuts = puts.filter { $0.path.hasPrefix("/storage/artifacts/") }
        let partPuts = puts.filter { $0.path.hasPrefix("/storage/artifact-parts/") }
        let manifestPuts = puts.filter { $0.path.hasPrefix("/storage/manifests/") }
        #expect(filePuts.count == 3, "v0: a.txt and b.txt; v1: only b.txt (\(filePuts.map(\.path)))")
        #expect(partPuts.count == 5, "big.bin in 4 parts, once, plus the one part that failed (\(partPuts.map(\.path)))")
        #expect(Set(partPuts.map(\.path)).count == 4)
        #expect(manifestPuts.count == 2)

        var direct = settings
        direct.project = "traffic"
        let (used, root) = try await UsedArtifact.download("data:latest", to: directory.appending("got"), settings: direct)
        #expect(used.version == "v1")
        #expect(try OnlineArtifactTests.read(root) == v1)
        try await proxy.shutdown()
    }

    @Test("a download whose bytes differ from the manifest is refused and not cached; the next download fetches it again")
    func corruptDownload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, proxy) = try await Self.serverBehindProxy(directory)
        defer { _ = try? server.stop() }
        let files: [String: [UInt8]] = ["only.bin": OnlineArtifactTests.bytes(10_000, seed: 4)]
        try OnlineArtifactTests.write(files, under: directory.appending("src"))
        var settings = OnlineArtifactTests.settings(server, cache: directory.appending("cache"))
        settings.baseURL = proxy.baseURL
        settings.project = "corrupt"
        let run = try await Run.start(dir: directory.path, settings: settings)
        var artifact = try Artifact(name: "blob", type: "dataset")
        try artifact.addDirectory(directory.appending("src"))
        try run.logArtifact(artifact)
        await run.finish()

        proxy.inject(.respond(200, body: "not the bytes"), times: 1, pathPrefix: "/storage/artifacts/")
        let error = await #expect(throws: CohortError.self) {
            _ = try await UsedArtifact.download("blob", to: directory.appending("got"), settings: settings)
        }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("only.bin") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.appending("got/only.bin")))
        #expect(((try? OnlineArtifactTests.read(directory.appending("cache/artifacts/obj"))) ?? [:]).isEmpty)  // nothing cached
        let (_, root) = try await UsedArtifact.download("blob", to: directory.appending("got"), settings: settings)
        #expect(try OnlineArtifactTests.read(root) == files)

        // Straight into the destination (skipCache): a corrupt answer leaves no file, partial or whole.
        proxy.inject(.respond(200, body: "not the bytes"), times: 1, pathPrefix: "/storage/artifacts/")
        let direct = directory.appending("direct")
        let refused = await #expect(throws: CohortError.self) {
            _ = try await UsedArtifact.download("blob", to: direct, settings: settings, skipCache: true)
        }
        #expect(refused?.code == .checksumMismatch)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: direct)) ?? []).isEmpty, "no file left behind")
        let requestsBefore = proxy.requests.count
        _ = try await UsedArtifact.download("blob", to: direct, settings: settings, skipCache: true)
        #expect(try OnlineArtifactTests.read(direct) == files)
        #expect(proxy.requests.dropFirst(requestsBefore).contains { $0.path.hasPrefix("/storage/artifacts/") }, "fetched although cached")
        try await proxy.shutdown()
    }

    @Test("a multipart upload cut off by the finish deadline resumes at cohort sync with only the parts the server did not accept")
    func resumeAfterInterruption() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (server, proxy) = try await Self.serverBehindProxy(directory)
        defer { _ = try? server.stop() }
        let big = OnlineArtifactTests.bytes(400_000, seed: 8)
        try OnlineArtifactTests.write(["big.bin": big], under: directory.appending("src"))
        var settings = OnlineArtifactTests.settings(server, cache: directory.appending("cache"))
        settings.baseURL = proxy.baseURL
        settings.project = "resume"
        settings.artifactMultipartThreshold = 100_000
        settings.artifactPartBytes = 50_000
        settings.artifactParallelUploads = 1
        settings.finishTimeout = .milliseconds(1_500)
        proxy.inject(.delay(.milliseconds(300)), times: 100, pathPrefix: "/storage/artifact-parts/")

        let run = try await Run.start(dir: directory.path, settings: settings)
        var artifact = try Artifact(name: "big", type: "model")
        try artifact.addDirectory(directory.appending("src"))
        try run.logArtifact(artifact)
        await run.finish()  // the deadline passes with parts still to send
        let statePath = ArtifactUploadState.path(runDirectory: run.syncDir)
        let state = try #require(ArtifactUploadState.load(statePath, digest: artifact.digest), "the interrupted upload left its state")
        #expect(state.jobs.count == 8)
        #expect((1..<8).contains(state.accepted.count), "some parts were accepted before the deadline: \(state.accepted.count)")
        let partsBefore = proxy.requests.filter { $0.method == "PUT" && $0.path.hasPrefix("/storage/artifact-parts/") }.count

        let arguments = ["sync", run.syncDir, "--base-url", proxy.baseURL, "--api-key", server.adminKey]
        // Waits off the concurrency threads: the proxy this sync goes through answers on them.
        let sync = try await ChildProcess.runDetached(ChildProcess.product("cohort"), arguments, environment: ["HOME": directory.path])
        #expect(sync.status == 0, """
            \(sync.standardError)
            server:
            \(server.output.suffix(6000))
            last requests: \(proxy.requests.suffix(12).map { "\($0.method) \($0.path) (\($0.bodySize) bytes)" })
            """)
        let partsAfter = proxy.requests.filter { $0.method == "PUT" && $0.path.hasPrefix("/storage/artifact-parts/") }.count
        #expect(partsAfter - partsBefore == 8 - state.accepted.count, "only the parts not accepted were sent again")
        #expect(!FileManager.default.fileExists(atPath: statePath))

        let (used, root) = try await UsedArtifact.download("big", to: directory.appending("got"), settings: settings)
        #expect(used.digest == artifact.digest)
        #expect(try OnlineArtifactTests.read(root) == ["big.bin": big])
        try await proxy.shutdown()
    }
}
