@testable import CohortServer
import CohortTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `/artifactsV2/…`, the API-key download path of artifact files (the bytes themselves are checked
/// end to end by `WandbCompatScenarioTests.artifactReads`, which downloads single entries through it).
@Suite("artifact file downloads with an API key")
struct ArtifactDownloadRoutesTests {
    @Test("the path's parts are percent-decoded; other shapes are not artifact paths")
    func parse() {
        let md5 = String(repeating: "ab", count: 16)
        let address = ArtifactDownloadRoutes.parse("/artifactsV2/default/my%20team/proj/ds/0123abcd/\(md5)/b%2Ecsv")
        #expect(
            address
                == .init(entity: "my team", project: "proj", collection: "ds", birthArtifactID: "0123abcd", md5Hex: md5, fileName: "b.csv"))
        #expect(ArtifactDownloadRoutes.parse("/artifactsV2/default/e/p/ds/0123abcd/\(md5)") == nil, "no file name")
        #expect(ArtifactDownloadRoutes.parse("/artifactsV2/default/e/p/ds/not-hex/\(md5)/a") == nil)
        #expect(ArtifactDownloadRoutes.parse("/artifactsV2/default/e/p/ds/0123abcd/abcd/a") == nil, "an MD5 is 32 hex digits")
        #expect(ArtifactDownloadRoutes.parse("/artifacts/e/\(md5)") == nil)
    }

    @Test("no key is 401, another entity's path is 403, an unknown version or MD5 is 404")
    func refusals() async throws {
        let harness = try await GraphQLHarness()
        let created = try await harness.store.artifactStore.createArtifact(
            ArtifactCreation(entity: "test-entity", project: "lab", type: "dataset", collection: "ds", digest: "d0"), at: Date())
        let md5 = String(repeating: "ab", count: 16)
        let app = Application(router: CohortServerApp.makeRouter(services: harness.services))
        try await app.test(.router) { client in
            func get(_ path: String, key: String?) async throws -> HTTPResponse.Status {
                var headers: HTTPFields = [:]
                if let key { headers[.authorization] = "Basic " + Data("api:\(key)".utf8).base64EncodedString() }
                return try await client.execute(uri: path, method: .get, headers: headers).status
            }
            let path = "/artifactsV2/default/test-entity/lab/ds/\(created.artifact.id)/\(md5)/a.txt"
            let anonymous = try await get(path, key: nil)
            let other = try await get(path, key: GraphQLHarness.otherKey)
            let noFile = try await get(path, key: GraphQLHarness.userKey)
            let wrongCollection = try await get(
                "/artifactsV2/default/test-entity/lab/other/\(created.artifact.id)/\(md5)/a.txt", key: GraphQLHarness.userKey)
            let noVersion = try await get("/artifactsV2/default/test-entity/lab/ds/0123/\(md5)/a.txt", key: GraphQLHarness.userKey)
            #expect(anonymous == .unauthorized)
            #expect(other == .forbidden)
            #expect(noFile == .notFound, "the version has no file with that MD5")
            #expect(wrongCollection == .notFound && noVersion == .notFound)
        }
    }
}
