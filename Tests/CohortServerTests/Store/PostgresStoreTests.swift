import CohortModel
import CohortTestSupport
import Foundation
import Logging
import PostgresNIO
import Testing

@testable import CohortServer

/// The PostgreSQL-specific parts: the `--database` URL, and a live `cohort server --database`.
/// (Everything a store does is in `RunStoreConformance`, which runs on PostgreSQL too.)
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("postgres:// and postgresql:// URLs: user, password, host, port, database, sslmode")
    func parseURL() throws {
        let full = try PostgresSettings.parse("postgres://alice:s%40cret@db.example:6543/cohort?sslmode=require")
        #expect(full.username == "alice")
        #expect(full.password == "s@cret")
        #expect(full.host == "db.example")
        #expect(full.port == 6543)
        #expect(full.database == "cohort")
        #expect(full.sslMode == .require)
        #expect(!full.description.contains("s@cret") && !full.description.contains("s%40cret"))

        let short = try PostgresSettings.parse("postgresql://bob@localhost/metrics?sslmode=disable")
        #expect(short.port == 5432)
        #expect(short.password == nil)
        #expect(short.sslMode == .disable)
        #expect(try PostgresSettings.parse("postgres://bob:pw@localhost").database == nil)
        #expect(try PostgresSettings.parse("postgres://bob:pw@localhost/db").sslMode == .prefer)
    }

    @Test("a malformed URL is .invalid and its message never shows the password", arguments: [
        "postgres://alice:hunter2secret@/cohort",
        "postgres://:hunter2secret@host/cohort",
        "postgres://alice:hunter2secret@host/cohort?sslmode=sometimes",
        "postgres://alice:hunter2secret@host/cohort?password=x",
        "postgres://alice:hunter2secret@host:99999/cohort",
        "postgres://alice:hunter2secret@host/a/b",
        "postgres://alice:hunter2secret@ho st/cohort",
    ])
    func malformedURL(url: String) async throws {
        do {
            _ = try PostgresSettings.parse(url)
            Issue.record("\(url) parsed")
        } catch {
            #expect(error.code == .invalid)
            #expect(!error.description.contains("hunter2secret"), "\(error)")
        }
        // And through the factory the server uses.
        var configuration = ServerConfiguration(dataDirectory: "/nonexistent")
        configuration.databaseURL = url
        do {
            _ = try await StoreFactory.open(configuration: configuration, logger: .quiet)
            Issue.record("\(url) opened")
        } catch let error as StoreError {
            #expect(error.code == .invalid)
            #expect(!error.description.contains("hunter2secret"), "\(error)")
        }
    }

    @Test("a wrong password or an unreachable server is .unavailable, without the password")
    func connectionFailures() async throws {
        let port = 1  // tcpmux: nothing listens there
        do {
            _ = try await PostgresRunStore.open(
                settings: PostgresSettings.parse("postgres://cohort:hunter2secret@127.0.0.1:\(port)/x?sslmode=disable"),
                logger: .quiet)
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.hasPrefix("the database is unavailable"))
            #expect(!error.description.contains("hunter2secret"))
        }
        guard PostgresTestDatabase.enabled else { return }
        var settings = try PostgresTestDatabase.settings()
        settings.password = "hunter2secret-wrong"
        do {
            _ = try await PostgresRunStore.open(settings: settings, logger: .quiet)
            Issue.record("connected with a wrong password")
        } catch {
            #expect(error.code == .unavailable)
            #expect(error.message.contains("authentication failed"), "\(error)")
            #expect(!error.description.contains("hunter2secret"))
        }
    }

    @Test(
        "cohort server --database postgres://… starts, /healthz answers, the admin key works; a bad password is a clear error",
        .enabled(if: PostgresTestDatabase.enabled))
    func serverOnPostgres() async throws {
        try await PostgresTestDatabase.withPublicSchema { url in try await Self.checkServer(url: url) }
    }

    private static func checkServer(url: String) async throws {
        let settings = try PostgresTestDatabase.settings()
        let directory = try TemporaryDirectory(prefix: "cohort-pg-server")
        defer { directory.remove() }
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"), arguments: ["--database", url])
        defer { _ = try? server.stop() }

        let health = try ChildProcess.run("/usr/bin/curl", ["-s", "-S", "--max-time", "20", server.baseURL + "/healthz"])
        #expect(health.status == 0, "\(health.standardError)")
        #expect(health.standardOutput == "ok")

        let body = JSONWriter.string(.object(["query": .string(WandbDocuments.viewer), "operationName": .string("Viewer")]))
        let viewer = try ChildProcess.run(
            "/usr/bin/curl",
            ["-s", "-S", "--max-time", "20", "-u", "api:\(server.adminKey)", "-H", "Content-Type: application/json",
             "--data-binary", body, server.baseURL + "/graphql"])
        #expect(viewer.status == 0, "\(viewer.standardError)")
        let answer = try JSONParser.parse(viewer.standardOutput)
        #expect(answer["data"]?["viewer"]?["entity"]?.stringValue == "admin", "\(viewer.standardOutput)")

        let denied = try ChildProcess.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20", "-u", "api:wrong-key-" + String(repeating: "x", count: 40),
             "-H", "Content-Type: application/json", "--data-binary", body, server.baseURL + "/graphql"])
        #expect(denied.standardOutput == "401")
        // (The test password may be a common word such as the user name: look for the URL's form of it.)
        #expect(!server.output.contains(":\(settings.password ?? "\u{0}")@"), "the server printed the database password")

        // The metadata is in PostgreSQL: the admin key's hash is in the public schema.
        let keys = try await Self.query(settings, "SELECT count(*) AS n FROM api_keys WHERE entity = 'admin'")
        #expect(keys == 1)

        // A bad password: the server does not start, says why, and never prints the password.
        var bad = URLComponents(string: url)!
        bad.password = "hunter2-not-the-password"
        let failed = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["server", "--port", "0", "--data", directory.appending("bad"), "--database", bad.string!],
            environment: ["COHORT_ADMIN_KEY": server.adminKey], timeout: .seconds(60))
        let output = failed.standardOutput + failed.standardError
        #expect(failed.status != 0)
        #expect(output.contains("authentication failed"), "\(output)")
        #expect(!output.contains("hunter2-not-the-password"), "\(output)")
        #expect(!output.contains("listening on"))
    }

    // MARK: Helpers

    static func query(_ settings: PostgresSettings, _ sql: String) async throws -> Int? {
        try await withConnection(settings) { connection in
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: .quiet) {
                return try row.decode(Int.self)
            }
            return nil
        }
    }

    static func withConnection<T: Sendable>(
        _ settings: PostgresSettings, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await PostgresConnection.connect(
            configuration: try settings.connectionConfiguration(), id: 1, logger: .quiet)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
