@preconcurrency import Crypto
import Foundation
import Glibc
public import NIOCore

/// What the store knows about one blob after writing it.
public struct BlobDigest: Sendable, Equatable {
    /// Lowercase hex SHA-256: the blob's address.
    public var sha256: String
    /// Lowercase hex MD5 (the ETag and W&B's digests are MD5).
    public var md5: String
    public var size: Int

    public init(sha256: String, md5: String, size: Int) {
        self.sha256 = sha256
        self.md5 = md5
        self.size = size
    }

    /// The MD5 in base64, as `Content-MD5` and W&B manifests carry it.
    public var md5Base64: String { Data(BlobStore.bytes(fromHex: md5) ?? []).base64EncodedString() }
    /// `"<md5 hex>"` with the quotes: the `ETag` header value.
    public var eTag: String { "\"\(md5)\"" }
}

/// Why a blob was not stored. Nothing is left behind in any case.
public enum BlobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The content passed the size limit.
    case tooLarge(limit: Int)
    /// The content's MD5 is not the one the client announced (`Content-MD5`).
    case checksumMismatch(expected: String, actual: String)
    /// The disk failed (full, permissions, …).
    case io(String)

    public var description: String {
        switch self {
        case .tooLarge(let limit): return "the content is larger than \(limit) bytes"
        case .checksumMismatch(let expected, let actual):
            return "Content-MD5 mismatch: the header says \(expected), the body has \(actual)"
        case .io(let reason): return "blob storage failed: \(reason)"
        }
    }
}

/// Content-addressed files under `<data>/blobs`: each distinct content is stored once at
/// `<data>/blobs/<sha256[0:2]>/<sha256>`, with its MD5 beside it in `<sha256>.md5`.
///
/// Writing streams into `<data>/blobs/tmp/` while hashing (SHA-256 and MD5), fsyncs, and renames
/// into place, so a blob path either holds the complete content or does not exist. A content
/// already stored is not written again (the temporary file is dropped).
public struct BlobStore: Sendable {
    /// `<data>/blobs`.
    public let root: String

    public init(dataDirectory: String) {
        root = dataDirectory + "/blobs"
    }

    /// Where a blob lives, or `nil` when `sha256` is not 64 lowercase hex digits (so a digest read
    /// from anywhere can never name a path outside the store).
    public func path(sha256: String) -> String? {
        guard Self.isSHA256(sha256) else { return nil }
        return "\(root)/\(sha256.prefix(2))/\(sha256)"
    }

    /// Whether the blob is stored.
    public func contains(sha256: String) -> Bool {
        guard let path = path(sha256: sha256) else { return false }
        return FileManager.default.fileExists(atPath: path)
    }

    /// The stored size of a blob, or `nil` when it is not stored.
    public func size(sha256: String) -> Int? {
        guard let path = path(sha256: sha256) else { return nil }
        // FileManager rather than stat(): which C module owns `struct stat` varies between
        // builds, and MemberImportVisibility then rejects its members.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? NSNumber
        else { return nil }
        return size.intValue
    }

    /// The MD5 (lowercase hex) of a stored blob: read from its `.md5` file, or computed (and
    /// recorded) when that is missing. `nil` when the blob is not stored.
    public func md5(sha256: String) async throws -> String? {
        guard let path = path(sha256: sha256), FileManager.default.fileExists(atPath: path) else { return nil }
        if let text = try? String(contentsOfFile: path + ".md5", encoding: .utf8) {
            let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if hex.count == 32, Self.bytes(fromHex: hex) != nil { return hex }
        }
        let hex = try await Self.blocking { () throws -> String in
            guard let handle = FileHandle(forReadingAtPath: path) else { throw BlobError.io("cannot open a blob") }
            defer { try? handle.close() }
            var hasher = Insecure.MD5()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
            return Self.hex(hasher.finalize())
        }
        try? writeSidecar(md5: hex, for: path)
        return hex
    }

