import CohortCoordinator
import NIOCore
import NIOTestUtils
import Testing

extension CoordinatorProtocol {
    @Suite("Codec")
    struct CodecTests {
        static let samples: [CoordinatorMessage] = [
            .hello(.init(rank: 3, worldSize: 4, runID: "run-3", host: "node-1", pid: 4242, groupToken: "s3cret")),
            .hello(.init(rank: 0, worldSize: 1, runID: "r", host: "h", pid: -1, groupToken: "", groupName: "grüppe", droppedReports: 17)),
            .welcome(.init(groupName: "g", leaderRunID: "agg-1")),
            .reject(.init(reason: "wrong group token")),
            .step(.init(rank: 2, step: 1_000_000_000_000, metrics: ["train/loss": 0.25, "acc": 1, "nan": .nan, "inf": .infinity, "-inf": -.infinity])),
            .step(.init(rank: 1, step: -1, metrics: [:])),
            .summary(.init(rank: 1, values: ["best": 0.9, "nan": .nan], strings: ["status": "ok", "": "empty key"])),
            .summary(.init(rank: 0, values: [:])),
            .heartbeat(.init(rank: 7, time: 1_760_000_000.5, droppedReports: 3)),
            .finish(.init(rank: 5, exitCode: -9, finalStep: 99)),
        ]

        static func frame(_ message: CoordinatorMessage) throws -> ByteBuffer {
            var buffer = ByteBuffer()
            try CoordinatorCodec().encode(message, into: &buffer)
            return buffer
        }

        /// A frame with the given header and payload bytes.
        static func rawFrame(type: UInt8, version: UInt8 = CoordinatorMessage.protocolVersion, payload: [UInt8]) -> ByteBuffer {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(2 + payload.count))
            buffer.writeInteger(type)
            buffer.writeInteger(version)
            buffer.writeBytes(payload)
            return buffer
        }

        @Test("every message survives a round trip, NaN and infinities included", arguments: samples)
        func roundTrip(message: CoordinatorMessage) throws {
            var buffer = try Self.frame(message)
            let decoded = try CoordinatorCodec().decode(from: &buffer)
            #expect(decoded == message)
            #expect(buffer.readableBytes == 0)
        }

        @Test("a frame fed byte by byte decodes only when complete", arguments: samples)
        func partialInput(message: CoordinatorMessage) throws {
            let whole = try Self.frame(message)
            let bytes = Array(whole.readableBytesView)
            var buffer = ByteBuffer()
            let codec = CoordinatorCodec()
            for (index, byte) in bytes.enumerated() {
                buffer.writeInteger(byte)
                let decoded = try codec.decode(from: &buffer)
                if index < bytes.count - 1 {
                    #expect(decoded == nil)
                } else {
                    #expect(decoded == message)
                }
            }
            #expect(buffer.readableBytes == 0)
        }

        @Test("several frames in one buffer decode in order")
        func severalFrames() throws {
            var buffer = ByteBuffer()
            let codec = CoordinatorCodec()
            for message in Self.samples { try codec.encode(message, into: &buffer) }
            var decoded: [CoordinatorMessage] = []
            while let message = try codec.decode(from: &buffer) { decoded.append(message) }
            #expect(decoded == Self.samples)
        }

        @Test("the NIO decoder and encoder pass NIO's verifier for split and coalesced input")
        func verifier() throws {
            let inputs = try Self.samples.map { (try Self.frame($0), [$0]) }
            try ByteToMessageDecoderVerifier.verifyDecoder(
                inputOutputPairs: inputs, decoderFactory: { CoordinatorFrameDecoder() }
            )
        }

        @Test("garbage bytes are refused with a typed error")
        func garbage() {
            var buffer = ByteBuffer(string: "GET / HTTP/1.1\r\nHost: leader\r\n\r\n")
            #expect(throws: CoordinatorCodecError.frameTooLarge) { try CoordinatorCodec().decode(from: &buffer) }
        }

