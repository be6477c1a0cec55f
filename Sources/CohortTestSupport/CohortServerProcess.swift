internal import Foundation

/// A real `cohort server` child process on a free loopback port (`--port 0`), with its own data
/// directory and a known admin key, for tests that talk to the server over HTTP.
///
/// The `cohort` executable must be built (`swift build --build-tests` builds it).
///
/// ```swift
/// let directory = try TemporaryDirectory()
/// let server = try CohortServerProcess(dataDirectory: directory.appending("data"))
/// defer { _ = try? server.stop(); directory.remove() }
/// print(server.baseURL, server.adminKey)
/// ```
public final class CohortServerProcess: Sendable {
    /// The running child.
    public let process: ChildProcess.Running
    /// `http://127.0.0.1:PORT`, as the server printed it.
    public let baseURL: String
    /// The admin key the server was started with (`COHORT_ADMIN_KEY`).
    public let adminKey: String
    /// The server's `--data` directory.
    public let dataDirectory: String

    /// Starts `cohort server --port 0 --data DIR` and waits for its "listening on http://" line.
    /// - Parameters:
    ///   - dataDirectory: the data directory (created by the server); its output goes to `DIR.stdout`.
    ///   - arguments: more `cohort server` arguments.
    ///   - adminKey: the admin key; a fixed 40+ character test key by default.
    ///   - timeout: how long to wait for the server to listen.
    /// - Throws: ``CohortServerStartError`` with the server's output when it did not start.
    public init(
        dataDirectory: String, arguments: [String] = [], adminKey: String = "cohort-test-" + String(repeating: "a1b2c3d4", count: 6),
        timeout: Duration = .seconds(60)
    ) throws {
        self.adminKey = adminKey
        self.dataDirectory = dataDirectory
        let output = dataDirectory + ".stdout"
        process = try ChildProcess.launch(
            "/bin/sh",
            ["-c", "d=\"$1\"; shift; exec \"$0\" server --port 0 --data \"$d\" \"$@\" > \"$d.stdout\" 2>&1", ChildProcess.product("cohort"), dataDirectory]
                + arguments,
            environment: ["COHORT_ADMIN_KEY": adminKey])
        guard process.waitForFile(output, containing: "listening on http://", timeout: timeout) else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""  // the error reports what there is
            process.send(SIGKILL)
            throw CohortServerStartError(output: text)
        }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
            let start = line.range(of: "http://")
        else { throw CohortServerStartError(output: text) }
        baseURL = String(line[start.lowerBound...]).split(separator: " ").first.map(String.init) ?? ""
    }

    /// Stops the server with SIGTERM and returns its exit status.
    @discardableResult
    public func stop() throws -> Int32 {
        process.send(SIGTERM)
        return try process.wait(timeout: .seconds(30)).status
    }

    /// Everything the server printed so far.
    public var output: String {
        (try? String(contentsOfFile: dataDirectory + ".stdout", encoding: .utf8)) ?? ""  // empty before the first line
    }
}

/// `cohort server` did not print its listening line.
public struct CohortServerStartError: Error, CustomStringConvertible {
    /// What the server printed.
    public let output: String
    public var description: String { "cohort server did not start:\n\(output)" }

    /// Creates the error with what the server printed.
    public init(output: String) { self.output = output }
}
