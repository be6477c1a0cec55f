import CohortModel
import Foundation

/// A file in a directory every rank can read, where the group's leader publishes the address it
/// listens on (and, for a job whose launcher gives no group id, the group it minted).
///
/// The leader writes `<directory>/<key>.leader` atomically with mode 0600 once it listens, and
/// removes it when the group finishes; ranks read it before every connection attempt, so a leader
/// that had to take another port, or a restarted job's new leader, is still found.
struct LeaderRendezvous: Sendable {
    /// What the leader publishes.
    struct Entry: Sendable, Equatable {
        var host: String
        var port: Int
        var group: String
        var pid: Int32
    }

    let path: String

    /// The file for `key` under `directory` (unsafe characters in the key become `-`).
    init(directory: String, key: String) {
        let safeKey = String(key.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "-" }.prefix(160))
        path = directory + "/" + safeKey + ".leader"
    }

    /// Publishes `entry`, creating the directory if needed.
    func publish(_ entry: Entry) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let value: JSONValue = [
            "host": .string(entry.host), "port": .int(Int64(entry.port)), "group": .string(entry.group),
            "pid": .int(Int64(entry.pid)),
        ]
        try AtomicFile.write(JSONWriter.bytes(value), to: path, permissions: 0o600)
    }

    /// The published entry, or `nil` when there is none (or it is not one of ours).
    func read() -> Entry? {
        guard let data = FileManager.default.contents(atPath: path), data.count < 64 * 1024,
            let value = try? JSONParser.parse([UInt8](data)),
            let host = value["host"]?.stringValue, !host.isEmpty,
            let port = value["port"]?.intValue, (1...65_535).contains(port),
            let group = value["group"]?.stringValue, !group.isEmpty
        else { return nil }
        let pid = value["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) } ?? 0
        let entry = Entry(host: host, port: Int(port), group: group, pid: pid)
        // A file left by a leader on this host that no longer exists is stale.
        if Self.isLoopback(host), pid > 0, kill(pid, 0) != 0, errno == ESRCH { return nil }
        return entry
    }

    /// Removes the file if it still holds this process's entry.
    func remove() {
        guard let entry = read(), entry.pid == getpid() else { return }
        unlink(path)
    }

    /// Polls until an entry appears or `timeout` passes.
    func wait(timeout: Duration) async -> Entry? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pause = Duration.milliseconds(20)
        while true {
            if let entry = read() { return entry }
            guard clock.now < deadline, !Task.isCancelled else { return nil }
            try? await Task.sleep(for: min(pause, deadline - clock.now))
            pause = min(pause * 2, .milliseconds(500))
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "127.0.0.1" || host == "localhost" || host == "::1"
    }
}
