import CohortTestSupport
import CohortTransport
import Foundation
import Synchronization
import Testing

@Suite("HTTPClient against a loopback origin")
struct HTTPClientTests {
    @Test("PUT, POST and GET carry bytes both ways")
    func roundTrip() async throws {
        try await withOrigin { proxy, client in
            let bytes = pattern(300_000)
            let put = try await client.execute(HTTPRequest(method: .put, url: proxy.baseURL + "/blob", body: .bytes(bytes)))
            #expect(put.status == 200)
            #expect(put.body == bytes)
            #expect(put.header("X-Echo-Method") == "PUT")

            let post = try await client.execute(HTTPRequest(
                method: .post, url: proxy.baseURL + "/graphql", headers: [HTTPHeader("Content-Type", "application/json")],
                body: .bytes(Array(#"{"query":"{viewer{id}}"}"#.utf8))))
            #expect(post.status == 200)
            #expect(post.bodyText == #"{"query":"{viewer{id}}"}"#)

            let get = try await client.execute(HTTPRequest(url: proxy.baseURL + "/blob"))
            #expect(get.status == 200)
            #expect(get.body == bytes)

            let missing = try await client.execute(HTTPRequest(url: proxy.baseURL + "/nothing"))
            #expect(missing.status == 404)

            let seen = proxy.requests
            #expect(seen.map(\.method) == ["PUT", "POST", "GET", "GET"])
            #expect(seen[0].bodySize == bytes.count)
            #expect(seen[1].header("content-type") == "application/json")
            #expect(seen[0].header("expect") == nil, "no Expect: 100-continue")
            #expect(seen[2].header("accept-encoding")?.contains("gzip") == true)
            #expect(seen[2].header("user-agent") == "cohort")
        }
    }

    @Test("a PUT from a file region sends exactly that region")
    func fileRegionUpload() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.appending("big.bin")
        let content = pattern(3_000_000, seed: 9)
        try Data(content).write(to: URL(fileURLWithPath: file))
        try await withOrigin { proxy, client in
            let region = FileRegion(path: file, offset: 1_000_001, length: 1_500_000)
            let response = try await client.execute(HTTPRequest(method: .put, url: proxy.baseURL + "/part/2", body: .file(region)))
            #expect(response.status == 200)
            #expect(proxy.stored(at: "/part/2") == Array(content[1_000_001..<2_500_001]))
            #expect(proxy.requests.first?.header("content-length") == "1500000")

            let tooLong = FileRegion(path: file, offset: 2_000_000, length: 1_000_001)
            do {
                _ = try await client.execute(HTTPRequest(method: .put, url: proxy.baseURL + "/x", body: .file(tooLong)))
                Issue.record("a region beyond the end of the file was sent")
            } catch let error as TransportError {
                #expect(error.kind == .fileUnreadable)
                #expect(error.description.contains(file))
            }
            #expect(proxy.requests.count == 1, "a region beyond the end of the file is refused before sending")
        }
    }

    @Test("progress reports reach the request's total")
    func progress() async throws {
        try await withOrigin { proxy, client in
            final class Reports: Sendable { let list = Mutex<[HTTPProgress]>([]) }
            let seen = Reports()
            var request = HTTPRequest(method: .put, url: proxy.baseURL + "/p", body: .bytes(pattern(1_000_000)))
            request.onProgress = { progress in seen.list.withLock { $0.append(progress) } }
            _ = try await client.execute(request)
            let reports = seen.list.withLock { $0 }
            #expect(reports.last?.bytesSent == 1_000_000)
            #expect(reports.last?.totalToSend == 1_000_000)
            #expect(zip(reports, reports.dropFirst()).allSatisfy { $0.bytesSent <= $1.bytesSent })
        }
    }

    @Test("a download streams into a file, also for a byte range")
    func downloadToFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await withOrigin { proxy, client in
            let content = pattern(2_000_000, seed: 3)
            proxy.store(content, at: "/artifact/file.bin")
            let whole = directory.appending("whole.bin")
            let response = try await client.execute(.download(from: proxy.baseURL + "/artifact/file.bin", to: whole))
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(response.bodyBytesReceived == 2_000_000)
            #expect(try Data(contentsOf: URL(fileURLWithPath: whole)) == Data(content))

            let part = directory.appending("part.bin")
            let ranged = try await client.execute(.download(from: proxy.baseURL + "/artifact/file.bin", to: part, range: 1000...1999))
            #expect(ranged.status == 206)
            #expect(try Data(contentsOf: URL(fileURLWithPath: part)) == Data(content[1000...1999]))
            #expect(proxy.requests.last?.header("range") == "bytes=1000-1999")

            let missing = directory.appending("missing.bin")
            let notFound = try await client.execute(.download(from: proxy.baseURL + "/nope", to: missing))
            #expect(notFound.status == 404)
            #expect(notFound.bodyText.contains("no such path"))
            #expect(!FileManager.default.fileExists(atPath: missing), "an error body is not written to the file")
        }
    }

    @Test("sequential requests reuse one connection")
    func connectionReuse() async throws {
        try await withOrigin { proxy, client in
            for index in 0..<5 {
                let response = try await client.execute(HTTPRequest(method: .post, url: proxy.baseURL + "/r\(index)", body: .bytes([1, 2, 3])))
                #expect(response.status == 200)
            }
            let connections = Set(proxy.requests.map(\.connection))
            #expect(proxy.requests.count == 5)
            #expect(connections.count == 1, "saw connections \(connections)")
        }
    }

    @Test("cancelling the caller removes a slow transfer promptly")
    func cancellation() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.delay(.seconds(30)), pathPrefix: "/slow")
            let task = Task { () async throws(TransportError) -> HTTPResponse in
                try await client.execute(HTTPRequest(url: proxy.baseURL + "/slow"))
            }
            await proxy.waitForRequests(count: 1)
            let clock = ContinuousClock()
            let start = clock.now
            task.cancel()
            let result = await task.result
            // Well under the 30 s the answer would take, with room for a loaded 2-core machine (a
            // 2 s bound failed once at load 8 with 2.2 s).
            #expect(clock.now - start < .seconds(10))
            guard case .failure(let error) = result else { Issue.record("the slow request succeeded"); return }
            #expect((error as? TransportError)?.kind == .cancelled)

            // The client still works afterwards.
            proxy.store([7], at: "/ok")
            let after = try await client.execute(HTTPRequest(url: proxy.baseURL + "/ok"))
            #expect(after.body == [7])
        }
    }

    @Test("200 concurrent requests all complete with their own answers")
    func manyConcurrent() async throws {
        try await withOrigin { proxy, client in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let body = Array("request \(index)".utf8)
                        let response = try await client.execute(HTTPRequest(method: .post, url: proxy.baseURL + "/c/\(index)", body: .bytes(body)))
                        return response.status == 200 && response.body == body
                    }
                }
                var good = 0
                for try await ok in group where ok { good += 1 }
                #expect(good == 200)
            }
            #expect(proxy.requests.count == 200)
            #expect(Set(proxy.requests.map(\.connection)).count <= 8, "at most maxConnectionsPerHost connections")
        }
    }

    @Test("a request slower than its timeout fails as timed out, which is retried")
    func requestTimeout() async throws {
        try await withOrigin { proxy, client in
            proxy.inject(.delay(.seconds(30)), pathPrefix: "/slow")
            do {
                _ = try await client.execute(HTTPRequest(url: proxy.baseURL + "/slow", timeout: .milliseconds(300)))
                Issue.record("the slow request succeeded")
            } catch let error as TransportError {
                #expect(error.kind == .timedOut)
                #expect(error.isTransient)
            }
        }
    }

    @Test("shutdown fails a transfer in flight instead of leaving it hanging")
    func shutdownInFlight() async throws {
        let proxy = try await FaultInjectingProxy.start()
        let client = HTTPClient()
        proxy.inject(.delay(.seconds(30)), pathPrefix: "/slow")
        let task = Task { () async throws(TransportError) -> HTTPResponse in
            try await client.execute(HTTPRequest(url: proxy.baseURL + "/slow"))
        }
        await proxy.waitForRequests(count: 1)
        await client.shutdownGracefully()
        guard case .failure(let error) = await task.result else { Issue.record("the slow request succeeded"); return }
        #expect((error as? TransportError)?.kind == .shutDown)
        try await proxy.shutdown()
    }

    @Test("after shutdown, requests fail with a clear error")
    func shutdown() async throws {
        let client = HTTPClient()
        await client.shutdownGracefully()
        do {
            _ = try await client.execute(HTTPRequest(url: "http://127.0.0.1:1/"))
            Issue.record("a request after shutdown succeeded")
        } catch {
            #expect(error.kind == .shutDown)
            #expect(error.description.contains("shut down"))
        }
    }
}
