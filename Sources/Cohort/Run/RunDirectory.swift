import Foundation

/// A run's directory in W&B's layout: `<dir>/cohort/<offline-run|run>-<yyyyMMdd_HHmmss>-<id>/` with
/// the journal `run-<id>.journal`, `files/` and `logs/`, and a `latest-run` link beside it.
struct RunDirectory: Sendable {
    /// `<dir>/cohort`.
    let root: String
    /// The run's directory.
    let path: String
    let id: String

    var journalPath: String { path + "/run-\(id).journal" }
    var filesPath: String { path + "/files" }
    var logsPath: String { path + "/logs" }

    /// The directory for a new run (not created yet).
    static func new(root: String, id: String, mode: RunMode, date: Date) -> RunDirectory {
        let prefix = mode == .offline ? "offline-run" : "run"
        return RunDirectory(root: root, path: root + "/\(prefix)-\(timestamp(date))-\(id)", id: id)
    }

    /// The newest existing directory of run `id` under `root` that holds a journal, if any.
    static func existing(root: String, id: String) -> RunDirectory? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []  // no root: no runs
        let matches = entries.filter {
            ($0.hasPrefix("run-") || $0.hasPrefix("offline-run-")) && $0.hasSuffix("-" + id)
                && FileManager.default.fileExists(atPath: root + "/\($0)/run-\(id).journal")
        }
        // Names sort by their timestamp once the prefix is removed.
        let newest = matches.max { timestampPart($0) < timestampPart($1) }
        return newest.map { RunDirectory(root: root, path: root + "/" + $0, id: id) }
    }

    /// Every run directory under `root`, as (directory, id) pairs.
    static func all(root: String) -> [RunDirectory] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []  // no root: no runs
        return entries.sorted().compactMap { name in
            guard name.hasPrefix("run-") || name.hasPrefix("offline-run-") else { return nil }
            let parts = name.split(separator: "-", maxSplits: name.hasPrefix("offline") ? 3 : 2)
            guard let id = parts.last.map(String.init), !id.isEmpty else { return nil }
            let directory = RunDirectory(root: root, path: root + "/" + name, id: id)
            return FileManager.default.fileExists(atPath: directory.journalPath) ? directory : nil
        }
    }

    /// Creates the directories and points `latest-run` at this run.
    func create() throws(CohortError) {
        do {
            try FileManager.default.createDirectory(atPath: filesPath, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: logsPath, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create the run directory \(path): \(error.localizedDescription); pass a writable dir")
        }
        // Replace the link atomically so concurrent ranks never leave it missing.
        let link = root + "/latest-run"
        let temporary = link + ".tmp-\(getpid())"
        unlink(temporary)
        if symlink((path as NSString).lastPathComponent, temporary) == 0 {
            if rename(temporary, link) != 0 { unlink(temporary) }
        }
    }

    private static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d%02d%02d_%02d%02d%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    private static func timestampPart(_ name: String) -> String {
        name.hasPrefix("offline-") ? String(name.dropFirst("offline-".count)) : name
    }
}
