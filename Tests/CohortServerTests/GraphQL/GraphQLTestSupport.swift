import CohortServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// A router over the real SQLite store (`TestStore`) and three keys: one acting in `test-entity`, one in
/// `other-entity`, and an admin key.
struct GraphQLHarness: Sendable {
    static let userKey = "cohort-" + String(repeating: "u", count: 48)
    static let otherKey = "cohort-" + String(repeating: "o", count: 48)
    static let adminKey = "cohort-" + String(repeating: "a", count: 48)
    static let baseURL = "http://127.0.0.1:18080"

    let store: TestStore
    let services: ServerServices
    let signer: URLSigner

    init() async throws {
        store = try await TestStore()
        for (key, entity, admin) in [(Self.userKey, "test-entity", false), (Self.otherKey, "other-entity", false), (Self.adminKey, "admin", true)] {
            try await store.insertAPIKey(
                APIKeyRecord(
                    id: UUID().uuidString.lowercased(), secretHash: APIKeys.hash(key), label: "test", entity: entity,
                    isAdmin: admin, createdAt: Date()))
        }
        signer = URLSigner(secret: Array(repeating: 7, count: 32))
        var logger = Logger(label: "graphql-test")
        logger.logLevel = .warning
        services = ServerServices(
            configuration: ServerConfiguration(dataDirectory: "/nonexistent-cohort-test"), store: store,
            artifacts: store.artifactStore, signer: signer,
            logger: logger, baseURL: Self.baseURL)
    }

    /// The answer to one POST.
    struct Answer {
        let status: HTTPResponse.Status
        let text: String
        let json: [String: Any]

        /// The value at a path of object keys and array indexes.
        func value(_ path: Any...) -> Any? {
            jsonValue(json, at: path)
        }

        var data: [String: Any]? { json["data"] as? [String: Any] }
        var errors: [[String: Any]] { json["errors"] as? [[String: Any]] ?? [] }
        var errorMessages: [String] { errors.compactMap { $0["message"] as? String } }
        func isNull(_ path: Any...) -> Bool {
            var current: Any? = json
            for step in path {
                if let key = step as? String { current = (current as? [String: Any])?[key] }
                if let index = step as? Int { current = (current as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil } }
            }
            return current is NSNull
        }
    }

    /// Posts `body` (raw text) to `/graphql` with `key` as HTTP Basic password (none when `nil`).
    func post(raw body: String, key: String? = GraphQLHarness.userKey) async throws -> Answer {
        let app = Application(router: CohortServerApp.makeRouter(services: services))
        return try await app.test(.router) { client in
            var headers: HTTPFields = [.contentType: "application/json", .userAgent: "wandb-core"]
            if let key {
                headers[.authorization] = "Basic " + Data("api:\(key)".utf8).base64EncodedString()
            }
            let response = try await client.execute(
                uri: "/graphql", method: .post, headers: headers, body: ByteBuffer(string: body))
            let text = String(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            return Answer(status: response.status, text: text, json: json)
        }
    }

    /// Posts a GraphQL request. `variables` is JSON text (e.g. copied from the trace); `nil` leaves the
    /// key out, as wandb-core does for queries without variables. `operationName` `nil` leaves it out.
    func post(
        _ query: String, operationName: String?, variables: String? = nil, key: String? = GraphQLHarness.userKey
    ) async throws -> Answer {
        var envelope: [String: Any] = ["query": query]
        if let operationName { envelope["operationName"] = operationName }
        if let variables {
            envelope["variables"] = try JSONSerialization.jsonObject(with: Data(variables.utf8))
        }
        let data = try JSONSerialization.data(withJSONObject: envelope)
        return try await post(raw: String(decoding: data, as: UTF8.self), key: key)
    }

    /// Creates the trace's first run (`UpsertBucket` with the trace's variables).
    @discardableResult
    func upsertTraceRun() async throws -> Answer {
        try await post(WandbDocuments.upsertBucket, operationName: "UpsertBucket", variables: WandbDocuments.upsertBucketVariables)
    }
}

/// The value at a path of object keys and array indexes in a decoded JSON object.
func jsonValue(_ json: [String: Any], at path: [Any]) -> Any? {
    var current: Any? = json
    for step in path {
        if let key = step as? String {
            current = (current as? [String: Any])?[key]
        } else if let index = step as? Int, let array = current as? [Any], array.indices.contains(index) {
            current = array[index]
        } else {
            return nil
        }
    }
    return current
}
