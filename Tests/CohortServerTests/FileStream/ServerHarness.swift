@testable import CohortServer
import CohortTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A server over the real SQLite store (`TestStore`) and a temporary data directory, with one API key for
/// `test-entity` and one for `other-entity`.
struct ServerHarness: Sendable {
    static let entity = "test-entity"
    static let project = "proto-research"

    let directory: TemporaryDirectory
    let store: TestStore
    let services: ServerServices
    let key: String
    let otherKey: String

    static func make(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> ServerHarness {
        let directory = try TemporaryDirectory(prefix: "cohort-server")
        var configuration = ServerConfiguration(dataDirectory: directory.path)
        configure(&configuration)
        let store = try await TestStore()
        let key = APIKeys.generate()
        let otherKey = APIKeys.generate()
        try await store.insertAPIKey(APIKeyRecord(
            id: "k1", secretHash: APIKeys.hash(key), label: "test", entity: entity, isAdmin: false, createdAt: Date()))
        try await store.insertAPIKey(APIKeyRecord(
            id: "k2", secretHash: APIKeys.hash(otherKey), label: "other", entity: "other-entity", isAdmin: false,
            createdAt: Date()))
        let signer = URLSigner(secret: Array(repeating: 7, count: 32))
        var logger = Logger(label: "cohort-server-test")
        logger.logLevel = .warning
        let services = ServerServices(
            configuration: configuration, store: store, artifacts: store.artifactStore, signer: signer, logger: logger,
            baseURL: "http://localhost:8080")
        return ServerHarness(directory: directory, store: store, services: services, key: key, otherKey: otherKey)
    }

    func runKey(_ name: String) -> RunKey { RunKey(entity: Self.entity, project: Self.project, name: name) }

    @discardableResult
    func createRun(_ name: String) async throws -> RunRecord {
        try await store.upsertRun(RunUpsert(key: runKey(name)), at: Date()).run
    }

    func application() -> some ApplicationProtocol {
        Application(router: CohortServerApp.makeRouter(services: services), logger: services.logger)
    }

    /// The same routes behind a real HTTP server on a free loopback port (for `.live` tests).
    func liveApplication() -> some ApplicationProtocol {
        Application(
            router: CohortServerApp.makeRouter(services: services),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: services.logger)
    }

    func authorization(_ key: String? = nil) -> HTTPFields {
        let token = Data("api:\(key ?? self.key)".utf8).base64EncodedString()
        return [.authorization: "Basic \(token)", .contentType: "application/json"]
    }

    static func fileStreamURI(_ run: String, entity: String = entity) -> String {
        "/files/\(entity)/\(project)/\(run)/file_stream"
    }

    /// The path and query of a signed URL (what the client requests).
    func signedPathAndQuery(method: String, key: RunKey, name: String, now: Date = Date()) -> String {
        let url = services.runFileURL(method: method, key: key, name: name, now: now)
        return String(url.dropFirst(services.baseURL.count))
    }
}
