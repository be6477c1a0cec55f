import CohortModel
import CohortTestSupport
import Foundation
import Testing

@testable import Cohort

@Suite("Journal follower")
struct JournalFollowerTests {
    static func record(_ step: Int64) -> [UInt8] {
        var bytes: [UInt8] = []
        JournalFormat.appendRecord(kind: .history, payload: JSONWriter.bytes(["_step": .int(step)]), to: &bytes)
        return bytes
    }

    static func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    @Test("records appended while following are returned once each; a half-written record waits for its bytes")
    func growingJournal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/run.journal"
        FileManager.default.createFile(atPath: path, contents: Data(JournalFormat.header + Self.record(0)))
        var follower = JournalFollower(path: path)
        let first = try follower.read()
        #expect(first.records.map { $0.payload["_step"] } == [.int(0)] && first.atEnd)
        let next = Self.record(1)
        try Self.append(Array(next.prefix(5)), to: path)
        #expect(try follower.read().records.isEmpty, "a torn record is not returned")
        try Self.append(Array(next.dropFirst(5)) + Self.record(2), to: path)
        let second = try follower.read()
        #expect(second.records.map { $0.payload["_step"] } == [.int(1), .int(2)])
        #expect(second.records.first?.offset == JournalFormat.headerSize + Self.record(0).count)
        #expect(try follower.read().records.isEmpty)
    }

    @Test("reads in bounded batches and says when it reached the end")
    func batches() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/run.journal"
        FileManager.default.createFile(atPath: path, contents: Data(JournalFormat.header + (0..<100).flatMap { Self.record($0) }))
        var follower = JournalFollower(path: path)
        var steps: [JSONValue?] = []
        var reads = 0
        while true {
            let batch = try follower.read(maximumBytes: 256)
            steps += batch.records.map { $0.payload["_step"] }
            reads += 1
            if batch.atEnd { break }
        }
        #expect(steps == (0..<100).map { .int($0) })
        #expect(reads > 1)
    }

    @Test("a damaged record stops the follower with an error that names the byte, after the records before it")
    func damaged() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/run.journal"
        var bad = Self.record(1)
        bad[bad.count - 2] ^= 0xFF
        FileManager.default.createFile(atPath: path, contents: Data(JournalFormat.header + Self.record(0) + bad + Self.record(2)))
        var follower = JournalFollower(path: path)
        #expect(try follower.read().records.count == 1)
        #expect(throws: CohortError.self) { try follower.read() }
    }

    @Test("a file that is not a journal is refused")
    func notAJournal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/notes.txt"
        FileManager.default.createFile(atPath: path, contents: Data("hello, this is not a journal".utf8))
        var follower = JournalFollower(path: path)
        #expect(throws: CohortError.self) { try follower.read() }
    }
}
