import NIOCore

// The binary payload of each message type. Field order here is the wire format of protocol
// version 1: change it only together with `CoordinatorMessage.protocolVersion`.

extension CoordinatorMessage {
    func writePayload(into buffer: inout ByteBuffer) {
        switch self {
        case .hello(let hello):
            buffer.writeInteger(hello.protocolVersion)
            buffer.writeRank(hello.rank)
            buffer.writeRank(hello.worldSize)
            buffer.writeText(hello.runID)
            buffer.writeText(hello.host)
            buffer.writeInteger(hello.pid)
            buffer.writeText(hello.groupToken)
            buffer.writeOptionalText(hello.groupName)
            buffer.writeInteger(hello.droppedReports)
        case .welcome(let welcome):
            buffer.writeText(welcome.groupName)
            buffer.writeText(welcome.leaderRunID)
            buffer.writeInteger(welcome.protocolVersion)
        case .reject(let reject):
            buffer.writeText(reject.reason)
        case .step(let report):
            buffer.writeRank(report.rank)
            buffer.writeInteger(report.step)
            buffer.writeDoubles(report.metrics)
        case .summary(let summary):
            buffer.writeRank(summary.rank)
            buffer.writeDoubles(summary.values)
            buffer.writeInteger(UInt32(truncatingIfNeeded: summary.strings.count))
            for (key, value) in summary.strings {
                buffer.writeText(key)
                buffer.writeText(value)
            }
        case .heartbeat(let heartbeat):
            buffer.writeRank(heartbeat.rank)
            buffer.writeInteger(heartbeat.time.bitPattern)
            buffer.writeInteger(heartbeat.droppedReports)
        case .finish(let finish):
            buffer.writeRank(finish.rank)
            buffer.writeInteger(finish.exitCode)
            buffer.writeInteger(finish.finalStep)
        }
    }

    static func readPayload(kind: Kind, from reader: inout PayloadReader) throws(CoordinatorCodecError) -> Self {
        switch kind {
        case .hello:
            return .hello(Hello(
                protocolVersion: try reader.integer(), rank: try reader.rank(), worldSize: try reader.rank(),
                runID: try reader.text(), host: try reader.text(), pid: try reader.integer(),
                groupToken: try reader.text(), groupName: try reader.optionalText(),
                droppedReports: try reader.integer()
            ))
        case .welcome:
            return .welcome(Welcome(
                groupName: try reader.text(), leaderRunID: try reader.text(), protocolVersion: try reader.integer()
            ))
        case .reject:
            return .reject(Reject(reason: try reader.text()))
        case .step:
            return .step(StepReport(rank: try reader.rank(), step: try reader.integer(), metrics: try reader.doubles()))
        case .summary:
            let rank = try reader.rank()
            let values = try reader.doubles()
            let count = try reader.count(minimumEntrySize: 8)
            var strings: [String: String] = [:]
            strings.reserveCapacity(count)
            for _ in 0..<count {
                let key = try reader.text()
                strings[key] = try reader.text()
            }
            return .summary(SummaryReport(rank: rank, values: values, strings: strings))
        case .heartbeat:
            return .heartbeat(Heartbeat(
                rank: try reader.rank(), time: Double(bitPattern: try reader.integer()), droppedReports: try reader.integer()
            ))
        case .finish:
            return .finish(Finish(rank: try reader.rank(), exitCode: try reader.integer(), finalStep: try reader.integer()))
        }
    }
}

extension ByteBuffer {
    /// Writes a rank or world size; one outside `0...Int32.max` is written as `UInt32.max`, which
    /// the decoder refuses, so a bad rank can never pass for a valid one.
    fileprivate mutating func writeRank(_ value: Int) {
        writeInteger((0...Int(Int32.max)).contains(value) ? UInt32(value) : UInt32.max)
    }

    fileprivate mutating func writeText(_ text: String) {
        let lengthIndex = writerIndex
        writeInteger(UInt32(0))
        let written = writeString(text)
        setInteger(UInt32(truncatingIfNeeded: written), at: lengthIndex)
    }

    fileprivate mutating func writeOptionalText(_ text: String?) {
        if let text {
            writeInteger(UInt8(1))
            writeText(text)
        } else {
            writeInteger(UInt8(0))
        }
    }

    fileprivate mutating func writeDoubles(_ values: [String: Double]) {
        writeInteger(UInt32(truncatingIfNeeded: values.count))
        for (key, value) in values {
            writeText(key)
            writeInteger(value.bitPattern)
        }
    }
}

/// Reads payload fields from one frame, throwing `malformedPayload` on anything short or invalid.
struct PayloadReader {
    var buffer: ByteBuffer

    var isAtEnd: Bool { buffer.readableBytes == 0 }

    mutating func integer<T: FixedWidthInteger>(as type: T.Type = T.self) throws(CoordinatorCodecError) -> T {
        guard let value = buffer.readInteger(as: T.self) else { throw .malformedPayload }
        return value
    }

    /// A rank or world size: a `UInt32` that must fit an `Int32`, so it is never negative anywhere.
    mutating func rank() throws(CoordinatorCodecError) -> Int {
        let value: UInt32 = try integer()
        guard value <= UInt32(Int32.max) else { throw .malformedPayload }
        return Int(value)
    }

    mutating func text() throws(CoordinatorCodecError) -> String {
        let length: UInt32 = try integer()
        guard Int(length) <= buffer.readableBytes,
              let bytes = buffer.readSlice(length: Int(length)),
              let text = String(validating: bytes.readableBytesView, as: UTF8.self)
        else { throw .malformedPayload }
        return text
    }

    mutating func optionalText() throws(CoordinatorCodecError) -> String? {
        switch try integer(as: UInt8.self) {
        case 0: return nil
        case 1: return try text()
        default: throw .malformedPayload
        }
    }

    /// A dictionary's entry count, checked against the bytes left so a forged count cannot make the
    /// decoder reserve memory the frame does not hold.
    mutating func count(minimumEntrySize: Int) throws(CoordinatorCodecError) -> Int {
        let count: UInt32 = try integer()
        guard Int(count) * minimumEntrySize <= buffer.readableBytes else { throw .malformedPayload }
        return Int(count)
    }

    mutating func doubles() throws(CoordinatorCodecError) -> [String: Double] {
        let count = try count(minimumEntrySize: 12)
        var values: [String: Double] = [:]
        values.reserveCapacity(count)
        for _ in 0..<count {
            let key = try text()
            values[key] = Double(bitPattern: try integer())
        }
        return values
    }
}
