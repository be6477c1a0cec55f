import ArgumentParser
import Foundation
import Glibc

/// The processes of one `cohort launch`: starts them, passes signals on, stops the rest when one fails.
///
/// Uses `posix_spawn` and `waitpid` directly: the main thread waits for the ranks, so it is also the
/// thread that receives SIGINT and SIGTERM and passes them on.
struct LocalRanks {
    let worldSize: Int
    let group: String
    let leaderPort: Int
    let arguments: [String]

    /// The environment of rank `rank`: the parent's, plus what torchrun would set.
    func environment(rank: Int) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        let values: [String: String] = [
            "RANK": "\(rank)", "WORLD_SIZE": "\(worldSize)", "LOCAL_RANK": "\(rank)",
            "LOCAL_WORLD_SIZE": "\(worldSize)", "GROUP_RANK": "0", "GROUP_WORLD_SIZE": "1",
            "ROLE_RANK": "\(rank)", "ROLE_WORLD_SIZE": "\(worldSize)", "MASTER_ADDR": "127.0.0.1",
            "TORCHELASTIC_RUN_ID": group, "TORCHELASTIC_RESTART_COUNT": "0", "COHORT_RUN_GROUP": group,
            "COHORT_LEADER_PORT": "\(leaderPort)",
        ]
        for (key, value) in values { environment[key] = value }
        return environment
    }

    /// Starts every rank and waits for all of them; returns the exit status to exit with: 0, or the
    /// status of the first rank that failed (128 + signal for a rank killed by a signal).
    func runToCompletion() throws -> Int32 {
        let executable = try Self.resolve(arguments[0])
        var pids: [pid_t] = []
        for rank in 0..<worldSize {
            do {
                pids.append(try Self.spawn(executable, arguments, environment: environment(rank: rank)))
            } catch {
                for pid in pids { kill(pid, SIGTERM) }
                throw error
            }
        }
        let forwarding = [SIGINT, SIGTERM].map { SignalForwarding($0, to: pids) }
        // Receive them on this thread even if the process that started us had them blocked.
        var handled = sigset_t()
        sigemptyset(&handled)
        sigaddset(&handled, SIGINT)
        sigaddset(&handled, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        defer { forwarding.forEach { $0.restore() } }

        var running = Set(pids)
        var firstFailure: Int32?
        while !running.isEmpty {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                break
            }
            guard running.remove(pid) != nil else { continue }
            let code = Self.exitStatus(status)
            if code != 0 && firstFailure == nil {
                firstFailure = code
                for other in running { kill(other, SIGTERM) }
            }
        }
        return firstFailure ?? 0
    }

    private static func spawn(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> pid_t {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // Ranks start with no blocked signals and default handlers, whatever this process inherited
        // (a parent may have blocked SIGTERM in the thread that started us).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signalNumber in [SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGPIPE] { sigaddset(&defaults, signalNumber) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, nil, &attributes, argv, envp)
        guard result == 0 else {
            throw ValidationError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// A wait status as a shell reports it.
    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Finds `name` on PATH unless it is a path already.
    static func resolve(_ name: String) throws -> String {
        if name.contains("/") { return name }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ValidationError("\(name) is not on PATH")
    }
}

/// A SIGINT or SIGTERM handler that sends the signal on to the launched ranks.
struct SignalForwarding {
    static let capacity = 1024
    // SAFETY: filled before the handlers are installed and only read by them afterwards; a signal
    // handler cannot take a lock, so the pids live in plain memory that is never freed.
    nonisolated(unsafe) static let targets: UnsafeMutablePointer<pid_t> = {
        let pointer = UnsafeMutablePointer<pid_t>.allocate(capacity: capacity)
        pointer.initialize(repeating: 0, count: capacity)
        return pointer
    }()

    let signalNumber: Int32

    init(_ signalNumber: Int32, to pids: [pid_t]) {
        self.signalNumber = signalNumber
        for (index, pid) in pids.prefix(Self.capacity).enumerated() { Self.targets[index] = pid }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { received in
            for index in 0..<SignalForwarding.capacity {
                let pid = SignalForwarding.targets[index]
                if pid == 0 { break }
                kill(pid, received)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: waitpid returns EINTR and the loop goes on
        sigaction(signalNumber, &action, nil)
    }

    func restore() { signal(signalNumber, SIG_DFL) }
}
