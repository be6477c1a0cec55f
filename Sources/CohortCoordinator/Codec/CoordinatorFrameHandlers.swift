public import NIOCore

/// Decodes coordinator frames from a byte stream (wrap it in a `ByteToMessageHandler`). A bad frame
/// throws a `CoordinatorCodecError`, which fails this channel's pipeline only: the owner closes
/// that connection and the others carry on.
public struct CoordinatorFrameDecoder: ByteToMessageDecoder, Sendable {
    /// The message this decoder produces.
    public typealias InboundOut = CoordinatorMessage

    /// The codec, which sets the maximum frame size.
    public let codec: CoordinatorCodec

    /// Creates a decoder.
    /// - Parameter codec: the codec (and maximum frame size) to use.
    public init(codec: CoordinatorCodec = CoordinatorCodec()) { self.codec = codec }

    /// Decodes one frame if a whole one is buffered.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let message = try codec.decode(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(message))
        return .continue
    }

    /// Decodes what is left when the stream ends; a partial frame is dropped with the connection.
    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// Encodes coordinator messages into frames (wrap it in a `MessageToByteHandler`).
public struct CoordinatorFrameEncoder: MessageToByteEncoder, Sendable {
    /// The message this encoder takes.
    public typealias OutboundIn = CoordinatorMessage

    /// The codec, which sets the maximum frame size.
    public let codec: CoordinatorCodec

    /// Creates an encoder.
    /// - Parameter codec: the codec (and maximum frame size) to use.
    public init(codec: CoordinatorCodec = CoordinatorCodec()) { self.codec = codec }

    /// Appends the frame of `data` to `out`.
    /// - Throws: `CoordinatorCodecError.frameTooLarge` for a message over the maximum frame size.
    public func encode(data: CoordinatorMessage, out: inout ByteBuffer) throws {
        try codec.encode(data, into: &out)
    }
}
