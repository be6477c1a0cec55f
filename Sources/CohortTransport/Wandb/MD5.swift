internal import Crypto

/// MD5 (RFC 1321), streaming: W&B identifies artifact files, parts and manifests by their MD5.
///
/// ```swift
/// var md5 = MD5()
/// md5.update(Array("abc".utf8))
/// md5.finalize().hex   // 900150983cd24fb0d6963f7d28e17f72
/// ```
public struct MD5 {
    /// A finished digest.
    public struct Digest: Sendable, Hashable {
        /// The 16 bytes.
        public let bytes: [UInt8]
        /// Lower-case hex.
        public var hex: String {
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(32)
            for byte in bytes {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            }
            return String(decoding: out, as: UTF8.self)
        }
        /// Base64, as W&B's `md5` fields and `Content-MD5` carry it.
        public var base64: String { Base64.encode(bytes) }
    }

    // BoringSSL's MD5 (swift-crypto): a byte-at-a-time Swift loop hashed 1 GiB in tens of seconds,
    // which made large artifact uploads CPU-bound before a byte was sent.
    private var hasher = Insecure.MD5()

    /// A fresh hash.
    public init() {}

    /// The digest of `bytes`.
    public static func hash(_ bytes: some Collection<UInt8>) -> Digest {
        var md5 = MD5()
        md5.update(bytes)
        return md5.finalize()
    }

    /// Adds bytes.
    public mutating func update(_ bytes: some Collection<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        if done == nil { hasher.update(data: Array(bytes)) }
    }

    /// The digest of everything added.
    public consuming func finalize() -> Digest {
        Digest(bytes: Array(hasher.finalize()))
    }
}

/// Standard base64 with padding, without Foundation.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
