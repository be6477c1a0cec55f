/// A frame that cannot be decoded (or a message too large to encode). The connection that produced
/// it should be closed; other connections are unaffected.
///
/// Cases are `static let`s over a private code, so new ones can be added without breaking callers.
public struct CoordinatorCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case frameTooLarge, frameTooShort, unknownMessageType, unsupportedVersion, malformedPayload
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The frame's length prefix exceeds the maximum frame size.
    public static let frameTooLarge = Self(.frameTooLarge)
    /// The frame's length prefix is too small to hold the type and version bytes.
    public static let frameTooShort = Self(.frameTooShort)
    /// The frame's message type byte is not one this build knows.
    public static let unknownMessageType = Self(.unknownMessageType)
    /// The frame's protocol version is not one this build speaks.
    public static let unsupportedVersion = Self(.unsupportedVersion)
    /// The payload is truncated, has trailing bytes, or holds an invalid value (bad UTF-8, a
    /// negative rank, a count larger than the frame).
    public static let malformedPayload = Self(.malformedPayload)

    /// What happened and what to do; never includes frame bytes.
    public var description: String {
        switch code {
        case .frameTooLarge:
            "coordinator frame larger than the maximum frame size; closing the connection (is a stranger or a newer version talking?)"
        case .frameTooShort:
            "coordinator frame shorter than its header; closing the connection (not a Cohort peer?)"
        case .unknownMessageType:
            "coordinator frame of an unknown message type; closing the connection (mismatched Cohort versions?)"
        case .unsupportedVersion:
            "coordinator frame of an unsupported protocol version; closing the connection (use the same Cohort version on every rank)"
        case .malformedPayload:
            "malformed coordinator frame payload; closing the connection (not a Cohort peer, or a corrupted stream)"
        }
    }
}
