import CohortTransport
import Foundation
import Synchronization

/// Hashes a file while a download is still writing it, and optionally copies it as it goes, so the
/// MD5 check (and the copy out of the cache) overlap the transfer instead of following it.
///
/// The downloader writes the file front to back; this reads behind it with `pread` (the bytes are
/// still in the page cache) on a thread of its own. `finish()` says the writer is done; the reader
/// then takes what is left and returns the digest.
final class GrowingFileHasher: Sendable {
    private let path: String
    private let copyPath: String?
    private let writerDone = Atomic<Bool>(false)

    /// - Parameters:
    ///   - path: the file being written (it may not exist yet).
    ///   - copyPath: where to write a copy of the bytes read, if anywhere (created or truncated).
    init(path: String, copyPath: String? = nil) {
        self.path = path
        self.copyPath = copyPath
    }

    /// Tells the reader that the writer has finished (successfully or not).
    func finish() { writerDone.store(true, ordering: .releasing) }

    /// Reads and hashes until the writer has finished and the file is read to its end; call it on a
    /// thread that may block (`OffPool`).
    /// - Returns: the MD5 of the whole file and the bytes read.
    /// - Throws: `CohortError.storage` when the file cannot be read or the copy cannot be written.
    func run() throws(CohortError) -> (md5: MD5.Digest, bytes: Int64) {
        var fd: Int32 = -1
        while fd < 0 {
            let done = writerDone.load(ordering: .acquiring)
            fd = open(path, O_RDONLY)
            if fd >= 0 { break }
            if done { throw .storage("the download \(path) was not written") }
            usleep(1000)
        }
        defer { close(fd) }
        var out: Int32 = -1
        if let copyPath {
            out = open(copyPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if out < 0 { throw .storage("cannot write \(copyPath): \(String(cString: strerror(errno)))") }
        }
        defer { if out >= 0 { close(out) } }

        var md5 = MD5()
        var offset: Int64 = 0
        let size = 4 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let done = writerDone.load(ordering: .acquiring)  // read before looking, so nothing is missed
            let count = pread(fd, buffer.baseAddress, size, off_t(offset))
            if count < 0 {
                if errno == EINTR { continue }
                throw .storage("cannot read the download \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 {
                if done { break }  // the writer had finished before this read found the end
                usleep(500)
                continue
            }
            let piece = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            md5.update(piece)
            if out >= 0 { try Self.writeAll(piece, to: out, path: copyPath ?? "") }
            offset += Int64(count)
        }
        return (md5.finalize(), offset)
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(CohortError) {
        var done = 0
        while done < bytes.count {
            let written = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                throw .storage("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += written
        }
    }
}
