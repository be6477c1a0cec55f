@testable import CohortServer
import CohortTestSupport
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("signed run file URLs: PUT, GET, HEAD")
struct BlobRoutesTests {
    private static let name = "media/images/img_11_ccd4fb1727922a0c13fd.png"

    private func put(
        _ client: some TestClientProtocol, _ harness: ServerHarness, run: String = "run1", name: String = name,
        bytes: [UInt8], headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let uri = harness.signedPathAndQuery(method: "PUT", key: harness.runKey(run), name: name)
        return try await client.execute(uri: uri, method: .put, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    private func get(
        _ client: some TestClientProtocol, _ harness: ServerHarness, name: String = name, method: HTTPRequest.Method = .get,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let uri = harness.signedPathAndQuery(method: "GET", key: harness.runKey("run1"), name: name)
        return try await client.execute(uri: uri, method: method, headers: headers)
    }

    private static func md5Hex(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test("PUT stores and records the file and answers an ETag; GET serves it whole and in ranges")
    func putThenGet() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let bytes = (0..<1000).map { UInt8($0 % 251) }
        let eTag = "\"\(Self.md5Hex(bytes))\""
        try await harness.application().test(.router) { client in
            let stored = try await put(client, harness, bytes: bytes)
            #expect(stored.status == .ok)
            #expect(stored.headers[.eTag] == eTag)

            let whole = try await get(client, harness)
            #expect(whole.status == .ok)
            #expect(Array(buffer: whole.body) == bytes)
            #expect(whole.headers[.eTag] == eTag)
            #expect(whole.headers[.contentLength] == "1000")
            #expect(whole.headers[.acceptRanges] == "bytes")

            let slice = try await get(client, harness, headers: [.range: "bytes=10-19"])
            #expect(slice.status == .partialContent)
            #expect(Array(buffer: slice.body) == Array(bytes[10...19]))
            #expect(slice.headers[.contentRange] == "bytes 10-19/1000")

            let tail = try await get(client, harness, headers: [.range: "bytes=990-"])
            #expect(tail.status == .partialContent)
            #expect(Array(buffer: tail.body) == Array(bytes[990...]))
            #expect(tail.headers[.contentRange] == "bytes 990-999/1000")

            let outside = try await get(client, harness, headers: [.range: "bytes=1000-"])
            #expect(outside.status == .rangeNotSatisfiable)
            #expect(outside.headers[.contentRange] == "bytes */1000")

            let head = try await get(client, harness, method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == "1000")
            #expect(head.headers[.eTag] == eTag)
        }
        let files = try await harness.store.runFiles(harness.runKey("run1"))
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(files.map(\.name) == [Self.name])
        #expect(files.first?.digest == sha && files.first?.size == 1000)
    }

    @Test("a second PUT replaces the content; an empty file is served empty")
    func replaceAndEmpty() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            #expect(try await put(client, harness, bytes: Array("one".utf8)).status == .ok)
            #expect(try await put(client, harness, bytes: Array("two!".utf8)).status == .ok)
            #expect(String(buffer: try await get(client, harness).body) == "two!")
            #expect(try await put(client, harness, name: "empty.txt", bytes: []).status == .ok)
            let empty = try await get(client, harness, name: "empty.txt")
            #expect(empty.status == .ok && empty.body.readableBytes == 0)
            #expect(empty.headers[.eTag] == "\"\(Self.md5Hex([]))\"")
        }
    }

