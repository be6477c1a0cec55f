import CohortModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Artifact blobs behind signed URLs (`wandb-protocol.md` §5.3–5.5), no API key:
///
/// - `PUT/GET/HEAD /storage/artifacts/{artifactID}/{md5 hex}`: a file announced by
///   `CreateArtifactFiles` (its storage path is `{artifactID}/{md5 hex}`). The PUT body must have
///   the announced MD5 (400 otherwise); GET serves ranges (206).
/// - `PUT /storage/artifact-parts/{uploadID}/{partNumber}`: one part of a multipart upload; answers
///   `ETag: "<md5 hex>"` (quoted). `CompleteMultipartUploadArtifact` joins the parts.
/// - `PUT/GET/HEAD /storage/manifests/{artifactID}`: the version's manifest JSON.
enum ArtifactBlobRoutes {
    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {
        group.put("/storage/artifacts/:artifact/:md5") { request, context -> Response in
            try await putFile(request: request, context: context, services: services)
        }
        group.get("/storage/artifacts/:artifact/:md5") { request, context -> Response in
            try await getFile(request: request, context: context, services: services, includeBody: true)
        }
        group.head("/storage/artifacts/:artifact/:md5") { request, context -> Response in
            try await getFile(request: request, context: context, services: services, includeBody: false)
        }
        group.put("/storage/artifact-parts/:upload/:part") { request, context -> Response in
            try await putPart(request: request, context: context, services: services)
        }
        group.put("/storage/manifests/:artifact") { request, context -> Response in
            try await putManifest(request: request, context: context, services: services)
        }
        group.get("/storage/manifests/:artifact") { request, context -> Response in
            try await getManifest(request: request, context: context, services: services, includeBody: true)
        }
        group.head("/storage/manifests/:artifact") { request, context -> Response in
            try await getManifest(request: request, context: context, services: services, includeBody: false)
        }
    }

    // MARK: Files

