import CohortModel
import Testing

@Suite("Journal framing and recovery")
struct JournalScannerTests {
    /// A journal of `count` history records plus a start record.
    static func journal(records count: Int) -> (bytes: [UInt8], ends: [Int]) {
        var bytes = JournalFormat.header
        var ends: [Int] = []
        JournalFormat.appendRecord(kind: .runStart, payload: Array(#"{"id":"abc"}"#.utf8), to: &bytes)
        ends.append(bytes.count)
        for step in 0..<count {
            let payload = JSONWriter.bytes(["_step": .int(Int64(step)), "loss": .double(1.0 / Double(step + 1)), "name": .string("row \(step)")])
            JournalFormat.appendRecord(kind: .history, payload: payload, to: &bytes)
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }

    @Test("a whole journal reads back every record with a clean tail")
    func clean() throws {
        let (bytes, _) = Self.journal(records: 5)
        let (records, tail) = try JournalScanner.scan(bytes)
        #expect(tail == .clean)
        #expect(records.count == 6)
        #expect(records.first?.kind == .runStart)
        #expect(records.last?.payload["_step"] == .int(4))
    }

    @Test("truncated at every byte of its last records, a journal keeps every whole record before the cut")
    func truncatedAtEveryByte() throws {
        let (bytes, ends) = Self.journal(records: 6)
        let firstCut = ends[ends.count - 4]  // the last three records, cut at each of their bytes
        for length in firstCut..<bytes.count {
            let (records, tail) = try JournalScanner.scan(Array(bytes[..<length]))
            let whole = ends.filter { $0 <= length }.count
            #expect(records.count == whole, "cut at \(length)")
            let lastEnd = ends.last { $0 <= length } ?? JournalFormat.headerSize
            if length == lastEnd {
                #expect(tail == .clean)
            } else {
                #expect(tail == .torn(offset: lastEnd, droppedBytes: length - lastEnd), "cut at \(length)")
            }
        }
    }

    @Test("a flipped bit in a middle record keeps the records before it and reports corruption")
    func flippedBit() throws {
        var (bytes, ends) = Self.journal(records: 6)
        let target = ends[2] + JournalFormat.recordHeaderSize + 3  // inside record 3's payload
        bytes[target] ^= 0x10
        let (records, tail) = try JournalScanner.scan(bytes)
        #expect(records.count == 3)
        guard case .corrupt(let offset, let dropped, let reason) = tail else {
            Issue.record("expected a corrupt tail, got \(tail)")
            return
        }
        #expect(offset == ends[2])
        #expect(dropped == bytes.count - ends[2])
        #expect(reason.contains("checksum"))
    }

    @Test("an impossible record length is corruption, not an allocation")
    func impossibleLength() throws {
        var (bytes, ends) = Self.journal(records: 3)
        bytes.replaceSubrange(ends[1]..<(ends[1] + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let (records, tail) = try JournalScanner.scan(bytes)
        #expect(records.count == 2)
        if case .corrupt = tail {} else { Issue.record("expected corruption, got \(tail)") }
    }

    @Test("garbage appended after the last record is reported, records stay")
    func garbageTail() throws {
        var (bytes, ends) = Self.journal(records: 2)
        bytes += [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D]
        let (records, tail) = try JournalScanner.scan(bytes)
        #expect(records.count == 3)
        #expect(tail.validLength(fileSize: bytes.count) == ends.last)
    }

    @Test("a file that is not a journal is refused with a clear error")
    func notAJournal() {
        #expect(throws: JournalFormatError.self) { try JournalScanner.scan(Array("hello, this is not a journal".utf8)) }
    }

    @Test("a journal from a newer format version is refused")
    func newerVersion() {
        var bytes = JournalFormat.header
        bytes[8] = 99
        #expect(throws: JournalFormatError.self) { try JournalScanner.scan(bytes) }
    }

    @Test("a header cut short (a crash while creating the journal) reads as empty and torn")
    func shortHeader() throws {
        let (records, tail) = try JournalScanner.scan(Array(JournalFormat.header.prefix(5)))
        #expect(records.isEmpty)
        #expect(tail == .torn(offset: 0, droppedBytes: 5))
    }

    @Test("record kinds unknown to this reader are kept, not fatal")
    func unknownKind() throws {
        var bytes = JournalFormat.header
        JournalFormat.appendRecord(kind: .unknown(200), payload: Array("{}".utf8), to: &bytes)
        let (records, tail) = try JournalScanner.scan(bytes)
        #expect(tail == .clean)
        #expect(records.first?.kind == .unknown(200))
    }
}
