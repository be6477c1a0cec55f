import CohortModel

import Glibc

/// The journal's file descriptor: append, fsync, and repair of a torn tail before appending again.
///
/// Used by one thread at a time (the run's start, then the journal writer).
struct JournalFile: Sendable {
    let path: String
    private let descriptor: Int32

    /// Opens (creating with the header when new) the journal at `path` for appending, and takes an
    /// exclusive lock on it for the life of this process's run, so two processes can never append to
    /// one run. The lock goes away with the process, so a crashed run can be resumed.
    /// - Throws: `CohortError` `.runInUse` when another process holds the run, `.storage` otherwise.
    init(path: String) throws(CohortError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .storage("cannot open the run journal \(path): \(Self.errorText()); check that the run directory is writable")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw CohortError(
                .runInUse,
                "another process is writing run journal \(path); finish that process first, or start a run with another id")
        }
        self.descriptor = descriptor
        if lseek(descriptor, 0, SEEK_END) < JournalFormat.headerSize {
            // New (or created just before a crash): start over with a header.
            _ = ftruncate(descriptor, 0)
            if let error = write(JournalFormat.header).error {
                Glibc.close(descriptor)
                throw error
            }
        }
    }

    /// Cuts the file to `length` bytes: removes a torn or corrupt tail before appending again.
    func truncate(to length: Int) throws(CohortError) {
        guard length < lseek(descriptor, 0, SEEK_END) else { return }
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw .storage("cannot cut the damaged tail of \(path): \(Self.errorText())")
        }
    }

    /// Whether some process holds the journal at `path` open for writing (its run is live).
    static func isLocked(path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { Glibc.close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        _ = flock(descriptor, LOCK_UN)
        return false
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

    /// Releases the lock and closes the file. The lock is released explicitly: a child process
    /// forked at this moment shares the open file, and closing alone would leave the run locked until
    /// that child execs.
    func close() {
        _ = flock(descriptor, LOCK_UN)
        _ = Glibc.close(descriptor)
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