    @Test("Content-MD5: a match is stored, a mismatch is 400 and stores nothing")
    func contentMD5() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let bytes = Array("table contents".utf8)
        let good = Data(Insecure.MD5.hash(data: bytes)).base64EncodedString()
        let md5 = HTTPFields.Element.Name("Content-MD5")!
        try await harness.application().test(.router) { client in
            let wrong = try await put(client, harness, name: "a.json", bytes: bytes, headers: [md5: "Bqcz3MbN7cTwyRGXwFRYBw=="])
            #expect(wrong.status == .badRequest)
            let malformed = try await put(client, harness, name: "a.json", bytes: bytes, headers: [md5: "nope"])
            #expect(malformed.status == .badRequest)
            #expect(try await harness.store.runFiles(harness.runKey("run1")).isEmpty)
            let right = try await put(client, harness, name: "a.json", bytes: bytes, headers: [md5: good])
            #expect(right.status == .ok)
        }
        // Only the accepted content reached the blob directory.
        let blobs = try FileManager.default.subpathsOfDirectory(atPath: harness.directory.path + "/blobs")
            .filter { $0.count > 60 && !$0.hasSuffix(".md5") && !$0.hasPrefix("tmp") }
        #expect(blobs.count == 1)
    }

    @Test("missing, forged, expired or other-method signatures are 403")
    func signatures() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let key = harness.runKey("run1")
        let path = BlobPaths.runFilePath(key, name: "a.txt")
        try await harness.application().test(.router) { client in
            #expect(try await put(client, harness, name: "a.txt", bytes: [1, 2, 3]).status == .ok)
            let unsigned = try await client.execute(uri: path, method: .get)
            #expect(unsigned.status == .forbidden)
            let signed = harness.signedPathAndQuery(method: "GET", key: key, name: "a.txt")
            let forged = String(signed.dropLast(4)) + "0000"
            #expect(try await client.execute(uri: forged, method: .get).status == .forbidden)
            let expired = harness.signedPathAndQuery(
                method: "GET", key: key, name: "a.txt", now: Date().addingTimeInterval(-90_000))
            #expect(try await client.execute(uri: expired, method: .get).status == .forbidden)
            // A GET signature does not allow a PUT, nor a signature for another file.
            #expect(try await client.execute(uri: signed, method: .put, body: ByteBuffer(string: "x")).status == .forbidden)
            let otherFile = harness.signedPathAndQuery(method: "GET", key: key, name: "b.txt")
                .replacingOccurrences(of: "b.txt", with: "a.txt")
            #expect(try await client.execute(uri: otherFile, method: .get).status == .forbidden)
            // The real one works, and HEAD accepts a GET signature.
            #expect(try await client.execute(uri: signed, method: .get).status == .ok)
            #expect(try await client.execute(uri: signed, method: .head).status == .ok)
        }
    }

    @Test("names that escape the run are 400", arguments: [
        "/storage/runs/test-entity/proto-research/run1/../../x", "/storage/runs/test-entity/proto-research/run1/..%2F..%2Fx",
        "/storage/runs/test-entity/proto-research/run1/%2Fetc%2Fpasswd", "/storage/runs/test-entity/proto-research/run1/a%00b",
        "/storage/runs/test-entity/proto-research/run1/a%5Cb", "/storage/runs/test-entity/proto-research/run1/a//b",
        "/storage/runs/test-entity/proto-research/run1/", "/storage/runs/test-entity/proto-research/run1/%zz",
        "/storage/runs/test-entity/proto-research/run1", "/storage/runs/test-entity/%2E%2E/run1/a.txt",
    ])
    func traversal(_ path: String) async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        // Signed by the server itself, so only the name check can refuse it.
        let uri = harness.services.signer.sign(method: "PUT", path: path, expires: Date().addingTimeInterval(60))
        try await harness.application().test(.router) { client in
            let response = try await client.execute(uri: uri, method: .put, body: ByteBuffer(string: "x"))
            #expect(response.status == .badRequest)
        }
        #expect(try await harness.store.runFiles(harness.runKey("run1")).isEmpty)
    }

    @Test("names with spaces and non-ASCII survive signing and decoding")
    func encodedNames() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let name = "media/my file+ü #1?.txt"
        try await harness.application().test(.router) { client in
            let stored = try await put(client, harness, name: name, bytes: Array("x".utf8))
            #expect(stored.status == .ok)
            let back = try await get(client, harness, name: name)
            #expect(String(buffer: back.body) == "x")
        }
        #expect(try await harness.store.runFiles(harness.runKey("run1")).map(\.name) == [name])
    }

    @Test("unknown run or file is 404; a store that is down is 503")
    func missing() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            #expect(try await put(client, harness, run: "ghost", bytes: [1]).status == .notFound)
            #expect(try await get(client, harness, name: "never-put.txt").status == .notFound)
            await harness.store.fail(with: StoreError(.unavailable, "locked"))
            let down = try await put(client, harness, bytes: [1])
            #expect(down.status == .serviceUnavailable)
            #expect(down.headers[.retryAfter] != nil)
        }
    }

    @Test("over maximumFileSize is 413, by Content-Length or while streaming")
    func tooLarge() async throws {
        let harness = try await ServerHarness.make { $0.maximumFileSize = 1000 }
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.application().test(.router) { client in
            let over = try await put(client, harness, bytes: Array(repeating: 1, count: 1001))
            #expect(over.status == .contentTooLarge)
            let atLimit = try await put(client, harness, bytes: Array(repeating: 1, count: 1000))
            #expect(atLimit.status == .ok)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: harness.directory.path + "/blobs/tmp").isEmpty)
    }

    @Test("a 20 MB PUT streams to disk and reads back byte for byte")
    func large() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 20 << 20)
        for index in stride(from: 0, to: bytes.count, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { raw in
                for offset in 0..<8 { bytes[index + offset] = raw[offset] }
            }
        }
        let payload = bytes
        try await harness.application().test(.router) { client in
            let stored = try await put(client, harness, name: "big.bin", bytes: payload)
            #expect(stored.status == .ok)
            #expect(stored.headers[.eTag] == "\"\(Self.md5Hex(payload))\"")
            let back = try await get(client, harness, name: "big.bin")
            #expect(back.body.readableBytes == payload.count)
            #expect(Array(buffer: back.body) == payload)
            let lastMiB = try await get(client, harness, name: "big.bin", headers: [.range: "bytes=\(19 << 20)-"])
            #expect(lastMiB.status == .partialContent)
            #expect(Array(buffer: lastMiB.body) == Array(payload[(19 << 20)...]))
        }
    }

    @Test("over real HTTP: a 20 MB PUT, a ranged GET, HEAD headers, file_stream")
    func live() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        let payload = (0..<(20 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        try await harness.liveApplication().test(.live) { client in
            let stored = try await put(client, harness, name: "big.bin", bytes: payload)
            #expect(stored.status == .ok)
            #expect(stored.headers[.eTag] == "\"\(Self.md5Hex(payload))\"")
            let slice = try await get(client, harness, name: "big.bin", headers: [.range: "bytes=1048576-2097151"])
            #expect(slice.status == .partialContent)
            #expect(Array(buffer: slice.body) == Array(payload[1_048_576...2_097_151]))
            let head = try await get(client, harness, name: "big.bin", method: .head)
            #expect(head.status == .ok)
            #expect(head.headers[.contentLength] == String(20 << 20))
            let stream = try await client.execute(
                uri: ServerHarness.fileStreamURI("run1"), method: .post, headers: harness.authorization(),
                body: ByteBuffer(string: TraceBodies.long[1]))
            #expect(stream.status == .ok)
            #expect(String(buffer: stream.body) == "{}")
        }
        #expect(try await harness.store.history(harness.runKey("run1"), from: 0, to: nil).count == 6)
    }
}
