import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation
import Testing

/// What ``WandbAPIClient`` puts on the wire and how it reads odd answers, against the in-memory
/// origin of ``FaultInjectingProxy`` (which records every request).
@Suite("W&B API: wire")
struct WandbWireTests {
    static let key = "wire-" + String(repeating: "0123456789", count: 4)

    static func withOrigin(_ body: (FaultInjectingProxy, WandbAPIClient) async throws -> Void) async throws {
        let origin = try await FaultInjectingProxy.start()
        let http = HTTPClient()
        var policy = RetryPolicy()
        policy.configuration.maxAttempts = 2
        policy.configuration.baseDelay = .milliseconds(1)
        let api = WandbAPIClient(
            credentials: WandbCredentials(baseURL: origin.baseURL, apiKey: key), http: RetryingHTTPClient(client: http, policy: policy))
        do {
            try await body(origin, api)
        } catch {
            http.shutdown()
            try await origin.shutdown()
            throw error
        }
        http.shutdown()
        try await origin.shutdown()
    }

    @Test("The key goes as Basic api:KEY to GraphQL and file_stream, never to upload or download URLs")
    func keyOnlyWhereItBelongs() async throws {
        try await Self.withOrigin { origin, api in
            origin.inject(.respond(200, body: #"{"data":{"viewer":{"id":"u1","entity":"team","username":"me"}}}"#), pathPrefix: "/graphql")
            let viewer = try await api.viewer()
            #expect(viewer.entity == "team")
            var batch = FileStreamRequest()
            batch.history = .init(offset: 0, lines: [#"{"_step":0}"#])
            #expect(try await api.postFileStream(entity: "team", project: "p q", run: "r1", batch) == false)
            try await api.upload(.bytes([1, 2, 3]), to: origin.baseURL + "/storage/blob?sig=abc", headers: [HTTPHeader("Content-MD5", "x")])
            #expect(try await api.download(from: origin.baseURL + "/storage/blob?sig=abc") == [1, 2, 3])

            let basic = "Basic " + Data("api:\(Self.key)".utf8).base64EncodedString()
            let requests = origin.requests
            #expect(requests.map(\.path) == ["/graphql", "/files/team/p%20q/r1/file_stream", "/storage/blob", "/storage/blob"])
            #expect(requests[0].header("Authorization") == basic)
            #expect(requests[1].header("Authorization") == basic)
            #expect(requests[2].header("Authorization") == nil)
            #expect(requests[3].header("Authorization") == nil)
            #expect(requests[2].header("Content-MD5") == "x")
        }
    }

    @Test("GraphQL errors fail the call even when data is present, and are not retried")
    func graphQLErrors() async throws {
        try await Self.withOrigin { origin, api in
            origin.inject(
                .respond(200, body: #"{"data":{"viewer":null},"errors":[{"message":"boom"},{"message":"again"}]}"#), pathPrefix: "/graphql")
            let error = try await #require(throws: WandbAPIError.self) { _ = try await api.viewer() }
            #expect(error.kind == .graphQL)
            #expect(error.messages == ["boom", "again"])
            #expect(error.operation == "Viewer")
            #expect(origin.requests.count == 1)
        }
    }

    @Test("An answer that is not JSON is a malformed-answer error; a 500 that persists is an HTTP status error")
    func oddAnswers() async throws {
        try await Self.withOrigin { origin, api in
            origin.inject(.respond(200, body: "<html>proxy login</html>"), pathPrefix: "/graphql")
            let malformed = try await #require(throws: WandbAPIError.self) { _ = try await api.serverFeatures() }
            #expect(malformed.kind == .malformedAnswer)

            origin.inject(.respond(500, body: "down"), times: 2, pathPrefix: "/graphql")
            let failed = try await #require(throws: WandbAPIError.self) { _ = try await api.serverFeatures() }
            #expect(failed.kind == .httpStatus)
            #expect(failed.status == 500)
            #expect(!failed.description.contains(Self.key))
        }
    }

    @Test("file_stream reports a stop request")
    func fileStreamStopped() async throws {
        try await Self.withOrigin { origin, api in
            origin.inject(.respond(200, body: #"{"stopped":true}"#), pathPrefix: "/files/")
            let stopped = try await api.postFileStream(entity: "e", project: "p", run: "r", FileStreamRequest())
            #expect(stopped)
        }
    }

    @Test("A ServerFeaturesQuery body has no variables key; UpsertBucket sends the config in W&B's value wrapping")
    func requestBodies() async throws {
        try await Self.withOrigin { origin, api in
            // The origin stores each POST body under its path (and echoes it, which is no GraphQL answer).
            await #expect(throws: WandbAPIError.self) { _ = try await api.serverFeatures() }
            let features = try JSONParser.parse(try #require(origin.stored(at: "/graphql")))
            #expect(features["operationName"] == "ServerFeaturesQuery")
            #expect(features["variables"] == nil)

            await #expect(throws: WandbAPIError.self) {
                _ = try await api.upsertRun(RunUpsert(runID: "r1", project: "p", tags: ["t"], config: ["lr": 0.1]))
            }
            let upsert = try JSONParser.parse(try #require(origin.stored(at: "/graphql")))
            let variables = try #require(upsert["variables"])
            #expect(variables["name"] == "r1")
            #expect(variables["project"] == "p")
            #expect(variables["tags"] == ["t"])
            #expect(variables["id"] == nil)
            #expect(variables["entity"] == nil)
            #expect(try JSONParser.parse(try #require(variables["config"]?.stringValue)) == ["lr": ["value": 0.1]])
        }
    }
}
