@testable import CohortServer
import CohortTestSupport
import Crypto
import Foundation
import NIOCore
import Testing

@Suite("content-addressed blob store")
struct BlobStoreTests {
    @Test("a blob lands at blobs/<sha[0:2]>/<sha> with its MD5 beside it, once per content")
    func layoutAndDedup() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-blobs")
        defer { directory.remove() }
        let store = BlobStore(dataDirectory: directory.path)
        let bytes = Array("hello blob\n".utf8)
        let digest = try await store.write(bytes: bytes)
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let md5 = Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(digest == BlobDigest(sha256: sha, md5: md5, size: bytes.count))
        #expect(digest.eTag == "\"\(md5)\"")
        let path = directory.path + "/blobs/\(sha.prefix(2))/\(sha)"
        #expect(store.path(sha256: sha) == path)
        #expect(FileManager.default.contents(atPath: path) == Data(bytes))
        #expect(try await store.md5(sha256: sha) == md5)
        #expect(try await store.write(bytes: bytes) == digest)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/blobs/tmp").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/blobs/\(sha.prefix(2))").sorted()
            == [sha, sha + ".md5"])
    }

    @Test("a missing MD5 file is recomputed; digests that are not SHA-256 name no path")
    func md5RecoveryAndBadDigests() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-blobs")
        defer { directory.remove() }
        let store = BlobStore(dataDirectory: directory.path)
        let digest = try await store.write(bytes: Array(repeating: 1, count: 3000))
        try FileManager.default.removeItem(atPath: store.path(sha256: digest.sha256)! + ".md5")
        #expect(try await store.md5(sha256: digest.sha256) == digest.md5)
        #expect(store.path(sha256: "../../etc/passwd") == nil)
        #expect(store.path(sha256: String(repeating: "A", count: 64)) == nil)
        #expect(try await store.md5(sha256: String(repeating: "0", count: 64)) == nil)
    }

    @Test("too large or a wrong MD5: nothing stored, no temporary file left")
    func refusals() async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-blobs")
        defer { directory.remove() }
        let store = BlobStore(dataDirectory: directory.path)
        await #expect(throws: BlobError.tooLarge(limit: 10)) {
            try await store.write(bytes: Array(repeating: 0, count: 11), maximumSize: 10)
        }
        let bytes = Array("abc".utf8)
        await #expect {
            try await store.write(bytes: bytes, expectedMD5: Array(repeating: 0, count: 16))
        } throws: { error in
            if case .checksumMismatch = error as? BlobError { return true }
            return false
        }
        let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(!store.contains(sha256: sha))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/blobs/tmp").isEmpty)
        // The right MD5 is accepted.
        let good = try await store.write(bytes: bytes, expectedMD5: Array(Insecure.MD5.hash(data: bytes)))
        #expect(good.sha256 == sha)
    }

    @Test("Range headers", arguments: [
        ("bytes=0-9", 100, ByteRange.satisfiable(0...9)),
        ("bytes=90-", 100, .satisfiable(90...99)),
        ("bytes=90-200", 100, .satisfiable(90...99)),
        ("bytes=-10", 100, .satisfiable(90...99)),
        ("bytes=-1000", 100, .satisfiable(0...99)),
        ("bytes=100-", 100, .unsatisfiable),
        ("bytes=100-150", 100, .unsatisfiable),
        ("bytes=-0", 100, .unsatisfiable),
        ("bytes=0-", 0, .unsatisfiable),
        ("bytes=99999999999999999999999-", 100, .unsatisfiable),
        ("bytes=5-1", 100, .ignore),
        ("bytes=0-1,5-6", 100, .ignore),
        ("items=0-1", 100, .ignore),
        ("bytes=a-b", 100, .ignore),
        ("bytes=2097152000-", 2_147_483_648, .satisfiable(2_097_152_000...2_147_483_647)),
    ])
    func ranges(_ header: String, _ size: Int, _ expected: ByteRange) {
        #expect(ByteRange.parse(header, size: size) == expected)
    }
}