        @Test("an oversized length is refused before its bytes arrive")
        func oversized() {
            var buffer = ByteBuffer()
            buffer.writeInteger(UInt32(CoordinatorCodec.defaultMaximumFrameSize + 1))
            #expect(throws: CoordinatorCodecError.frameTooLarge) { try CoordinatorCodec().decode(from: &buffer) }
        }

        @Test("a message over the maximum frame size is not encoded")
        func oversizedEncode() {
            let codec = CoordinatorCodec(maximumFrameSize: 64)
            var buffer = ByteBuffer(string: "kept")
            let big = CoordinatorMessage.reject(.init(reason: String(repeating: "x", count: 100)))
            #expect(throws: CoordinatorCodecError.frameTooLarge) { try codec.encode(big, into: &buffer) }
            #expect(buffer == ByteBuffer(string: "kept"))
        }

        @Test("a length too short for the header is refused", arguments: [UInt32(0), 1])
        func tooShort(length: UInt32) {
            var buffer = ByteBuffer()
            buffer.writeInteger(length)
            buffer.writeInteger(UInt16(0))
            #expect(throws: CoordinatorCodecError.frameTooShort) { try CoordinatorCodec().decode(from: &buffer) }
        }

        @Test("an unknown message type is refused", arguments: [UInt8(0), 8, 255])
        func unknownType(type: UInt8) {
            var buffer = Self.rawFrame(type: type, payload: [])
            #expect(throws: CoordinatorCodecError.unknownMessageType) { try CoordinatorCodec().decode(from: &buffer) }
        }

        @Test("a frame of another protocol version is refused", arguments: [UInt8(0), 2, 255])
        func wrongVersion(version: UInt8) throws {
            var good = try Self.frame(.finish(.init(rank: 0, exitCode: 0, finalStep: 1)))
            good.setInteger(version, at: 5)
            #expect(throws: CoordinatorCodecError.unsupportedVersion) { try CoordinatorCodec().decode(from: &good) }
        }

        @Test("truncated, padded or invalid payloads are refused")
        func malformed() throws {
            let codec = CoordinatorCodec()
            // A finish payload one byte short.
            var short = Self.rawFrame(type: 7, payload: Array(repeating: 0, count: 15))
            #expect(throws: CoordinatorCodecError.malformedPayload) { try codec.decode(from: &short) }
            // A finish payload with a trailing byte.
            var padded = Self.rawFrame(type: 7, payload: Array(repeating: 0, count: 17))
            #expect(throws: CoordinatorCodecError.malformedPayload) { try codec.decode(from: &padded) }
            // A reject whose reason is not UTF-8.
            var invalid = Self.rawFrame(type: 3, payload: [0, 0, 0, 2, 0xC3, 0x28])
            #expect(throws: CoordinatorCodecError.malformedPayload) { try codec.decode(from: &invalid) }
            // A step claiming a billion metrics in a few bytes.
            var forged = Self.rawFrame(type: 4, payload: [0, 0, 0, 1] + Array(repeating: 0, count: 8) + [0x40, 0, 0, 0])
            #expect(throws: CoordinatorCodecError.malformedPayload) { try codec.decode(from: &forged) }
            // A negative rank.
            var negative = Self.rawFrame(type: 7, payload: [0xFF, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 12))
            #expect(throws: CoordinatorCodecError.malformedPayload) { try codec.decode(from: &negative) }
        }

        @Test("a negative rank is never encoded as a valid one")
        func negativeRankEncoding() throws {
            var buffer = try Self.frame(.heartbeat(.init(rank: -1, time: 0)))
            #expect(throws: CoordinatorCodecError.malformedPayload) { try CoordinatorCodec().decode(from: &buffer) }
        }

        @Test("errors describe the problem without echoing bytes")
        func errorDescription() {
            #expect(CoordinatorCodecError.frameTooLarge.description.contains("maximum frame size"))
            #expect(CoordinatorCodecError.malformedPayload != .frameTooShort)
        }
    }
}
