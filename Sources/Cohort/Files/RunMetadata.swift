import CohortModel
import Foundation
import Glibc

/// `wandb-metadata.json`: where and how the run was started (host, OS, Swift version, command line,
/// git commit and remote, start time, hardware), in the keys W&B uses where they exist.
enum RunMetadata {
    /// Gathers the cheap facts now and returns a closure that adds git facts (which run `git`) later,
    /// on the file saver's thread.
    static func collect(run: Run, settings: Settings) -> @Sendable () -> JSONValue {
        let arguments = CommandLine.arguments
        let root = FileManager.default.currentDirectoryPath
        let startedAt = ISO8601DateFormatter().string(from: run.startTime)
        var facts: [String: JSONValue] = [
            "os": .string(operatingSystem()),
            "swift": .string(swiftVersion),
            "host": .string(ProcessInfo.processInfo.hostName),
            "username": .string(ProcessInfo.processInfo.environment["USER"] ?? userName()),
            "program": .string(arguments.first ?? ""),
            "args": .array(arguments.dropFirst().map(JSONValue.string)),
            "executable": .string((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments.first ?? ""),  // not every system has /proc
            "root": .string(root),
            "startedAt": .string(startedAt),
            "cpu_count_logical": .int(Int64(ProcessInfo.processInfo.activeProcessorCount)),
            "memory": ["total": .int(Int64(ProcessInfo.processInfo.physicalMemory))],
            "pid": .int(Int64(getpid())),
            "cohort": .string(CohortVersion.current),
        ]
        if let disk = diskUsage(root) { facts["disk"] = .object(["/": disk]) }
        if let group = settings.group { facts["group"] = .string(group) }
        let base = facts
        return {
            var facts = base
            if let commit = git(["rev-parse", "HEAD"], in: root) {
                var gitFacts: [String: JSONValue] = ["commit": .string(commit)]
                if let remote = git(["config", "--get", "remote.origin.url"], in: root) { gitFacts["remote"] = .string(remote) }
                facts["git"] = .object(gitFacts)
            }
            return .object(facts)
        }
    }

    static var swiftVersion: String {
        #if compiler(>=6.4)
        "6.4"
        #elseif compiler(>=6.3)
        "6.3"
        #elseif compiler(>=6.2)
        "6.2"
        #elseif compiler(>=6.1)
        "6.1"
        #else
        "6.0"
        #endif
    }

    static func operatingSystem() -> String {
        var names = utsname()
        guard uname(&names) == 0 else { return "unknown" }
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return "\(text(names.sysname))-\(text(names.release))-\(text(names.machine))"
    }

    private static func userName() -> String {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return "" }
        return String(cString: name)
    }

    private static func diskUsage(_ path: String) -> JSONValue? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        let total = Int64(info.f_blocks) * Int64(info.f_frsize)
        let free = Int64(info.f_bfree) * Int64(info.f_frsize)
        return ["total": .int(total), "used": .int(total - free)]
    }

    /// Runs git quietly; `nil` when git is missing or the directory is not a repository.
    private static func git(_ arguments: [String], in directory: String) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", directory] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

/// The version of this Cohort build.
public enum CohortVersion {
    /// The version string, for example `0.1.0`.
    public static let current = "0.1.0"
}
