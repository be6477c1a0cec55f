import Foundation

/// The official `wandb` client (PyPI `wandb==0.31.0` in a virtualenv) for compatibility tests.
///
/// The virtualenv is `$COHORT_WANDB_VENV`, else `/opt/wandb-venv` (`.ci/run` creates it). In CI
/// (`CI` set) a missing client fails the tests instead of skipping them.
public enum WandbClient {
    public static var venv: String { ProcessInfo.processInfo.environment["COHORT_WANDB_VENV"] ?? "/opt/wandb-venv" }
    public static var python: String { venv + "/bin/python" }
    public static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: python) }
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] != nil }

    /// The repository's `Tests/WandbCompat` directory (the Python scenarios).
    public static let scripts = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/WandbCompat").path

    /// Runs `script` from `Tests/WandbCompat` with `arguments` against `server`, in `directory`.
    public static func run(
        _ script: String, arguments: [String] = [], server: CohortServerProcess, directory: String, extra: [String: String] = [:],
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
