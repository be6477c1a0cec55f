import CohortModel
import Foundation
import Glibc
import Logging
import Synchronization

/// Copies files given to `Run.save` into the run's `files/` directory by policy, and records each
/// copy in the journal. `live` files are checked every `pollInterval` on the saver's own thread and
/// copied again when they change, so a large checkpoint never stalls the journal writer.
final class FileSaver: Sendable {
    private struct SavedFile: Sendable {
        var source: String
        var policy: SavePolicy
        var lastSize: Int64 = -1
        var lastModification: timespec = timespec()
        var copied = false
    }

    private struct State: Sendable {
        var files: [String: SavedFile] = [:]  // by destination name
        var tasks: [@Sendable () -> Void] = []
        var stopping = false
    }

    private let filesDirectory: String
    private let pollInterval: Duration
    private let logger: Logger
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let exited = DispatchSemaphore(value: 0)
    private let writer: JournalWriter

    init(filesDirectory: String, pollInterval: Duration, writer: JournalWriter, logger: Logger) {
        self.filesDirectory = filesDirectory
        self.writer = writer
        self.pollInterval = pollInterval
        self.logger = logger
    }

    func start() {
        let thread = Thread { [self] in
            self.loop()
            self.exited.signal()
        }
        thread.name = "cohort-files"
        thread.start()
    }

    /// Runs `task` on the saver's thread (metadata collection, which starts `git`).
    func perform(_ task: @escaping @Sendable () -> Void) {
        state.withLock { $0.tasks.append(task) }
        wake.signal()
    }

    func writeMetadata(_ collect: @escaping @Sendable () -> JSONValue) {
        let path = filesDirectory + "/wandb-metadata.json"
        perform { [logger] in
            do {
                try AtomicFile.write(JSONWriter.bytes(collect()), to: path)
            } catch {
                logger.warning("wandb-metadata.json not written", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Expands `glob` now and saves every match by `policy`; returns the paths under `files/`.
    func save(glob: String, basePath: String?, policy: SavePolicy) throws(CohortError) -> [String] {
        if glob.hasPrefix("gs://") || glob.hasPrefix("s3://") {
            logger.warning("save: cloud storage paths are not files; log them as artifact references instead", metadata: ["glob": "\(glob)"])
            return []
        }
        let savePath = try SavePath(glob: glob, basePath: basePath, currentDirectory: FileManager.default.currentDirectoryPath)
        if savePath.guessedBase {
            logger.warning(
                "save: an absolute glob without basePath keeps one parent directory",
                metadata: ["glob": "\(glob)", "base": "\(savePath.base)"])
        }
        var published: [String] = []
        for match in Self.expand(savePath.pattern) {
            let destination = savePath.destination(for: match)
            if policy != .end { try copy(from: match, to: destination, policy: policy) } else { record(destination, policy) }
            state.withLock { state in
                var file = state.files[destination] ?? SavedFile(source: match, policy: policy)
                file.source = match
                file.policy = policy
                if policy != .end, let info = Self.status(match) {
                    file.lastSize = info.size
                    file.lastModification = info.modification
                    file.copied = true
                }
                state.files[destination] = file
            }
            published.append(filesDirectory + "/" + destination)
        }
        return published
    }

    /// Copies `end` and `live` files a last time and stops the thread.
    func finish() {
        state.withLock { $0.stopping = true }
        wake.signal()
        exited.wait()
        let files = state.withLock { $0.files }
        for (destination, file) in files.sorted(by: { $0.key < $1.key }) where file.policy != .now {
            do {
                try copy(from: file.source, to: destination, policy: file.policy)
            } catch {
                logger.warning("saved file not copied at finish", metadata: ["file": "\(file.source)", "error": "\(error)"])
            }
        }
    }

    private func loop() {
        while true {
            _ = wake.wait(timeout: .now() + pollInterval.seconds)
            let (tasks, stopping) = state.withLock { state in
                defer { state.tasks = [] }
                return (state.tasks, state.stopping)
            }
            for task in tasks { task() }
            if stopping { return }
            pollLiveFiles()
        }
    }

    private func pollLiveFiles() {
        let live = state.withLock { $0.files.filter { $0.value.policy == .live } }
        for (destination, file) in live {
            guard let info = Self.status(file.source) else { continue }
            guard info.size != file.lastSize || info.modification != file.lastModification else { continue }
            do {
                try copy(from: file.source, to: destination, policy: .live)
                state.withLock { state in
                    state.files[destination]?.lastSize = info.size
                    state.files[destination]?.lastModification = info.modification
                }
            } catch {
                logger.warning("live file not copied", metadata: ["file": "\(file.source)", "error": "\(error)"])
            }
        }
    }

    private func copy(from source: String, to destination: String, policy: SavePolicy) throws(CohortError) {
        let target = filesDirectory + "/" + destination
        let directory = SavePath.parent(target)
        let temporary = target + ".cohort-tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: temporary) { try FileManager.default.removeItem(atPath: temporary) }
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
        } catch {
            throw .storage("cannot copy \(source) into the run: \(error.localizedDescription)")
        }
        guard rename(temporary, target) == 0 else {
            throw .storage("cannot place \(destination) in the run: \(String(cString: strerror(errno)))")
        }
        record(destination, policy, size: Self.status(target)?.size)
    }

    private func record(_ destination: String, _ policy: SavePolicy, size: Int64? = nil) {
        var payload: [String: JSONValue] = ["path": .string(destination), "policy": .string(policy.rawValue)]
        if let size { payload["size"] = .int(size) }
        writer.enqueue(.record(.file, payload))
    }

    /// Expands a glob as Python's `glob` does (no match for leading dots; sorted); regular files only.
    static func expand(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var matches: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var info = stat()
            if stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG { matches.append(path) }
        }
        return matches.sorted()
    }

    static func status(_ path: String) -> (size: Int64, modification: timespec)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int64(info.st_size), info.st_mtim)
    }
}

/// Compares two modification times.
private func != (lhs: timespec, rhs: timespec) -> Bool {
    lhs.tv_sec != rhs.tv_sec || lhs.tv_nsec != rhs.tv_nsec
}

extension Run {
    /// Saves files into the run's `files/` directory, as W&B's `save`.
    ///
    /// The glob is expanded now (files created later are not picked up). `now` copies the matches at
    /// once, `end` when the run finishes, and `live` now, again whenever a file changes, and at finish.
    /// ```swift
    /// try run.save("checkpoints/*.pt", policy: .live)
    /// ```
    /// - Returns: the paths of the saved files under `run.dir`.
    /// - Throws: `CohortError` `.invalidArgument` for a glob that leaves its base path, `.storage` when a
    ///   copy fails, `.runFinished` after `finish`.
    @discardableResult
    public func save(_ glob: String, basePath: String? = nil, policy: SavePolicy = .live) throws(CohortError) -> [String] {
        try ensureLive("save")
        guard let files else { return [] }
        return try files.save(glob: glob, basePath: basePath, policy: policy)
    }
}
