import ArgumentParser
import Foundation

/// `cohort launch`: starts N local ranks of a command with the environment a launcher would set.
///
/// Each rank gets torchrun's variables (`RANK`, `WORLD_SIZE`, `LOCAL_RANK`, `LOCAL_WORLD_SIZE`,
/// `GROUP_RANK`, `MASTER_ADDR`, `TORCHELASTIC_RUN_ID`, `TORCHELASTIC_RESTART_COUNT`) plus
/// `COHORT_RUN_GROUP` and `COHORT_LEADER_PORT`, so `Launch.detect()` and training code written for
/// torchrun both see a single-node distributed job. When a rank fails, the others are stopped (as
/// torchrun does) and `cohort launch` exits with the failed rank's code; SIGINT and SIGTERM are
/// passed on to every rank.
struct LaunchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "launch",
        abstract: "Start N local ranks of a command, as torchrun would, in one Cohort group."
    )

    @Option(name: .short, help: "The number of ranks to start.")
    var n: Int

    @Option(name: .long, help: "The group name (default: $COHORT_RUN_GROUP when set, else launch-<random>).")
    var group: String?

    @Option(name: .long, help: "The port the group's leader listens on (default: a free port).")
    var leaderPort: Int?

    @Argument(parsing: .captureForPassthrough, help: "The command to run in every rank, after --.")
    var command: [String]

    func validate() throws {
        guard (1...1024).contains(n) else { throw ValidationError("-n must be between 1 and 1024") }
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        guard !arguments.isEmpty else { throw ValidationError("give the command to run after --") }
        if let group, group.isEmpty || group.contains("/") {
            throw ValidationError("--group must be non-empty and contain no '/'")
        }
        if group == nil, let inherited = Self.inheritedGroup(), inherited.contains("/") {
            throw ValidationError("COHORT_RUN_GROUP (the default of --group) must contain no '/'")
        }
    }

    func run() throws {
        let arguments = command.first == "--" ? Array(command.dropFirst()) : command
        let groupName = group ?? Self.inheritedGroup() ?? "launch-" + String(UUID().uuidString.lowercased().prefix(8))
        let port = try leaderPort ?? FreePort.find()
        let launcher = LocalRanks(worldSize: n, group: groupName, leaderPort: port, arguments: arguments)
        let status = try launcher.runToCompletion()
        throw ExitCode(status)
    }
}

extension LaunchCommand {
    /// The group of the environment (`COHORT_RUN_GROUP`, non-empty), the default of `--group`, so
    /// `cohort launch` keeps a group set by a config file or an outer job instead of replacing it.
    static func inheritedGroup(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["COHORT_RUN_GROUP"].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// Finds a TCP port on 127.0.0.1 that is free right now.
enum FreePort {
    static func find() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw ValidationError("cannot open a socket to find a free port") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw ValidationError("cannot bind a socket to find a free port") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw ValidationError("cannot read the port of a bound socket") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
