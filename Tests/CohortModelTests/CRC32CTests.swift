import CohortModel
import Testing

@Suite("CRC-32C")
struct CRC32CTests {
    @Test("matches the published check values")
    func checkValues() {
        // RFC 3720 / iSCSI check value for "123456789", and the value for 32 zero bytes (RFC 3720 B.4).
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test("chaining over pieces equals one pass over the whole", arguments: [0, 1, 7, 8, 9, 63, 100])
    func chaining(split: Int) {
        let bytes = (0..<100).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = CRC32C.checksum(bytes)
        let first = CRC32C.checksum(Array(bytes[..<split]))
        #expect(CRC32C.checksum(Array(bytes[split...]), continuing: first) == whole)
    }
}
