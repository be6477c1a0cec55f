import Foundation
import Hummingbird

/// The API-key download path of artifact files (`GET/HEAD /artifactsV2/{region}/{entity}/{project}/
/// {collection}/{birthArtifactID}/{md5 hex}/{file name}`). The Python client falls back to it when a
/// manifest entry has no signed URL yet (`artifact.get_entry(path).download()`, `artifact.get(name)`
/// in a fresh process): it asks with the key as HTTP Basic auth, not with a signature. The file is
/// the one its birth version stored with that MD5 (the name is the last path component only).
enum ArtifactDownloadRoutes {
    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {
        group.get("/artifactsV2/**") { request, context -> Response in
            try await get(request: request, context: context, services: services, includeBody: true)
        }
        group.head("/artifactsV2/**") { request, context -> Response in
            try await get(request: request, context: context, services: services, includeBody: false)
        }
    }

    struct Address: Equatable {
        let entity: String
        let project: String
        let collection: String
        let birthArtifactID: String
        let md5Hex: String
        let fileName: String
    }

    /// The parts of an `/artifactsV2/…` path (each percent-decoded), or nil when it has another shape.
    static func parse(_ path: String) -> Address? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            String($0).removingPercentEncoding ?? String($0)
        }
        guard parts.count == 8, parts[0] == "artifactsV2", parts.dropFirst().allSatisfy({ !$0.isEmpty }),
            ArtifactBlobRoutes.isHex(parts[5]), ArtifactBlobRoutes.isHex(parts[6]), parts[6].count == 32
        else { return nil }
        return Address(
            entity: parts[2], project: parts[3], collection: parts[4], birthArtifactID: parts[5], md5Hex: parts[6].lowercased(),
            fileName: parts[7])
    }

    static func get(request: Request, context: CohortRequestContext, services: ServerServices, includeBody: Bool) async throws -> Response {
        guard let address = parse(request.uri.path) else {
            throw HTTPError(.notFound, message: "not an artifact file path: /artifactsV2/REGION/ENTITY/PROJECT/COLLECTION/ARTIFACT/MD5/NAME")
        }
        guard let principal = context.principal, principal.mayAct(in: address.entity) else {
            throw HTTPError(.forbidden, message: "this API key may not read artifacts of entity \"\(address.entity)\"")
        }
        let missing = HTTPError(.notFound, message: "no stored file \(address.fileName) with MD5 \(address.md5Hex) in that artifact")
        guard let birth = try await ArtifactBlobRoutes.store({ try await services.artifacts.artifact(id: address.birthArtifactID) }),
            birth.entity == address.entity, birth.project == address.project, birth.collection == address.collection
        else { throw missing }
        let files = try await ArtifactBlobRoutes.store { try await services.artifacts.artifactFiles(artifactID: birth.id) }
        let matching = files.filter { file in
            guard let raw = Data(base64Encoded: file.md5), file.blobDigest != nil else { return false }
            return BlobStore.hex(raw) == address.md5Hex
        }
        guard let file = matching.first(where: { $0.name.split(separator: "/").last.map(String.init) == address.fileName }) ?? matching.first,
            let sha256 = file.blobDigest
        else { throw missing }
        return try await BlobRoutes.serve(
            sha256: sha256, what: file.name, request: request, context: context, services: services, includeBody: includeBody)
    }
}
