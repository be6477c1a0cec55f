import CohortServer
import Foundation
import HTTPTypes
import Testing

/// The HTTP envelope and the GraphQL features the Python side of the client relies on
/// (`wandb-protocol.md` §1): empty `operationName`, missing `variables`, fragments, directives,
/// `__typename`, default variable values; and how failures are answered.
@Suite("GraphQL: envelope and errors")
struct GraphQLEnvelopeTests {
    @Test("operationName \"\" or missing means the document's single operation")
    func emptyOperationName() async throws {
        let harness = try await GraphQLHarness()
        let empty = try await harness.post(WandbDocuments.viewer, operationName: "")
        #expect(empty.errors.isEmpty, "\(empty.text)")
        #expect(empty.value("data", "viewer", "entity") as? String == "test-entity")
        let missing = try await harness.post(WandbDocuments.serverFeatures, operationName: nil)
        #expect(missing.text == #"{"data":{"serverInfo":{"features":[]}}}"#)
        let null = try await harness.post(raw: #"{"query": "{ viewer { entity } }", "operationName": null, "variables": null}"#)
        #expect(null.text == #"{"data":{"viewer":{"entity":"test-entity"}}}"#)
    }

    @Test("fragments, @include/@skip, __typename and default variable values")
    func pythonStyleDocument() async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        let query = """
            query ProjectAndRun($entity: String, $project: String!, $run: String!, $withTags: Boolean = true, $hideNotes: Boolean = true) {
                project(name: $project, entityName: $entity) {
                    __typename
                    ...ProjectFragment
                    run(name: $run) {
                        __typename
                        ...RunFragment
                        tags @include(if: $withTags)
                        notes @skip(if: $hideNotes)
                    }
                }
                viewer { ... on User { __typename entity } }
            }
            fragment ProjectFragment on Project { id name entity { __typename name } }
            fragment RunFragment on Run { id name displayName config }
            """
        let answer = try await harness.post(
            query, operationName: "",
            variables: #"{"entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8"}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "project", "__typename") as? String == "Project")
        #expect(answer.value("data", "project", "name") as? String == "proto-research")
        #expect(answer.value("data", "project", "entity", "__typename") as? String == "Entity")
        #expect(answer.value("data", "project", "run", "__typename") as? String == "Run")
        #expect(answer.value("data", "project", "run", "name") as? String == "wa5l7hq8")
        #expect(answer.value("data", "project", "run", "tags") as? [String] == ["t1", "t2"])
        #expect(answer.value("data", "project", "run", "notes") == nil)
        #expect(answer.value("data", "project", "run", "config") is String)
        #expect(answer.value("data", "viewer", "__typename") as? String == "User")

        // Overriding the defaults flips the directives.
        let flipped = try await harness.post(
            query, operationName: nil,
            variables: #"{"entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8", "withTags": false, "hideNotes": false}"#)
        #expect(flipped.value("data", "project", "run", "tags") == nil)
        #expect(flipped.value("data", "project", "run", "notes") as? String == "research run")
    }

    @Test("introspection shows W&B's type names")
    func introspection() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(
            #"{ __schema { queryType { name } mutationType { name } types { name } } }"#, operationName: nil)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "__schema", "queryType", "name") as? String == "Query")
        #expect(answer.value("data", "__schema", "mutationType", "name") as? String == "Mutation")
        let names = Set((answer.value("data", "__schema", "types") as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        for name in ["User", "Entity", "Project", "Run", "File", "JSONString", "Duration", "AlertSeverity", "UpsertBucketInput"] {
            #expect(names.contains(name), "\(name)")
        }
    }

    @Test("a project without runs is null; a run that does not exist is null")
    func missingProjectAndRun() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(
            #"{ project(name: "nothing-here") { id } model(name: "nothing-here") { name bucket(name: "x") { id } } }"#,
            operationName: nil)
        #expect(answer.text == #"{"data":{"project":null,"model":{"name":"nothing-here","bucket":null}}}"#)
    }

    @Test("JSONString also accepts an object and stores its JSON text")
    func jsonStringFromObject() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(
            WandbDocuments.upsertBucket, operationName: "UpsertBucket",
            variables: #"{"name": "objcfg", "project": "p", "config": {"lr": {"value": 0.5}}}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let config = try #require(answer.value("data", "upsertBucket", "bucket", "config") as? String)
        let object = try JSONSerialization.jsonObject(with: Data(config.utf8)) as? [String: [String: Double]]
        #expect(object?["lr"]?["value"] == 0.5)
    }

    @Test("a body that is not the JSON envelope is HTTP 400 with a JSON error", arguments: [
        "not json", "{", "[]", #"{"operationName": "Viewer"}"#, #"{"query": 5}"#, #"{"query": "{ viewer { id } }", "variables": "x"}"#,
    ])
    func malformedBody(body: String) async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(raw: body)
        #expect(answer.status == .badRequest)
        #expect(answer.errorMessages.first?.isEmpty == false, "\(answer.text)")
    }

    @Test("syntax errors, unknown fields, bad variables and unknown operations are GraphQL errors with 200")
    func graphQLErrors() async throws {
        let harness = try await GraphQLHarness()
        for (query, name, variables) in [
            ("query Viewer { viewer { id ", "Viewer", nil),
            ("query Viewer { viewer { noSuchField } }", "Viewer", nil),
            (WandbDocuments.organizationCoreWeave, "OrganizationCoreWeaveOrganizationID", "{}"),
            (WandbDocuments.viewer, "NotInTheDocument", nil),
            ("query A { viewer { id } } query B { viewer { id } }", "", nil),
            (WandbDocuments.notifyScriptableRunAlert, "NotifyScriptableRunAlert",
             #"{"entityName": "e", "projectName": "p", "runName": "r", "title": "t", "text": "x", "severity": "LOUD"}"#),
        ] as [(String, String, String?)] {
            let answer = try await harness.post(query, operationName: name, variables: variables)
            #expect(answer.status == .ok, "\(query)")
            #expect(!answer.errorMessages.isEmpty, "\(query): \(answer.text)")
        }
    }

    @Test("without an API key the answer is 401 and nothing runs")
    func unauthorized() async throws {
        let harness = try await GraphQLHarness()
        let none = try await harness.post(WandbDocuments.viewer, operationName: "Viewer", key: nil)
        #expect(none.status == .unauthorized)
        let wrong = try await harness.upsertTraceRun(key: "cohort-" + String(repeating: "x", count: 48))
        #expect(wrong.status == .unauthorized)
        #expect(await harness.store.runs.isEmpty)
    }

    @Test("an unavailable store is HTTP 503 (retried by the client); other store errors are GraphQL errors")
    func storeErrors() async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        // Every store call but the key lookup fails: the answer comes from the GraphQL route.
        await harness.store.fail(with: StoreError(.unavailable, "database is locked"))
        let down = try await harness.upsertTraceRun()
        #expect(down.status == .serviceUnavailable)
        #expect(down.errorMessages.first?.contains("retry") == true, "\(down.text)")
        let downRead = try await harness.post(
            WandbDocuments.runResumeStatus, operationName: "RunResumeStatus", variables: WandbDocuments.runResumeVariables)
        #expect(downRead.status == .serviceUnavailable)

        await harness.store.fail(with: nil)
        let invalid = try await harness.post(
            WandbDocuments.upsertBucket, operationName: "UpsertBucket",
            variables: #"{"name": "badcfg", "project": "p", "config": "not json"}"#)
        #expect(invalid.status == .ok)
        #expect(invalid.errorMessages.first?.contains("JSON") == true, "\(invalid.text)")

        let missing = try await harness.post(
            WandbDocuments.notifyScriptableRunAlert, operationName: "NotifyScriptableRunAlert",
            variables: #"{"entityName": "test-entity", "projectName": "proto-research", "runName": "nope", "title": "t", "text": "x"}"#)
        #expect(missing.status == .ok)
        #expect(missing.errorMessages.first?.contains("not found") == true, "\(missing.text)")
    }
}
