import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation

/// A real `cohort server` on loopback with a ``WandbAPIClient`` that holds its admin key.
struct LiveServer {
    let directory: TemporaryDirectory
    let server: CohortServerProcess
    let http: HTTPClient
    let api: WandbAPIClient

    /// Runs `body` against a fresh server and stops it afterwards.
    static func with<T>(_ body: (LiveServer) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory(prefix: "cohort-wandbapi")
        let server: CohortServerProcess
        do {
            server = try CohortServerProcess(dataDirectory: directory.appending("data"))
        } catch {
            directory.remove()
            throw error
        }
        let http = HTTPClient()
        var policy = RetryPolicy()
        policy.configuration.maxAttempts = 3
        policy.configuration.baseDelay = .milliseconds(100)
        let live = LiveServer(
            directory: directory, server: server, http: http,
            api: WandbAPIClient(
                credentials: WandbCredentials(baseURL: server.baseURL, apiKey: server.adminKey),
                http: RetryingHTTPClient(client: http, policy: policy)))
        defer {
            http.shutdown()
            _ = try? server.stop()  // best effort: the directory goes next
            directory.remove()
        }
        return try await body(live)
    }

    /// A client of the same server with another key.
    func client(apiKey: String) -> WandbAPIClient {
        WandbAPIClient(credentials: WandbCredentials(baseURL: server.baseURL, apiKey: apiKey), http: api.http)
    }

    /// Writes `bytes` to a new file in the test directory and returns its path.
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory.appending(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Creates run `runID` in `project` and returns the server's answer.
    func run(_ runID: String, project: String = "transport-tests") async throws -> UpsertedRun {
        try await api.upsertRun(RunUpsert(runID: runID, project: project))
    }
}

/// Bytes that differ from position to position (so a misplaced part shows).
func patternBytes(count: Int, seed: UInt8 = 7) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed) &+ ($0 >> 8)) }
}