    static func putFile(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let storagePath = try storagePath(context)
        try BlobRoutes.verifySignature(request, services: services)
        guard let file = try await store({ try await services.artifacts.artifactFile(storagePath: storagePath) }) else {
            throw HTTPError(.notFound, message: "no artifact file is announced at \(storagePath)")
        }
        guard let announced = Data(base64Encoded: file.md5), announced.count == 16 else {
            throw HTTPError(.badRequest, message: "the announced MD5 is not valid")
        }
        if let header = request.headers[BlobRoutes.contentMD5], Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)) != announced {
            throw HTTPError(.badRequest, message: "Content-MD5 differs from the MD5 announced for this file")
        }
        let digest = try await write(request.body, expectedMD5: [UInt8](announced), services: services, context: context)
        try await store { try await services.artifacts.storeArtifactFile(storagePath: storagePath, blobDigest: digest.sha256, size: digest.size) }
        return Response(status: .ok, headers: [.eTag: digest.eTag])
    }

    static func getFile(
        request: Request, context: CohortRequestContext, services: ServerServices, includeBody: Bool
    ) async throws -> Response {
        let storagePath = try storagePath(context)
        try BlobRoutes.verifySignature(request, services: services)
        guard let file = try await store({ try await services.artifacts.artifactFile(storagePath: storagePath) }),
            let sha256 = file.blobDigest
        else { throw HTTPError(.notFound, message: "no stored artifact file at \(storagePath)") }
        return try await BlobRoutes.serve(
            sha256: sha256, what: file.name, request: request, context: context, services: services, includeBody: includeBody)
    }

    // MARK: Multipart parts

    static func putPart(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let upload = try context.parameters.require("upload")
        let partText = try context.parameters.require("part")
        guard isHex(upload), let part = Int(partText), (1...maximumParts).contains(part) else {
            throw HTTPError(.badRequest, message: "the upload id or part number is not valid")
        }
        try BlobRoutes.verifySignature(request, services: services)
        var expected: [UInt8]?
        if let header = request.headers[BlobRoutes.contentMD5] {
            guard let data = Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)), data.count == 16 else {
                throw HTTPError(.badRequest, message: "Content-MD5 must be the base64 of 16 bytes")
            }
            expected = [UInt8](data)
        }
        let digest = try await write(request.body, expectedMD5: expected, services: services, context: context)
        let directory = partsDirectory(services, upload: upload)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(digest.sha256.utf8).write(to: URL(fileURLWithPath: directory + "/\(part)"), options: .atomic)
        } catch {
            context.logger.error("recording a multipart part failed", metadata: ["error": "\(error)"])
            throw HTTPError(.internalServerError, message: "the part could not be recorded; retry later")
        }
        return Response(status: .ok, headers: [.eTag: digest.eTag])
    }

    static let maximumParts = 10_000

    /// Joins the parts of `uploadID` in part-number order into one blob. Each part's MD5 must equal
    /// its `hexMD5` (the part's ETag, surrounding quotes allowed). Removes the part records.
    static func completeMultipart(
        services: ServerServices, uploadID: String, parts: [(number: Int, hexMD5: String)]
    ) async throws -> BlobDigest {
        guard isHex(uploadID) else { throw GraphQLFailure("the upload id is not valid") }
        guard !parts.isEmpty else { throw GraphQLFailure("completedParts is empty") }
        let directory = partsDirectory(services, upload: uploadID)
        let blobs = services.blobs
        var paths: [String] = []
        for part in parts.sorted(by: { $0.number < $1.number }) {
            guard let sha = try? String(contentsOfFile: directory + "/\(part.number)", encoding: .utf8),
                let path = blobs.path(sha256: sha)
            else { throw GraphQLFailure("part \(part.number) of upload \(uploadID) was not uploaded") }
            let wanted = part.hexMD5.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased()
            guard let md5 = try await blobs.md5(sha256: sha), md5 == wanted else {
                throw GraphQLFailure("part \(part.number) of upload \(uploadID) does not have MD5 \(wanted)")
            }
            paths.append(path)
        }
        let digest: BlobDigest
        do {
            digest = try await blobs.write(FileChunks(paths: paths), maximumSize: services.configuration.maximumFileSize)
        } catch {
            throw GraphQLFailure("joining the parts failed: \(error)")
        }
        try? FileManager.default.removeItem(atPath: directory)
        return digest
    }

    // MARK: Manifests

    static func putManifest(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let artifactID = try artifactID(context)
        try BlobRoutes.verifySignature(request, services: services)
        guard try await store({ try await services.artifacts.artifact(id: artifactID) }) != nil else {
            throw HTTPError(.notFound, message: "no artifact \(artifactID)")
        }
        var expected: [UInt8]?
        if let header = request.headers[BlobRoutes.contentMD5],
            let data = Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)), data.count == 16
        {
            expected = [UInt8](data)
        }
        let digest = try await write(request.body, expectedMD5: expected, services: services, context: context)
        try await store { try await services.artifacts.storeManifest(artifactID: artifactID, blobDigest: digest.sha256, size: digest.size, at: Date()) }
        return Response(status: .ok, headers: [.eTag: digest.eTag])
    }

    static func getManifest(
        request: Request, context: CohortRequestContext, services: ServerServices, includeBody: Bool
    ) async throws -> Response {
        let artifactID = try artifactID(context)
        try BlobRoutes.verifySignature(request, services: services)
        guard let manifest = try await store({ try await services.artifacts.manifestBlob(artifactID: artifactID) }) else {
            throw HTTPError(.notFound, message: "artifact \(artifactID) has no manifest")
        }
        return try await BlobRoutes.serve(
            sha256: manifest.digest, what: "wandb_manifest.json", request: request, context: context, services: services,
            includeBody: includeBody)
    }

    // MARK: Helpers

    static func storagePath(_ context: CohortRequestContext) throws -> String {
        let artifact = try context.parameters.require("artifact")
        let md5 = try context.parameters.require("md5")
        guard isHex(artifact), isHex(md5) else { throw HTTPError(.badRequest, message: "not an artifact file path") }
        return "\(artifact)/\(md5)"
    }

    static func artifactID(_ context: CohortRequestContext) throws -> String {
        let artifact = try context.parameters.require("artifact")
        guard isHex(artifact) else { throw HTTPError(.badRequest, message: "not an artifact id") }
        return artifact
    }

    static func isHex(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.count <= 128 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func partsDirectory(_ services: ServerServices, upload: String) -> String {
        services.configuration.dataDirectory + "/multipart/" + upload
    }

    static func write(
        _ body: RequestBody, expectedMD5: [UInt8]?, services: ServerServices, context: CohortRequestContext
    ) async throws -> BlobDigest {
        let limit = services.configuration.maximumFileSize
        do {
            return try await services.blobs.write(body, maximumSize: limit, expectedMD5: expectedMD5)
        } catch let error as BlobError {
            switch error {
            case .tooLarge: throw HTTPError(.contentTooLarge, message: error.description)
            case .checksumMismatch: throw HTTPError(.badRequest, message: error.description)
            case .io:
                context.logger.error("artifact blob write failed", metadata: ["error": "\(error)"])
                throw HTTPError(.internalServerError, message: "the file could not be stored; retry later")
            }
        }
    }

    /// Runs a store call; a `StoreError` becomes the matching HTTP error (503 + `Retry-After` when unavailable).
    static func store<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            switch error.code {
            case .notFound: throw HTTPError(.notFound, message: error.message)
            case .invalid: throw HTTPError(.badRequest, message: error.message)
            case .conflict: throw HTTPError(.conflict, message: error.message)
            case .unavailable:
                throw HTTPError(
                    .serviceUnavailable, headers: [.retryAfter: String(BlobRoutes.retryAfterSeconds)],
                    message: "the store is unavailable; retry later")
            }
        }
    }
}

/// The bytes of several files, one after another, read in 1 MiB chunks as they are consumed.
struct FileChunks: AsyncSequence {
    typealias Element = ByteBuffer
    let paths: [String]

    struct AsyncIterator: AsyncIteratorProtocol {
        var paths: [String]
        var index = 0
        var handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            while true {
                if handle == nil {
                    guard index < paths.count else { return nil }
                    handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: paths[index]))
                    index += 1
                }
                if let data = try handle?.read(upToCount: 1 << 20), !data.isEmpty {
                    return ByteBuffer(bytes: data)
                }
                try handle?.close()
                handle = nil
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(paths: paths) }
}

extension BlobPaths {
    /// The URL path of an artifact file's storage path (`{artifactID}/{md5 hex}`).
    static func artifactFilePath(storagePath: String) -> String { "/storage/artifacts/" + storagePath }
    static func artifactPartPath(uploadID: String, part: Int) -> String { "/storage/artifact-parts/\(uploadID)/\(part)" }
    static func manifestPath(artifactID: String) -> String { "/storage/manifests/" + artifactID }
}
