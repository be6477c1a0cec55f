@testable import CohortServer
import CohortTestSupport
import Foundation
import Testing

/// The artifact read fields `wandb.Api()` 0.31 asks (`docs/wandb-api-queries.md`, "Artifacts"),
/// through the router over a real SQLite store: a producer run logs two versions of `ds` (dataset)
/// and one of `weights` (model); a consumer run uses `ds:v0`.
@Suite("GraphQL artifact read queries of wandb.Api()")
struct ArtifactReadQueriesTests {
    struct Seeded {
        let harness: GraphQLHarness
        let v0: String
        let v1: String
        let model: String
    }

    static func seeded() async throws -> Seeded {
        let harness = try await GraphQLHarness()
        var date = Date(timeIntervalSince1970: 1_700_000_000)
        for name in ["producer", "consumer"] {
            _ = try await harness.store.upsertRun(RunUpsert(key: RunKey(entity: "test-entity", project: "lab", name: name)), at: date)
        }
        let producer = RunKey(entity: "test-entity", project: "lab", name: "producer")
        let artifacts = harness.store.artifactStore
        var ids: [String] = []
        for (collection, type, digest, aliases) in [("ds", "dataset", "d0", ["gold"]), ("ds", "dataset", "d1", []), ("weights", "model", "w0", [])] {
            date += 60
            let created = try await artifacts.createArtifact(
                ArtifactCreation(
                    entity: "test-entity", project: "lab", type: type, collection: collection, digest: digest, createdBy: producer,
                    aliases: ["latest"] + aliases), at: date)
            _ = try await artifacts.commitArtifact(id: created.artifact.id, at: date)
            ids.append(created.artifact.id)
        }
        try await artifacts.recordUse(
            artifactID: ids[0], by: RunKey(entity: "test-entity", project: "lab", name: "consumer"), usedAs: nil, at: date + 60)
        return Seeded(harness: harness, v0: ids[0], v1: ids[1], model: ids[2])
    }

    @Test("artifact types, one type, its collections and a collection by type: only what exists, with the collection fragment's fields")
    func typesAndCollections() async throws {
        let seeded = try await Self.seeded()
        let answer = try await seeded.harness.post(
            """
            query {
              project(name: "lab", entityName: "test-entity") {
                artifactTypes(first: 10) { edges { node { id name description createdAt } } pageInfo { endCursor hasNextPage } }
                dataset: artifactType(name: "dataset") {
                  name
                  artifactCollections(first: 10) { totalCount edges { node { __typename name createdAt updatedAt description
                    type: defaultArtifactType { name } tags { edges { node { name } } } project { name entity { name } } } } }
                  ds: artifactCollection(name: "ds") { name }
                  weights: artifactCollection(name: "weights") { name }
                }
                missing: artifactType(name: "nope") { name }
                artifactCollections(first: 1) { totalCount edges { node { name } } pageInfo { hasNextPage } }
              }
            }
            """, operationName: nil)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let types = answer.value("data", "project", "artifactTypes", "edges") as? [[String: Any]] ?? []
        #expect(types.compactMap { ($0["node"] as? [String: Any])?["name"] as? String } == ["dataset", "model"])
        #expect(answer.value("data", "project", "artifactTypes", "edges", 0, "node", "createdAt") as? String == "2023-11-14T22:14:20")
        #expect(answer.value("data", "project", "dataset", "artifactCollections", "totalCount") as? Int == 1)
        let ds = answer.value("data", "project", "dataset", "artifactCollections", "edges", 0, "node") as? [String: Any]
        #expect(ds?["__typename"] as? String == "ArtifactSequence" && ds?["name"] as? String == "ds")
        #expect(ds?["createdAt"] as? String == "2023-11-14T22:14:20" && ds?["updatedAt"] as? String == "2023-11-14T22:15:20")
        #expect(answer.value("data", "project", "dataset", "artifactCollections", "edges", 0, "node", "type", "name") as? String == "dataset")
        #expect((answer.value("data", "project", "dataset", "artifactCollections", "edges", 0, "node", "tags", "edges") as? [Any])?.isEmpty == true)
        #expect(answer.value("data", "project", "dataset", "ds", "name") as? String == "ds")
        #expect(answer.isNull("data", "project", "dataset", "weights"), "a collection of another type is not found under this type")
        #expect(answer.isNull("data", "project", "missing"))
        #expect(answer.value("data", "project", "artifactCollections", "totalCount") as? Int == 2)
        #expect(answer.value("data", "project", "artifactCollections", "pageInfo", "hasNextPage") as? Bool == true)
    }

