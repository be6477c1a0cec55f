@testable import CohortServer
import CohortTestSupport
import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The artifact flow through the router with the documents wandb 0.31.0 sends (`wandb-protocol.md`
/// §2.5, §2.7, §5): create, manifest (twice), files (single part and multipart), PUTs, multipart
/// completion, commit, per-file de-dup, and the download side (manifest and file URLs, ranges).
@Suite("artifact GraphQL operations and signed artifact URLs")
struct ArtifactRoutesTests {
    static let createArtifact = """
        mutation CreateArtifact ($input: CreateArtifactInput!) {
        	createArtifact(input: $input) {
        		... CreatedArtifact
        	}
        }
        fragment CreatedArtifact on CreateArtifactPayload {
        	artifact {
        		id
        		state
        		artifactSequence {
        			latestArtifact {
        				id
        			}
        		}
        	}
        }
        """
    static let createManifest = """
        mutation CreateArtifactManifest ($artifactID: ID!, $baseArtifactID: ID, $name: String!, $digest: String!, $entityName: String!, $projectName: String!, $runName: String!, $manifestType: ArtifactManifestType!, $includeUpload: Boolean!) {
        	createArtifactManifest(input: {artifactID:$artifactID,baseArtifactID:$baseArtifactID,name:$name,digest:$digest,entityName:$entityName,projectName:$projectName,runName:$runName,type:$manifestType}) {
        		artifactManifest {
        			id
        			file {
        				id
        				uploadUrl @include(if: $includeUpload)
        				uploadHeaders @include(if: $includeUpload)
        			}
        		}
        	}
        }
        """
    static let createFiles = """
        mutation CreateArtifactFiles ($input: CreateArtifactFilesInput!) {
        	createArtifactFiles(input: $input) {
        		files {
        			edges {
        				node {
        					storagePath
        					uploadUrl
        					uploadHeaders
        					uploadMultipartUrls {
        						uploadID
        						uploadUrlParts {
        							partNumber
        							uploadUrl
        						}
        					}
        					artifact {
        						id
        					}
        				}
        			}
        		}
        	}
        }
        """
    static let complete = """
        mutation CompleteMultipartUploadArtifact ($completeMultipartAction: CompleteMultipartAction!, $completedParts: [UploadPartsInput!]!, $artifactID: ID!, $storagePath: String!, $uploadID: String!) {
        	completeMultipartUploadArtifact(input: {completeMultipartAction:$completeMultipartAction,completedParts:$completedParts,artifactID:$artifactID,storagePath:$storagePath,uploadID:$uploadID}) {
        		digest
        	}
        }
        """
    static let commit = """
        mutation CommitArtifact ($artifactID: ID!) {
        	commitArtifact(input: {artifactID:$artifactID}) {
        		artifact {
        			id
        			digest
        		}
        	}
        }
        """
    static let useCore = """
        mutation UseArtifact ($input: UseArtifactInput!) {
        	useArtifact(input: $input) {
        		artifact {
        			id
        		}
        	}
        }
        """
    static let usePython = """
        mutation UseArtifact($entityName: String!, $projectName: String!, $runName: String!, $artifactID: ID!, $usedAs: String) {
            useArtifact(input: {entityName: $entityName, projectName: $projectName, runName: $runName, artifactID: $artifactID, usedAs: $usedAs}) {
                artifact { id digest description state createdAt metadata }
            }
        }
        """
    static let fragments = """
        fragment ArtifactAliasFragment on ArtifactAlias { __typename id alias }
        fragment ArtifactFragment on Artifact {
          __typename id artifactSequence { ...SourceCollectionInfoFragment } versionIndex artifactType { name } description
          metadata ttlDurationSeconds ttlIsInherited tags { ...TagFragment } historyStep state size digest
          digestAlgorithm @include(if: true) commitHash fileCount createdAt updatedAt
          aliases @include(if: $includeAliases) { artifactCollection { ...CollectionInfoFragment } ...ArtifactAliasFragment }
        }
        fragment CollectionInfoFragment on ArtifactCollection { __typename name project { ...ProjectInfoFragment } }
        fragment ProjectInfoFragment on Project { id internalId name entity { name } }
        fragment SourceCollectionInfoFragment on ArtifactSequence { __typename name project { ...ProjectInfoFragment } }
        fragment TagFragment on Tag { __typename id name }
        """
    static let membershipByName = """
        query ArtifactMembershipByName($entity: String!, $project: String!, $name: String!, $includeAliases: Boolean = false) {
          project(name: $project, entityName: $entity) {
            artifactCollectionMembership(name: $name) {
              __typename id versionIndex createdAt aliases { ...ArtifactAliasFragment }
              artifactCollection { ...CollectionInfoFragment } artifact { ...ArtifactFragment }
            }
          }
        }
        """ + fragments
    static let byID = """
        query ArtifactByID($id: ID!, $includeAliases: Boolean = true) { artifact(id: $id) { ...ArtifactFragment } }
        """ + fragments
    static let artifactType = """
        query ArtifactType($entity: String, $project: String, $name: String!) {
          project(name: $project, entityName: $entity) { artifact(name: $name) { artifactType { name } } }
        }
        """
    static let fetchManifest = """
        query FetchArtifactManifest($id: ID!) { artifact(id: $id) { currentManifest { ...DeferredManifestFragment } } }
        fragment DeferredManifestFragment on ArtifactManifest { file { directUrl } }
        """
    static let fileURLs = """
        query GetArtifactMembershipFileUrls($entity: String!, $project: String!, $collection: String!, $alias: String!, $cursor: String, $perPage: Int) {
          project(name: $project, entityName: $entity) {
            artifactCollection(name: $collection) {
              __typename
              artifactMembership(aliasName: $alias) {
                files(after: $cursor, first: $perPage) {
                  pageInfo { ...PageInfoFragment }
                  edges { node { ...FileWithUrlFragment } }
                }
              }
            }
          }
        }
        fragment FileWithUrlFragment on File { __typename name directUrl }
        fragment PageInfoFragment on PageInfo { __typename endCursor hasNextPage }
        """

    // MARK: Helpers

    struct Answer {
        let json: [String: Any]
        func value(_ path: Any...) -> Any? {
            jsonValue(json, at: path)
        }
        var errors: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String } }
    }

    static func gql(
        _ client: some TestClientProtocol, _ harness: ServerHarness, _ query: String, _ variables: [String: Any],
        operationName: String = ""
    ) async throws -> Answer {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables, "operationName": operationName])
        let response = try await client.execute(
            uri: "/graphql", method: .post, headers: harness.authorization(), body: ByteBuffer(bytes: Array(body)))
        let json = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any] ?? [:]
        return Answer(json: json)
    }

    /// The path and query of an absolute URL the server handed out.
    static func relative(_ url: Any?, _ harness: ServerHarness) throws -> String {
        let text = try #require(url as? String)
        #expect(text.hasPrefix(harness.services.baseURL))
        return String(text.dropFirst(harness.services.baseURL.count))
    }

    static func md5(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.MD5.hash(data: bytes)) }
    static func md5Hex(_ bytes: [UInt8]) -> String { md5(bytes).map { String(format: "%02x", $0) }.joined() }
    static func md5Base64(_ bytes: [UInt8]) -> String { Data(md5(bytes)).base64EncodedString() }

    static func create(
        _ client: some TestClientProtocol, _ harness: ServerHarness, digest: String, aliases: [String]
    ) async throws -> Answer {
        try await gql(client, harness, createArtifact, [
            "input": [
                "entityName": ServerHarness.entity, "projectName": ServerHarness.project, "artifactTypeName": "dataset",
                "artifactCollectionName": "ds", "artifactCollectionNames": NSNull(), "runName": "run1", "digest": digest,
                "digestAlgorithm": "MANIFEST_MD5", "description": "tiny", "metadata": "{\"rows\":1}",
                "aliases": aliases.map { ["alias": $0, "artifactCollectionName": "ds"] }, "clientID": "c1",
                "sequenceClientID": "s1", "enableDigestDeduplication": true, "historyStep": 3, "labels": NSNull(),
                "distributedID": NSNull(), "storageRegion": NSNull(), "ttlDurationSeconds": NSNull(), "clientMutationId": NSNull(),
            ] as [String: Any]
        ], operationName: "CreateArtifact")
    }

    static func manifestVariables(_ artifactID: String, digest: String, includeUpload: Bool) -> [String: Any] {
        ["artifactID": artifactID, "baseArtifactID": NSNull(), "name": "wandb_manifest.json", "digest": digest,
         "entityName": ServerHarness.entity, "projectName": ServerHarness.project, "runName": "run1", "manifestType": "FULL",
         "includeUpload": includeUpload]
    }

    // MARK: Tests

    @Test("two versions: single-part and multipart uploads, per-file de-dup, commit, aliases, downloads with ranges")
    func fullFlow() async throws {
        let harness = try await ServerHarness.make()
        defer { harness.directory.remove() }
        try await harness.createRun("run1")
        try await harness.createRun("run2")
        let small = Array("hello artifact\n".utf8)
        let big = (0..<2500).map { UInt8(($0 * 7) % 256) }
        let partSize = 1000
        let parts = stride(from: 0, to: big.count, by: partSize).map { Array(big[$0..<min($0 + partSize, big.count)]) }

        try await harness.application().test(.router) { client in
            let missing = try await Self.gql(client, harness, Self.artifactType, [
                "entity": ServerHarness.entity, "project": ServerHarness.project, "name": "ds:latest"])
            #expect(missing.errors.isEmpty, "\(missing.errors)")
            #expect(missing.value("data", "project", "artifact") is NSNull)

            // v0
            let created = try await Self.create(client, harness, digest: "digest-0", aliases: ["best", "latest"])
            #expect(created.errors.isEmpty, "\(created.errors)")
            let v0 = try #require(created.value("data", "createArtifact", "artifact", "id") as? String)
            #expect(created.value("data", "createArtifact", "artifact", "state") as? String == "PENDING")
            #expect(created.value("data", "createArtifact", "artifact", "artifactSequence", "latestArtifact") is NSNull)

            let reserve = try await Self.gql(client, harness, Self.createManifest, Self.manifestVariables(v0, digest: "", includeUpload: false))
            #expect(reserve.errors.isEmpty, "\(reserve.errors)")
            let manifestID = try #require(reserve.value("data", "createArtifactManifest", "artifactManifest", "id") as? String)
            #expect(reserve.value("data", "createArtifactManifest", "artifactManifest", "file", "uploadUrl") == nil)

            let files = try await Self.gql(client, harness, Self.createFiles, [
                "input": [
                    "storageLayout": "V2", "clientMutationId": NSNull(), "cloudRegionID": NSNull(),
                    "artifactFiles": [
                        ["artifactID": v0, "artifactManifestID": manifestID, "name": "sub/big.bin", "md5": Self.md5Base64(big),
                         "mimetype": NSNull(),
                         "uploadPartsInput": parts.enumerated().map { ["partNumber": $0.offset + 1, "hexMD5": Self.md5Hex($0.element)] }],
                        ["artifactID": v0, "artifactManifestID": manifestID, "name": "a.txt", "md5": Self.md5Base64(small),
                         "mimetype": NSNull(), "uploadPartsInput": NSNull()],
                    ] as [[String: Any]],
                ] as [String: Any]
            ])
            #expect(files.errors.isEmpty, "\(files.errors)")
            let edges = try #require(files.value("data", "createArtifactFiles", "files", "edges") as? [[String: Any]])
            #expect(edges.count == 2)
            #expect(files.value("data", "createArtifactFiles", "files", "edges", 1, "node", "artifact", "id") as? String == v0)
            #expect(files.value("data", "createArtifactFiles", "files", "edges", 1, "node", "uploadHeaders") as? [String]
                == ["Content-MD5:\(Self.md5Base64(small))"])
            #expect(files.value("data", "createArtifactFiles", "files", "edges", 1, "node", "uploadMultipartUrls") is NSNull)

            // Single part PUT (a wrong body is refused first).
            let smallURL = try Self.relative(files.value("data", "createArtifactFiles", "files", "edges", 1, "node", "uploadUrl"), harness)
            let wrong = try await client.execute(uri: smallURL, method: .put, body: ByteBuffer(string: "other bytes"))
            #expect(wrong.status == .badRequest)
            let put = try await client.execute(
                uri: smallURL, method: .put, headers: [BlobRoutes.contentMD5: Self.md5Base64(small)], body: ByteBuffer(bytes: small))
            #expect(put.status == .ok)
            #expect(put.headers[.eTag] == "\"\(Self.md5Hex(small))\"")

            // Multipart: parts in reverse order, ETags kept quoted for completion.
            let upload = try #require(files.value("data", "createArtifactFiles", "files", "edges", 0, "node", "uploadMultipartUrls") as? [String: Any])
            let uploadID = try #require(upload["uploadID"] as? String)
            let partURLs = try #require(upload["uploadUrlParts"] as? [[String: Any]])
            #expect(partURLs.compactMap { $0["partNumber"] as? Int } == [1, 2, 3])
            var eTags: [Int: String] = [:]
            for entry in partURLs.reversed() {
                let number = try #require(entry["partNumber"] as? Int)
                let response = try await client.execute(
                    uri: try Self.relative(entry["uploadUrl"], harness), method: .put,
                    headers: [BlobRoutes.contentMD5: Self.md5Base64(parts[number - 1]), .contentType: ""],
                    body: ByteBuffer(bytes: parts[number - 1]))
                #expect(response.status == .ok)
                eTags[number] = try #require(response.headers[.eTag])
            }
            #expect(eTags[1] == "\"\(Self.md5Hex(parts[0]))\"")
            let storagePath = try #require(files.value("data", "createArtifactFiles", "files", "edges", 0, "node", "storagePath") as? String)
            func completion(_ tags: [Int: String]) -> [String: Any] {
                ["completeMultipartAction": "Complete", "artifactID": v0, "storagePath": storagePath, "uploadID": uploadID,
                 "completedParts": tags.sorted { $0.key < $1.key }.map { ["partNumber": $0.key, "hexMD5": $0.value] }]
            }
            var badTags = eTags
            badTags[2] = "\"00000000000000000000000000000000\""
            let bad = try await Self.gql(client, harness, Self.complete, completion(badTags))
            #expect(bad.errors.first?.contains("part 2") == true, "\(bad.errors)")
            let done = try await Self.gql(client, harness, Self.complete, completion(eTags))
            #expect(done.errors.isEmpty, "\(done.errors)")

            // Manifest: the second call has the same id and an upload URL.
            let manifestJSON = Array(#"{"version":1,"contents":{}}"#.utf8)
            let second = try await Self.gql(
                client, harness, Self.createManifest, Self.manifestVariables(v0, digest: Self.md5Base64(manifestJSON), includeUpload: true))
            #expect(second.value("data", "createArtifactManifest", "artifactManifest", "id") as? String == manifestID)
            let manifestURL = try Self.relative(second.value("data", "createArtifactManifest", "artifactManifest", "file", "uploadUrl"), harness)
            #expect(try await client.execute(uri: manifestURL, method: .put, body: ByteBuffer(bytes: manifestJSON)).status == .ok)
            let committed = try await Self.gql(client, harness, Self.commit, ["artifactID": v0])
            #expect(committed.value("data", "commitArtifact", "artifact", "digest") as? String == "digest-0")

            // v1: a.txt unchanged (de-duplicated), a new file uploaded.
            let created1 = try await Self.create(client, harness, digest: "digest-1", aliases: ["latest"])
            let v1 = try #require(created1.value("data", "createArtifact", "artifact", "id") as? String)
            #expect(created1.value("data", "createArtifact", "artifact", "artifactSequence", "latestArtifact", "id") as? String == v0)
            let newBytes = Array("new\n".utf8)
            let files1 = try await Self.gql(client, harness, Self.createFiles, [
                "input": [
                    "storageLayout": "V2",
                    "artifactFiles": [
                        ["artifactID": v1, "name": "a.txt", "md5": Self.md5Base64(small)],
                        ["artifactID": v1, "name": "c.txt", "md5": Self.md5Base64(newBytes)],
                    ] as [[String: Any]],
                ] as [String: Any]
            ])
            #expect(files1.errors.isEmpty, "\(files1.errors)")
            #expect(files1.value("data", "createArtifactFiles", "files", "edges", 0, "node", "uploadUrl") is NSNull)
            #expect(files1.value("data", "createArtifactFiles", "files", "edges", 0, "node", "artifact", "id") as? String == v0)
            #expect(files1.value("data", "createArtifactFiles", "files", "edges", 1, "node", "artifact", "id") as? String == v1)
            let newURL = try Self.relative(files1.value("data", "createArtifactFiles", "files", "edges", 1, "node", "uploadUrl"), harness)
            #expect(try await client.execute(uri: newURL, method: .put, body: ByteBuffer(bytes: newBytes)).status == .ok)
            _ = try await Self.gql(client, harness, Self.createManifest, Self.manifestVariables(v1, digest: "", includeUpload: false))
            _ = try await Self.gql(client, harness, Self.commit, ["artifactID": v1])

            // Whole-artifact de-dup.
            let again = try await Self.create(client, harness, digest: "digest-0", aliases: ["latest"])
            #expect(again.value("data", "createArtifact", "artifact", "id") as? String == v0)
            #expect(again.value("data", "createArtifact", "artifact", "state") as? String == "COMMITTED")

            // Reading: membership by alias, by id, both useArtifact shapes, manifest and files.
            let best = try await Self.gql(client, harness, Self.membershipByName, [
                "entity": ServerHarness.entity, "project": ServerHarness.project, "name": "ds:best"])
            #expect(best.errors.isEmpty, "\(best.errors)")
            #expect(best.value("data", "project", "artifactCollectionMembership", "artifact", "id") as? String == v0)
            #expect(best.value("data", "project", "artifactCollectionMembership", "versionIndex") as? Int == 0)
            #expect(best.value("data", "project", "artifactCollectionMembership", "artifactCollection", "__typename") as? String == "ArtifactSequence")
            #expect(best.value("data", "project", "artifactCollectionMembership", "artifact", "size") as? Int == big.count + small.count)
            let byID = try await Self.gql(client, harness, Self.byID, ["id": v1])
            #expect(byID.errors.isEmpty, "\(byID.errors)")
            #expect(byID.value("data", "artifact", "aliases", 0, "alias") as? String == "latest")
            #expect(byID.value("data", "artifact", "aliases", 0, "artifactCollection", "__typename") as? String == "ArtifactSequence")
            #expect(byID.value("data", "artifact", "metadata") as? String == "{\"rows\":1}")
            #expect(byID.value("data", "artifact", "fileCount") as? Int == 2)

            let usedCore = try await Self.gql(client, harness, Self.useCore, [
                "input": ["entityName": ServerHarness.entity, "projectName": ServerHarness.project, "runName": "run2",
                          "artifactID": v0, "usedAs": NSNull(), "clientMutationId": NSNull()] as [String: Any]])
            #expect(usedCore.errors.isEmpty, "\(usedCore.errors)")
            let usedPython = try await Self.gql(client, harness, Self.usePython, [
                "entityName": ServerHarness.entity, "projectName": ServerHarness.project, "runName": "run2", "artifactID": v1,
                "usedAs": NSNull()])
            #expect(usedPython.value("data", "useArtifact", "artifact", "state") as? String == "COMMITTED", "\(usedPython.errors)")

            let manifest = try await Self.gql(client, harness, Self.fetchManifest, ["id": v0])
            let manifestGet = try Self.relative(manifest.value("data", "artifact", "currentManifest", "file", "directUrl"), harness)
            #expect(Array(buffer: try await client.execute(uri: manifestGet, method: .get).body) == manifestJSON)

            var names: [String: String] = [:]
            var cursor: Any = NSNull()
            for _ in 0..<3 {
                let page = try await Self.gql(client, harness, Self.fileURLs, [
                    "entity": ServerHarness.entity, "project": ServerHarness.project, "collection": "ds", "alias": "v0",
                    "cursor": cursor, "perPage": 1])
                #expect(page.errors.isEmpty, "\(page.errors)")
                #expect(page.value("data", "project", "artifactCollection", "__typename") as? String == "ArtifactSequence")
                let files = "data"
                for edge in page.value(files, "project", "artifactCollection", "artifactMembership", "files", "edges") as? [[String: Any]] ?? [] {
                    let node = edge["node"] as? [String: Any]
                    names[node?["name"] as? String ?? ""] = node?["directUrl"] as? String
                }
                cursor = page.value(files, "project", "artifactCollection", "artifactMembership", "files", "pageInfo", "endCursor") ?? NSNull()
                if page.value(files, "project", "artifactCollection", "artifactMembership", "files", "pageInfo", "hasNextPage") as? Bool != true { break }
            }
            #expect(names.keys.sorted() == ["a.txt", "sub/big.bin"])
            let bigURL = try Self.relative(names["sub/big.bin"], harness)
            #expect(Array(buffer: try await client.execute(uri: bigURL, method: .get).body) == big)
            let range = try await client.execute(uri: bigURL, method: .get, headers: [.range: "bytes=1000-"])
            #expect(range.status == .partialContent && Array(buffer: range.body) == Array(big[1000...]))
            #expect(try await client.execute(uri: bigURL + "x", method: .get).status == .forbidden)
        }
        let lineage = try await harness.services.artifacts.lineage(of: harness.runKey("run2"))
        #expect(Set(lineage.used.map(\.id)).count == 2)
        #expect(try await harness.services.artifacts.lineage(of: harness.runKey("run1")).logged.count == 2)
    }
}
