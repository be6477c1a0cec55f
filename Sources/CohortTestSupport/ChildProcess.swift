public import Foundation

/// Starts the package's built executables (`cohort`, `example-train`, `cohort-fixture`) as child
/// processes for tests that need a real process: crashes, signals, console capture, the CLI.
public struct ChildProcess: Sendable {
    /// What a finished child left behind.
    public struct Result: Sendable {
        /// The exit status, or the signal number when `signaled`.
        public var status: Int32
        /// `true` when the child was ended by a signal (`status` is then the signal number).
        public var signaled: Bool
        /// Everything the child wrote to standard output.
        public var standardOutput: String
        /// Everything the child wrote to standard error.
        public var standardError: String
    }

    /// The directory that holds the built products (the test bundle's directory).
    public static var productsDirectory: String {
        // swift test runs the bundle from .build/<triple>/<configuration>/; the products sit beside it.
        let candidates = [CommandLine.arguments.first ?? "", Bundle.main.bundlePath, Bundle.main.executablePath ?? ""]
        for candidate in candidates where !candidate.isEmpty {
            var directory = URL(fileURLWithPath: candidate).deletingLastPathComponent()
            for _ in 0..<4 {
                if FileManager.default.fileExists(atPath: directory.appendingPathComponent("cohort-fixture").path) {
                    return directory.path
                }
                directory.deleteLastPathComponent()
            }
        }
        return FileManager.default.currentDirectoryPath + "/.build/debug"
    }

    /// The path of a built executable.
    public static func product(_ name: String) -> String { productsDirectory + "/" + name }

    /// Runs `executable` to completion.
    /// - Parameters:
    ///   - environment: variables added to (and overriding) the test process's environment.
    ///   - directory: the working directory.
    ///   - timeout: the child is killed (SIGKILL) when it runs longer.
    public static func run(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        directory: String? = nil, timeout: Duration = .seconds(120)
    ) throws -> Result {
        let process = try launch(executable, arguments, environment: environment, directory: directory)
        return try process.wait(timeout: timeout)
    }

    /// `run`, waiting on a thread of its own rather than a Swift concurrency thread. Use it when the
    /// child talks to something in this test process that answers on those threads (a
    /// ``FaultInjectingProxy``): with the blocking `run`, a few tests waiting at once can occupy every
    /// concurrency thread, the proxy never answers, and the child hangs until its timeout.
    public static func runDetached(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        directory: String? = nil, timeout: Duration = .seconds(120)
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Swift.Result {
                    try run(executable, arguments, environment: environment, directory: directory, timeout: timeout)
                })
            }.start()
        }
    }

    /// Starts `executable` and returns the running process.
    public static func launch(
        _ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
        directory: String? = nil
    ) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, output: output, error: error)
    }

    /// A child that is still running.
    public final class Running: @unchecked Sendable {
        // SAFETY: `process` and the pipes are used by one test at a time; `Process` itself is
        // thread-safe for the calls made here (pid, terminate, waitUntilExit).
        public let process: Process
        private let output: Pipe
        private let error: Pipe
        private let outputData = DataBox()
        private let errorData = DataBox()
        private let readers = DispatchGroup()

        init(process: Process, output: Pipe, error: Pipe) {
            self.process = process
            self.output = output
            self.error = error
            for (pipe, box) in [(output, outputData), (error, errorData)] {
                readers.enter()
                DispatchQueue.global().async { [readers] in
                    box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                    readers.leave()
                }
            }
        }

        /// The child's process id.
        public var pid: Int32 { process.processIdentifier }

        /// Sends `signal` to the child.
        public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Reads the child's standard output so far is not possible with pipes; instead wait for a
        /// file the child writes. This waits until `path` exists and contains `text`, or the timeout.
        public func waitForFile(_ path: String, containing text: String, timeout: Duration = .seconds(60)) -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let data = FileManager.default.contents(atPath: path), String(decoding: data, as: UTF8.self).contains(text) {
                    return true
                }
                if !process.isRunning { return false }
                usleep(5_000)
            }
            return false
        }

        /// Waits for the child to exit (killing it after `timeout`) and collects its output.
        public func wait(timeout: Duration = .seconds(120)) throws -> Result {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning && ContinuousClock.now < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
            readers.wait()
            return Result(
                status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
                standardOutput: String(decoding: outputData.data, as: UTF8.self),
                standardError: String(decoding: errorData.data, as: UTF8.self))
        }
    }
}

private final class DataBox: @unchecked Sendable {
    // SAFETY: written once by a reader before `DispatchGroup.leave`, read after `wait`.
    var data = Data()
}