    /// Stores the bytes of `chunks` (at most `maximumSize` of them), checking them against
    /// `expectedMD5` (16 raw bytes) when given.
    /// - Throws: `BlobError`, or whatever the sequence throws (a client that went away); nothing
    ///   is stored then.
    public func write<Chunks: AsyncSequence>(
        _ chunks: Chunks, maximumSize: Int, expectedMD5: [UInt8]? = nil
    ) async throws -> BlobDigest where Chunks.Element == ByteBuffer {
        let temporaryDirectory = root + "/tmp"
        try createDirectory(temporaryDirectory)
        let temporary = temporaryDirectory + "/" + UUID().uuidString.lowercased()
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BlobError.io("cannot create a temporary file (errno \(errno))") }
        var isOpen = true
        var keep = false
        defer {
            if isOpen { close(descriptor) }
            if !keep { unlink(temporary) }
        }

        var sha = SHA256()
        var md5 = Insecure.MD5()
        var size = 0
        for try await buffer in chunks {
            size += buffer.readableBytes
            guard size <= maximumSize else { throw BlobError.tooLarge(limit: maximumSize) }
            try buffer.withUnsafeReadableBytes { raw in
                sha.update(bufferPointer: raw)
                md5.update(bufferPointer: raw)
                try Self.writeAll(descriptor, raw)
            }
        }
        let md5Bytes = Array(md5.finalize())
        if let expectedMD5, expectedMD5 != md5Bytes {
            throw BlobError.checksumMismatch(
                expected: Data(expectedMD5).base64EncodedString(), actual: Data(md5Bytes).base64EncodedString())
        }
        let digest = BlobDigest(sha256: Self.hex(sha.finalize()), md5: Self.hex(md5Bytes), size: size)
        guard let destination = path(sha256: digest.sha256) else { throw BlobError.io("bad digest") }
        let directory = String(destination.dropLast(digest.sha256.count + 1))

        try await Self.blocking { () throws -> Void in
            guard fsync(descriptor) == 0 else { throw BlobError.io("fsync failed (errno \(errno))") }
        }
        close(descriptor)
        isOpen = false

        try createDirectory(directory)
        if !FileManager.default.fileExists(atPath: destination) {
            guard rename(temporary, destination) == 0 else { throw BlobError.io("rename failed (errno \(errno))") }
            keep = true
            try await Self.blocking { Self.syncDirectory(directory) }
        }
        if (try? String(contentsOfFile: destination + ".md5", encoding: .utf8)) == nil {
            try writeSidecar(md5: digest.md5, for: destination)
        }
        return digest
    }

    /// Stores bytes already in memory (small files, tests).
    public func write(bytes: [UInt8], maximumSize: Int = .max, expectedMD5: [UInt8]? = nil) async throws -> BlobDigest {
        try await write(SingleBuffer(buffer: ByteBuffer(bytes: bytes)), maximumSize: maximumSize, expectedMD5: expectedMD5)
    }

    /// Removes temporary files left by writes that never finished (a crash mid-upload).
    public func removeTemporaryFiles() {
        let directory = root + "/tmp"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            unlink(directory + "/" + name)
        }
    }

    // MARK: Helpers

    private func createDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BlobError.io("cannot create the blob directory")
        }
    }

    private func writeSidecar(md5: String, for blobPath: String) throws {
        let temporary = root + "/tmp/" + UUID().uuidString.lowercased() + ".md5"
        guard FileManager.default.createFile(atPath: temporary, contents: Data((md5 + "\n").utf8)) else {
            throw BlobError.io("cannot write a checksum file")
        }
        guard rename(temporary, blobPath + ".md5") == 0 else {
            unlink(temporary)
            throw BlobError.io("cannot write a checksum file")
        }
    }

    private static func writeAll(_ descriptor: Int32, _ raw: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < raw.count {
            let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw BlobError.io("write failed (errno \(errno))")
            }
            offset += written
        }
    }

    private static func syncDirectory(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)  // best effort: the rename is durable on most filesystems after this
        close(descriptor)
    }

    /// Runs blocking work (fsync, whole-file reads) off the concurrency pool's threads.
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func bytes(fromHex hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

/// One buffer as an async sequence.
private struct SingleBuffer: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let buffer: ByteBuffer

    struct AsyncIterator: AsyncIteratorProtocol {
        var buffer: ByteBuffer?
        mutating func next() async throws -> ByteBuffer? {
            defer { buffer = nil }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }
}
