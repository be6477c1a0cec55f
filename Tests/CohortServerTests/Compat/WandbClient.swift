import CohortTestSupport
import Foundation
import Testing

/// The official `wandb` client (PyPI `wandb==0.31.0` in a virtualenv) for compatibility tests.
///
/// The virtualenv is `$COHORT_WANDB_VENV`, else `/opt/wandb-venv` (`.ci/run` creates it). In CI
/// (`CI` set) a missing client fails the tests instead of skipping them.
enum WandbClient {
    static var venv: String { ProcessInfo.processInfo.environment["COHORT_WANDB_VENV"] ?? "/opt/wandb-venv" }
    static var python: String { venv + "/bin/python" }
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python) }
    static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// The repository's `Tests/WandbCompat` directory (the Python scenarios).
    static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("WandbCompat").path

    /// Runs `script` from `Tests/WandbCompat` with `arguments` against `server`, in `directory`.
    static func run(
        _ script: String, arguments: [String] = [], server: ServerProcess, directory: String, extra: [String: String] = [:],
        timeout: Duration = .seconds(90)
    ) throws -> ChildProcess.Result {
        var environment = [
            "WANDB_BASE_URL": server.baseURL, "WANDB_API_KEY": server.adminKey, "WANDB_MODE": "online",
            "WANDB_DIR": directory, "WANDB_CACHE_DIR": directory + "/cache", "WANDB_CONFIG_DIR": directory + "/config",
            "WANDB_DATA_DIR": directory + "/data", "WANDB_SILENT": "true", "WANDB__DISABLE_STATS": "true",
            "WANDB_CONSOLE": "wrap", "HOME": directory,
            // The scenarios share helpers (`verdict.py`) next to them.
            "PYTHONPATH": scripts,
        ]
        environment.merge(extra) { $1 }
        // The test runner blocks some signals and children inherit its mask; wandb stops its
        // service process with signals, so the script starts with a clean mask.
        let bootstrap = "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
            + "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
        return try ChildProcess.run(
            python, ["-c", bootstrap, scripts + "/" + script] + arguments, environment: environment, directory: directory, timeout: timeout)
    }
}

/// A `cohort server` child process on a free loopback port with a known admin key.
final class ServerProcess {
    let process: ChildProcess.Running
    let baseURL: String
    let adminKey: String
    let dataDirectory: String

    /// Starts `cohort server --port 0` on `dataDirectory` and waits for its listening line.
    init(dataDirectory: String, arguments: [String] = []) throws {
        adminKey = "cohort-test-" + String(repeating: "a1b2c3d4", count: 6)
        self.dataDirectory = dataDirectory
        let output = dataDirectory + ".stdout"
        process = try ChildProcess.launch(
            "/bin/sh",
            ["-c", "d=\"$1\"; shift; exec \"$0\" server --port 0 --data \"$d\" \"$@\" > \"$d.stdout\" 2>&1", ChildProcess.product("cohort"), dataDirectory]
                + arguments,
            environment: ["COHORT_ADMIN_KEY": adminKey])
        guard process.waitForFile(output, containing: "listening on http://", timeout: .seconds(60)) else {
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            process.send(SIGKILL)
            throw ServerStartError(output: text)
        }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.contains("listening on http://") })
        baseURL = String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    /// Stops the server with SIGTERM and returns its exit status.
    @discardableResult
    func stop() throws -> Int32 {
        process.send(SIGTERM)
        return try process.wait(timeout: .seconds(30)).status
    }

    /// Everything the server printed.
    var output: String { (try? String(contentsOfFile: dataDirectory + ".stdout", encoding: .utf8)) ?? "" }
}

struct ServerStartError: Error, CustomStringConvertible {
    let output: String
    var description: String { "cohort server did not start:\n\(output)" }
}
