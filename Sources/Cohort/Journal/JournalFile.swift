import CohortModel

import Glibc

/// The journal's file descriptor: append, fsync, and repair of a torn tail before appending again.
///
/// Used by one thread at a time (the run's start, then the journal writer).
struct JournalFile: Sendable {
    let path: String
    private let descriptor: Int32

    /// Opens (creating with the header when new) the journal at `path` for appending.
    /// `validLength`, when given, truncates a torn or corrupt tail found by the reader first.
    init(path: String, validLength: Int? = nil) throws(CohortError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .storage("cannot open the run journal \(path): \(Self.errorText()); check that the run directory is writable")
        }
        self.descriptor = descriptor
        let size = lseek(descriptor, 0, SEEK_END)
        if let validLength, validLength < size {
            guard ftruncate(descriptor, off_t(validLength)) == 0 else {
                Glibc.close(descriptor)
                throw .storage("cannot cut the damaged tail of \(path): \(Self.errorText())")
            }
        }
        let end = lseek(descriptor, 0, SEEK_END)
        if end < JournalFormat.headerSize {
            // New (or created just before a crash): start over with a header.
            _ = ftruncate(descriptor, 0)
            _ = lseek(descriptor, 0, SEEK_SET)
            if let error = write(JournalFormat.header).error {
                Glibc.close(descriptor)
                throw error
            }
        }
    }

    /// Writes `bytes` at the end of the file. On failure, `written` says how many bytes did reach the
    /// file, so a retry continues with the rest and never repeats part of a record.
    func write(_ bytes: [UInt8]) -> (written: Int, error: CohortError?) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let error = CohortError.storage(
                    "writing the run journal \(path) failed: \(Self.errorText()); free disk space, then call flush() again")
                return (written, error)
            }
            written += result
        }
        return (written, nil)
    }

    /// Forces written data to the disk.
    func sync() throws(CohortError) {
        guard fsync(descriptor) == 0 else {
            throw .storage("fsync of the run journal \(path) failed: \(Self.errorText())")
        }
    }

    func close() { _ = Glibc.close(descriptor) }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
