import CohortServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Bad input through the router: refused keys, malformed GraphQL and JSON, names that would escape
/// their run. Each case stores nothing, and no answer echoes the key it was sent.
@Suite("Faults: bad input through the router")
struct FaultRouterTests {
    @Test("a missing, unknown or garbled key is a 401 with a GraphQL-shaped error that never echoes the key")
    func refusedKeys() async throws {
        let harness = try await GraphQLHarness()
        let unknown = "cohort-" + String(repeating: "x", count: 48)
        for key in [unknown, "short", String?.none] {
            let answer = try await harness.post(WandbDocuments.upsertBucket, operationName: "UpsertBucket",
                                                variables: WandbDocuments.upsertBucketVariables, key: key)
            #expect(answer.status == .unauthorized)
            #expect(answer.errorMessages.count == 1, "\(answer.text)")
            if let key { #expect(!answer.text.contains(key)) }
        }
        // A header that is not Basic auth at all.
        let app = Application(router: CohortServerApp.makeRouter(services: harness.services))
        try await app.test(.router) { client in
            for header in ["Bearer " + unknown, "Basic !!!not-base64", "Basic " + Data("api".utf8).base64EncodedString()] {
                let response = try await client.execute(
                    uri: "/graphql", method: .post, headers: [.authorization: header, .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"query": "{ viewer { entity } }"}"#))
                #expect(response.status == .unauthorized, "\(header)")
                #expect(response.headers[.wwwAuthenticate] != nil)
                #expect(!String(buffer: response.body).contains(unknown))
            }
        }
        #expect(await harness.store.runs.isEmpty)
    }

    @Test("malformed JSON envelopes are 400 and store nothing", arguments: [
        "", "nul", "{", "[1, 2]", "\"query\"", #"{"query": 5}"#, #"{"query": null}"#, #"{"operationName": "UpsertBucket"}"#,
        #"{"query": "mutation { upsertBucket(input: {name: \"r\"}) { inserted } }", "variables": [1]}"#,
    ])
    func malformedJSON(body: String) async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(raw: body)
        #expect(answer.status == .badRequest, "\(answer.text)")
        #expect(!answer.errorMessages.isEmpty, "\(answer.text)")
        #expect(await harness.store.runs.isEmpty)
    }

    @Test("malformed GraphQL is an error without data and stores nothing", arguments: [
        "mutation {", "mutation { upsertBucket(input: {name: \"r\" }) { inserted }", "mutation { noSuchField }",
        "mutation { upsertBucket(input: {name: 5}) { inserted } }", "mutation { upsertBucket { inserted } }",
        "mutation M($n: String!) { upsertBucket(input: {name: $n}) { inserted } }",
        "mutation A { upsertBucket(input: {name: \"r\"}) { inserted } } mutation B { upsertBucket(input: {name: \"s\"}) { inserted } }",
        "subscription { viewer { entity } }",
    ])
    func malformedGraphQL(query: String) async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(query, operationName: nil)
        #expect([.ok, .badRequest].contains(answer.status), "\(answer.status)")
        #expect(!answer.errorMessages.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "upsertBucket", "inserted") == nil, "\(answer.text)")
        #expect(await harness.store.runs.isEmpty)
    }

    @Test("CreateRunFiles names that escape the run are a GraphQL error and announce nothing", arguments: [
        "../escape", "a/../../escape", "/etc/passwd", "a\u{0}b", "..", ".", "a//b", "a\\b", "", String(repeating: "n", count: 5000),
    ])
    func traversalInCreateRunFiles(name: String) async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        let variables = try JSONSerialization.data(withJSONObject: [
            "entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8", "files": ["fine.txt", name],
        ])
        let answer = try await harness.post(
            WandbDocuments.createRunFiles, operationName: "CreateRunFiles", variables: String(decoding: variables, as: UTF8.self))
        #expect(!answer.errorMessages.isEmpty, "\(answer.text)")
        #expect(answer.isNull("data", "createRunFiles"), "\(answer.text)")
        let key = RunKey(entity: "test-entity", project: "proto-research", name: "wa5l7hq8")
        #expect(try await harness.store.runFiles(key).isEmpty, "not even the good name is announced")
    }
}
