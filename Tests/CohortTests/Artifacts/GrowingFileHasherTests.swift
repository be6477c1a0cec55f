import CohortTestSupport
import CohortTransport
import Foundation
import Testing

@testable import Cohort

/// `GrowingFileHasher` hashes (and copies) a file while another thread is still writing it.
@Suite("Hashing a download as it arrives")
struct GrowingFileHasherTests {
    static func content(_ count: Int) -> [UInt8] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test("a file written in pieces, with pauses, while the hasher reads: the MD5 and the copy are of every byte")
    func followsTheWriter() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = Self.content(9_000_001)
        let path = directory.appending("download.bin")
        let hasher = GrowingFileHasher(path: path, copyPath: directory.appending("copy.bin"))
        let reading = Task { try await OffPool.run { () throws(CohortError) in try hasher.run() } }
        try await Task.sleep(for: .milliseconds(20))  // the file does not exist yet when the hasher starts
        let handle = try #require(FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }())
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 700_000)
            try handle.write(contentsOf: bytes[offset..<end])
            offset = end
            try await Task.sleep(for: .milliseconds(3))
        }
        try handle.close()
        hasher.finish()
        let result = try await reading.value
        #expect(result.bytes == Int64(bytes.count))
        #expect(result.md5 == MD5.hash(bytes))
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.appending("copy.bin")))) == bytes)
    }

    @Test("a download that never wrote its file ends with a storage error, not a hang")
    func neverWritten() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let hasher = GrowingFileHasher(path: directory.appending("never.bin"))
        let reading = Task { try await OffPool.run { () throws(CohortError) in try hasher.run() } }
        hasher.finish()
        await #expect(throws: CohortError.self) { _ = try await reading.value }
    }

    @Test("an empty download hashes to the MD5 of nothing")
    func empty() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.appending("empty.bin")
        FileManager.default.createFile(atPath: path, contents: nil)
        let hasher = GrowingFileHasher(path: path)
        hasher.finish()
        let result = try await OffPool.run { () throws(CohortError) in try hasher.run() }
        #expect(result.bytes == 0 && result.md5 == MD5.hash([UInt8]()))
    }
}
