public import NIOCore

/// Encodes and decodes coordinator frames.
///
/// A frame is a `UInt32` big-endian length (of everything after it), a 1-byte message type, a
/// 1-byte protocol version, then the message payload in a compact big-endian binary form: integers
/// fixed-width, doubles as their IEEE-754 bit pattern (so NaN and infinities survive), strings as a
/// `UInt32` byte count and UTF-8, dictionaries as a `UInt32` count and key/value pairs.
///
/// ```swift
/// let codec = CoordinatorCodec()
/// var buffer = ByteBuffer()
/// try codec.encode(.heartbeat(.init(rank: 1, time: 0)), into: &buffer)
/// let message = try codec.decode(from: &buffer)  // the heartbeat
/// ```
public struct CoordinatorCodec: Sendable {
    /// The default largest frame accepted or produced: 1 MiB.
    public static let defaultMaximumFrameSize = 1 << 20

    /// The bytes of the length prefix.
    static let lengthPrefixSize = 4
    /// The bytes of the type and version that follow the length.
    static let headerSize = 2

    /// The largest frame (counted after the length prefix) accepted or produced.
    public let maximumFrameSize: Int

    /// Creates a codec.
    /// - Parameter maximumFrameSize: the largest frame, after the length prefix; at least 2 bytes.
    public init(maximumFrameSize: Int = CoordinatorCodec.defaultMaximumFrameSize) {
        precondition(maximumFrameSize >= Self.headerSize, "a frame holds at least its type and version")
        self.maximumFrameSize = min(maximumFrameSize, Int(UInt32.max))
    }

    /// Appends one frame holding `message` to `buffer`.
    /// - Throws: `CoordinatorCodecError.frameTooLarge` if the frame would exceed `maximumFrameSize`;
    ///   `buffer` is then left as it was.
    public func encode(_ message: CoordinatorMessage, into buffer: inout ByteBuffer) throws(CoordinatorCodecError) {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt32(0))  // length, patched below
        buffer.writeInteger(message.kind.rawValue)
        buffer.writeInteger(CoordinatorMessage.protocolVersion)
        message.writePayload(into: &buffer)
        let length = buffer.writerIndex - start - Self.lengthPrefixSize
        guard length <= maximumFrameSize else {
            buffer.moveWriterIndex(to: start)
            throw .frameTooLarge
        }
        buffer.setInteger(UInt32(length), at: start)
    }

    /// Removes one complete frame from the front of `buffer` and returns its message, or returns
    /// `nil` (consuming nothing) while the frame is incomplete.
    /// - Throws: `CoordinatorCodecError` for an oversized, short, unknown, wrong-version or
    ///   malformed frame. An oversized length throws at once, before its bytes arrive.
    public func decode(from buffer: inout ByteBuffer) throws(CoordinatorCodecError) -> CoordinatorMessage? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        guard Int(length) <= maximumFrameSize else { throw .frameTooLarge }
        guard Int(length) >= Self.headerSize else { throw .frameTooShort }
        guard buffer.readableBytes >= Self.lengthPrefixSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Self.lengthPrefixSize)
        // The guard above checked that `length` bytes are readable.
        var frame = buffer.readSlice(length: Int(length))!
        let typeByte: UInt8 = frame.readInteger()!  // length >= headerSize
        let version: UInt8 = frame.readInteger()!  // length >= headerSize
        guard let kind = CoordinatorMessage.Kind(rawValue: typeByte) else { throw .unknownMessageType }
        guard version == CoordinatorMessage.protocolVersion else { throw .unsupportedVersion }
        var reader = PayloadReader(buffer: frame)
        let message = try CoordinatorMessage.readPayload(kind: kind, from: &reader)
        guard reader.isAtEnd else { throw .malformedPayload }
        return message
    }
}

extension CoordinatorMessage {
    /// The message type byte of a frame.
    enum Kind: UInt8, Sendable, CaseIterable {
        case hello = 1, welcome, reject, step, summary, heartbeat, finish
    }

    var kind: Kind {
        switch self {
        case .hello: .hello
        case .welcome: .welcome
        case .reject: .reject
        case .step: .step
        case .summary: .summary
        case .heartbeat: .heartbeat
        case .finish: .finish
        }
    }
}