    @Test("a collection's committed versions newest first with their version, its aliases by id, and files filtered by name")
    func versionsAliasesAndFiles() async throws {
        let seeded = try await Self.seeded()
        let answer = try await seeded.harness.post(
            """
            query {
              project(name: "lab", entityName: "test-entity") {
                artifactType(name: "dataset") { artifactCollection(name: "ds") { id
                  artifacts(first: 10, filters: "{\\"state\\":\\"COMMITTED\\"}") { totalCount edges { version node { id versionIndex } } } } }
              }
            }
            """, operationName: nil)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let edges = answer.value("data", "project", "artifactType", "artifactCollection", "artifacts", "edges") as? [[String: Any]] ?? []
        #expect(edges.compactMap { $0["version"] as? String } == ["v1", "v0"])
        #expect(edges.compactMap { ($0["node"] as? [String: Any])?["id"] as? String } == [seeded.v1, seeded.v0])
        let id = try #require(answer.value("data", "project", "artifactType", "artifactCollection", "id") as? String)

        let aliases = try await seeded.harness.post(
            "query ($id: ID!) { artifactCollection(id: $id) { __typename aliases(first: 100) { edges { node { alias } } } } }",
            operationName: nil, variables: #"{"id": "\#(id)"}"#)
        let names = (aliases.value("data", "artifactCollection", "aliases", "edges") as? [[String: Any]] ?? [])
            .compactMap { ($0["node"] as? [String: Any])?["alias"] as? String }
        #expect(Set(names) == ["latest", "gold"], "\(aliases.text)")
        let other = try await seeded.harness.post(
            "query ($id: ID!) { artifactCollection(id: $id) { name } }", operationName: nil, variables: #"{"id": "\#(id)"}"#,
            key: GraphQLHarness.otherKey)
        #expect(other.isNull("data", "artifactCollection"), "another entity's collection is not found")
        let bogus = try await seeded.harness.post(
            "query { artifactCollection(id: \"bm9wZQ==\") { name } }", operationName: nil)
        #expect(bogus.errors.isEmpty && bogus.isNull("data", "artifactCollection"))

        let artifacts = seeded.harness.store.artifactStore
        for name in ["a.txt", "sub/b.csv"] {
            let md5 = Data(repeating: UInt8(name.count), count: 16).base64EncodedString()
            let announced = try await artifacts.announceArtifactFile(
                ArtifactFileRecord(artifactID: seeded.v0, name: name, md5: md5, birthArtifactID: seeded.v0, storagePath: "\(seeded.v0)/\(name.count)"))
            try await artifacts.storeArtifactFile(storagePath: announced.file.storagePath, blobDigest: String(repeating: "cd", count: 32), size: name.count)
        }
        let files = try await seeded.harness.post(
            """
            query ($names: [String!]) { project(name: "lab", entityName: "test-entity") { artifactCollection(name: "ds") {
              artifactMembership(aliasName: "gold") { files(names: $names, first: 50) { edges { node {
                id name: displayName url sizeBytes storagePath mimetype updatedAt digest md5 directUrl } } } } } } }
            """, operationName: nil, variables: #"{"names": ["sub/b.csv"]}"#)
        #expect(files.errors.isEmpty, "\(files.text)")
        let nodes = (files.value("data", "project", "artifactCollection", "artifactMembership", "files", "edges") as? [[String: Any]] ?? [])
            .compactMap { $0["node"] as? [String: Any] }
        #expect(nodes.compactMap { $0["name"] as? String } == ["sub/b.csv"], "only the named file")
        #expect(nodes.first?["sizeBytes"] as? Int == 9 && nodes.first?["md5"] as? String == Data(repeating: 9, count: 16).base64EncodedString())
        let url = nodes.first?["directUrl"] as? String ?? ""
        #expect(url.hasPrefix(GraphQLHarness.baseURL) && nodes.first?["url"] as? String == url, "a signed GET URL: \(url)")
        let all = try await seeded.harness.post(
            """
            query { project(name: "lab", entityName: "test-entity") { artifactCollection(name: "ds") {
              artifactMembership(aliasName: "v0") { files(names: null) { edges { node { name: displayName } } } } } } }
            """, operationName: nil)
        #expect((all.value("data", "project", "artifactCollection", "artifactMembership", "files", "edges") as? [Any])?.count == 2, "\(all.text)")
    }

    @Test("a run's logged and used versions, a version's producer and users")
    func lineage() async throws {
        let seeded = try await Self.seeded()
        let answer = try await seeded.harness.post(
            """
            query ($id: ID!) {
              project(name: "lab", entityName: "test-entity") {
                producer: run(name: "producer") {
                  out: outputArtifacts(first: 10) { totalCount edges { node { id artifactType { name } } } }
                  in: inputArtifacts(first: 10) { totalCount }
                }
                consumer: run(name: "consumer") { in: inputArtifacts { edges { node { id } } } }
              }
              artifact(id: $id) {
                createdBy { __typename ... on Run { name project { name entity { name } } } }
                usedBy { edges { node { name } } }
              }
            }
            """, operationName: nil, variables: #"{"id": "\#(seeded.v0)"}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let out = answer.value("data", "project", "producer", "out", "edges") as? [[String: Any]] ?? []
        #expect(out.compactMap { ($0["node"] as? [String: Any])?["id"] as? String } == [seeded.v0, seeded.v1, seeded.model])
        #expect(answer.value("data", "project", "producer", "out", "edges", 2, "node", "artifactType", "name") as? String == "model")
        #expect(answer.value("data", "project", "producer", "in", "totalCount") as? Int == 0)
        #expect(answer.value("data", "project", "consumer", "in", "edges", 0, "node", "id") as? String == seeded.v0)
        #expect(answer.value("data", "artifact", "createdBy", "__typename") as? String == "Run")
        #expect(answer.value("data", "artifact", "createdBy", "name") as? String == "producer")
        #expect(answer.value("data", "artifact", "createdBy", "project", "entity", "name") as? String == "test-entity")
        #expect(answer.value("data", "artifact", "usedBy", "edges", 0, "node", "name") as? String == "consumer")
        #expect((answer.value("data", "artifact", "usedBy", "edges") as? [Any])?.count == 1)
    }
}
