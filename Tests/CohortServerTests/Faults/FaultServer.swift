@testable import CohortServer
import CohortTestSupport
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A `cohort server` child process on a fixed loopback port (so it can be killed and restarted on the
/// same port and data directory), with a known admin key. Each start logs to `<data>.start<N>.log`.
final class FaultServer {
    let dataDirectory: String
    let port: Int
    let adminKey = "cohort-fault-" + String(repeating: "k9x8w7v6", count: 6)
    private(set) var process: ChildProcess.Running?
    private var starts = 0

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(dataDirectory: String, port: Int? = nil) throws {
        self.dataDirectory = dataDirectory
        self.port = try port ?? Self.freePort()
    }

    /// Starts the server and waits for its listening line.
    func start(arguments: [String] = []) throws {
        starts += 1
        let log = "\(dataDirectory).start\(starts).log"
        let process = try ChildProcess.launch(
            "/bin/sh",
            ["-c", "log=\"$1\"; shift; exec \"$0\" \"$@\" > \"$log\" 2>&1", ChildProcess.product("cohort"), log,
             "server", "--port", "\(port)", "--data", dataDirectory] + arguments,
            environment: ["COHORT_ADMIN_KEY": adminKey])
        self.process = process
        guard process.waitForFile(log, containing: "listening on http://", timeout: .seconds(60)) else {
            process.send(SIGKILL)
            throw CohortServerStartError(output: output)
        }
    }

    /// SIGKILL: no graceful shutdown, no flushing.
    func kill9() throws {
        guard let process else { return }
        process.send(SIGKILL)
        _ = try process.wait(timeout: .seconds(10))
        self.process = nil
    }

    /// SIGTERM and the exit status.
    @discardableResult
    func stop() throws -> Int32 {
        guard let process else { return 0 }
        process.send(SIGTERM)
        self.process = nil
        return try process.wait(timeout: .seconds(30)).status
    }

    /// Everything every start printed, in order.
    var output: String {
        (1...max(starts, 1)).map { (try? String(contentsOfFile: "\(dataDirectory).start\($0).log", encoding: .utf8)) ?? "" }
            .joined(separator: "\n")
    }

    /// Runs `cohort server keys …` on this data directory.
    func keys(_ arguments: [String]) throws -> ChildProcess.Result {
        try ChildProcess.run(
            ChildProcess.product("cohort"), ["server", "keys"] + arguments + ["--data", dataDirectory], timeout: .seconds(60))
    }

    /// Opens the data directory's store (for reading what the server stored once it stopped).
    func openStore() async throws -> any RunStore {
        let configuration = ServerConfiguration(dataDirectory: dataDirectory)
        return try await CohortServerApp.openStore(configuration: configuration, logger: Logger(label: "fault-test"))
    }

    /// A loopback port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound, "bind to a free port")
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// HTTP through `curl` (what a shell user would type; no client library involved).
enum Curl {
    struct Answer {
        let status: Int
        let body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        var errorMessages: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String } }
    }

    /// `method url` with HTTP Basic `api:key` (when given) and `body` (text, or `@file`).
    static func request(
        _ method: String, _ url: String, key: String? = nil, body: String? = nil, headers: [String] = []
    ) throws -> Answer {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-curl-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var arguments = ["-sS", "--path-as-is", "-X", method, "-o", output, "-w", "%{http_code}", "--max-time", "60"]
        if let key { arguments += ["-u", "api:\(key)"] }
        for header in headers { arguments += ["-H", header] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        let result = try ChildProcess.run("/usr/bin/curl", arguments + [url], timeout: .seconds(90))
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        return Answer(status: Int(result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, body: text)
    }

    /// A GraphQL POST of `query` with `variables` (JSON text).
    static func graphql(_ server: FaultServer, _ query: String, variables: String = "{}", key: String?) throws -> Answer {
        let envelope = try JSONSerialization.data(withJSONObject: [
            "query": query, "variables": try JSONSerialization.jsonObject(with: Data(variables.utf8)),
        ])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cohort-gql-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try envelope.write(to: URL(fileURLWithPath: file))
        return try request("POST", server.baseURL + "/graphql", key: key, body: "@" + file)
    }
}

/// The official client against a `FaultServer` (same environment as `WandbClient.run`).
enum FaultClient {
    static func environment(_ server: FaultServer, key: String, directory: String, extra: [String: String]) -> [String: String] {
        var environment = [
            "WANDB_BASE_URL": server.baseURL, "WANDB_API_KEY": key, "WANDB_MODE": "online",
            "WANDB_DIR": directory, "WANDB_CACHE_DIR": directory + "/cache", "WANDB_CONFIG_DIR": directory + "/config",
            "WANDB_DATA_DIR": directory + "/data", "WANDB_SILENT": "true", "WANDB__DISABLE_STATS": "true",
            "WANDB_CONSOLE": "wrap", "HOME": directory,
        ]
        environment.merge(extra) { $1 }
        return environment
    }

    static let bootstrap = "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
        + "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"

    /// Starts `script` from `Tests/WandbCompat` (does not wait).
    static func launch(
        _ script: String, server: FaultServer, key: String, directory: String, extra: [String: String] = [:]
    ) throws -> ChildProcess.Running {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try ChildProcess.launch(
            WandbClient.python, ["-c", bootstrap, WandbClient.scripts + "/" + script],
            environment: environment(server, key: key, directory: directory, extra: extra), directory: directory)
    }

    /// The last JSON line the script printed.
    static func report(_ result: ChildProcess.Result) throws -> [String: Any] {
        let line = try #require(
            result.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") },
            "no JSON line; status \(result.status)\n\(result.standardError)\n\(result.standardOutput)")
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}
