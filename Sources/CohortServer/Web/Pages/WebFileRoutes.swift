import Foundation
import HTTPTypes
import Hummingbird

/// Downloads for signed-in viewers: `GET /{entity}/{project}/runs/{id}/files/{name…}` (a run file,
/// media included) and `GET /{entity}/{project}/artifacts/{type}/{name}/{version}/files/{path…}`.
/// Served from the blob store with a content type from the extension (so images, audio and
/// video play inline); `?download=1` or an unknown type asks the browser to save the file.
enum WebFileRoutes {
    static func runFile(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let key = RunKey(
            entity: try WebQuery.parameter("entity", context), project: try WebQuery.parameter("project", context),
            name: try WebQuery.parameter("run", context))
        try WebAccess.require(context, entity: key.entity)
        let name = try fileName(request, after: WebPaths.run(key) + "/files/")
        let files = try await WebStoreCalls.run { try await services.store.runFiles(key) }
        guard let file = files.first(where: { $0.name == name }), let digest = file.digest else {
            throw WebError(.notFound, "Run \(key) has no stored file \(name).")
        }
        return try await serve(digest, name: name, request: request, context: context, services: services)
    }

    static func artifactFile(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let (artifact, _) = try await ArtifactPage.resolve(context, services: services)
        let version = try WebQuery.parameter("version", context)
        let name = try fileName(request, after: WebPaths.artifact(
            artifact.entity, artifact.project, type: artifact.type, name: artifact.collection, version: version) + "/files/")
        let files = try await WebStoreCalls.run { try await services.artifacts.artifactFiles(artifactID: artifact.id) }
        guard let file = files.first(where: { $0.name == name }), let digest = file.blobDigest else {
            throw WebError(.notFound, "Artifact \(artifact.collection):\(version) has no stored file \(name).")
        }
        return try await serve(digest, name: name, request: request, context: context, services: services)
    }

    /// The percent-decoded file name after `prefix` in the request path (400 when invalid).
    private static func fileName(_ request: Request, after prefix: String) throws(WebError) -> String {
        let path = request.uri.path
        // The router matched the path, so it starts with the (canonically encoded) prefix unless
        // the client encoded it differently; decode both sides to compare.
        let rawName: String
        if path.hasPrefix(prefix) {
            rawName = String(path.dropFirst(prefix.count))
        } else if let range = path.range(of: "/files/") {
            rawName = String(path[range.upperBound...])
        } else {
            throw WebError(.badRequest, "The file address is not valid.")
        }
        guard let name = rawName.removingPercentEncoding else { throw WebError(.badRequest, "The file name is not valid UTF-8.") }
        do {
            return try BlobPaths.checkedName(name)
        } catch {
            throw WebError(.badRequest, "The file name is not valid: \(error.reason).")
        }
    }

    private static func serve(
        _ digest: String, name: String, request: Request, context: CohortRequestContext, services: ServerServices
    ) async throws -> Response {
        var response = try await BlobRoutes.serve(
            sha256: digest, what: name, request: request, context: context, services: services, includeBody: request.method != .head)
        let type = contentType(name)
        response.headers[.contentType] = type ?? "application/octet-stream"
        response.headers[.init("X-Content-Type-Options")!] = "nosniff"
        let baseName = (name.split(separator: "/").last.map(String.init) ?? name).filter { $0 != "\"" && $0 != "\\" && $0.isASCII }
        if type == nil || WebQuery(request).value("download") == "1" {
            response.headers[.contentDisposition] = "attachment; filename=\"\(baseName)\""
        }
        // Files a browser would run as a page (HTML, SVG) are sandboxed.
        response.headers[.contentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'"
        return response
    }

    /// Types shown inline; anything else downloads.
    static func contentType(_ name: String) -> String? {
        let lower = name.lowercased()
        let types: [(String, String)] = [
            (".png", "image/png"), (".jpg", "image/jpeg"), (".jpeg", "image/jpeg"), (".gif", "image/gif"),
            (".webp", "image/webp"), (".bmp", "image/bmp"), (".wav", "audio/wav"), (".mp3", "audio/mpeg"),
            (".ogg", "audio/ogg"), (".flac", "audio/flac"), (".mp4", "video/mp4"), (".webm", "video/webm"),
            (".json", "application/json"), (".txt", "text/plain; charset=utf-8"), (".log", "text/plain; charset=utf-8"),
            (".yaml", "text/plain; charset=utf-8"), (".yml", "text/plain; charset=utf-8"), (".csv", "text/plain; charset=utf-8"),
        ]
        return types.first { lower.hasSuffix($0.0) }?.1
    }
}
