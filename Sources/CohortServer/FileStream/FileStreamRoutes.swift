import CohortModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `POST /files/{entity}/{project}/{run}/file_stream` (`wandb-protocol.md` §4, §6).
///
/// The client sends one request at a time and re-sends the same body after a 429 or 5xx, but a
/// single 4xx ends its stream for the rest of the run (no more history, no `complete`). So the
/// statuses here are chosen by whether the same request could ever succeed:
///
/// | cause | status |
/// | --- | --- |
/// | body not JSON or not a file_stream object, store says `.invalid` | 400 |
/// | the key may not act in the entity | 403 (401 comes from the key middleware) |
/// | no such run | 404 |
/// | store says `.conflict` | 409 |
/// | body over `maximumBodySize` | 413 |
/// | `Content-Encoding` other than identity (we never advertise `FILESTREAM_GZIP`) | 415 |
/// | store `.unavailable` | 503 with `Retry-After` |
/// | anything unexpected | 500 (the client retries) |
///
/// The answer is `{}`, or `{"stopped":true}` when the run has been asked to stop (the client
/// then interrupts the user's process and finishes with exit code 255).
enum FileStreamRoutes {
    /// Decides whether a run has been asked to stop: by default, whether `stopRun` was called for it
    /// (the stored flag); tests may substitute their own.
    typealias StopCheck = @Sendable (RunRecord) async -> Bool

    /// Seconds a client is told to wait after a 503.
    static let retryAfterSeconds = 5

    static func register(
        on group: RouterGroup<CohortRequestContext>, services: ServerServices,
        stopRequested: @escaping StopCheck = { run in run.stopRequested }
    ) {
        group.post("/files/:entity/:project/:run/file_stream") { request, context -> Response in
            try await handle(request: request, context: context, services: services, stopRequested: stopRequested)
        }
    }

    static func handle(
        request: Request, context: CohortRequestContext, services: ServerServices, stopRequested: StopCheck
    ) async throws -> Response {
        if let encoding = request.headers[.contentEncoding], encoding.lowercased() != "identity" {
            throw HTTPError(
                .unsupportedMediaType,
                message: "Content-Encoding \(encoding) is not accepted; this server does not advertise FILESTREAM_GZIP")
        }
        let key = try runKey(context: context)
        guard let principal = context.principal else {
            throw HTTPError(.unauthorized, message: "an API key is required")
        }
        guard principal.mayAct(in: key.entity) else {
            throw HTTPError(.forbidden, message: "this API key may not write to entity \(key.entity)")
        }

        let limit = services.configuration.maximumBodySize
        let bytes = try await collectBody(request, limit: limit)
        let parsed: FileStreamRequest.Parsed
        do {
            parsed = try FileStreamRequest.parse(bytes)
        } catch {
            throw HTTPError(.badRequest, message: error.message)
        }
        if !parsed.ignoredFiles.isEmpty {
            context.logger.debug(
                "file_stream: ignored unknown files",
                metadata: ["run": "\(key)", "files": "\(parsed.ignoredFiles.joined(separator: ","))"])
        }

        var batch = parsed.batch
        // Names that could escape the run are dropped rather than refused (a 4xx ends the stream).
        batch.uploaded = batch.uploaded.filter { (try? BlobPaths.checkedName($0)) != nil }
        let run: RunRecord
        do {
            run = try await services.store.applyFileStream(batch, to: key, at: Date())
        } catch {
            throw httpError(for: error, key: key)
        }
        if batch.history.map({ !$0.lines.isEmpty }) == true {
            // The run's series files catch up in the background (`SeriesIndexer`); never awaited here.
            services.seriesIndexer.rowsArrived(for: run.storageID)
        }
        let stopped = await stopRequested(run)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let body = stopped ? #"{"stopped":true}"# : "{}"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// The run named by the path, percent-decoded.
    static func runKey(context: CohortRequestContext) throws -> RunKey {
        func component(_ name: String) throws -> String {
            guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding,
                !decoded.isEmpty, !decoded.contains("/"), !decoded.contains("\0")
            else {
                throw HTTPError(.badRequest, message: "the \(name) in the path is not valid")
            }
            return decoded
        }
        return RunKey(entity: try component("entity"), project: try component("project"), name: try component("run"))
    }

    /// The whole body, or 413 as soon as it passes `limit` (before reading when `Content-Length` says so).
    static func collectBody(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw HTTPError(.contentTooLarge, message: "the body is larger than \(limit) bytes")
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else {
                throw HTTPError(.contentTooLarge, message: "the body is larger than \(limit) bytes")
            }
            bytes.append(contentsOf: buffer.readableBytesView)
        }
        return bytes
    }

    /// The status for a store failure (see the table above).
    static func httpError(for error: StoreError, key: RunKey) -> HTTPError {
        switch error.code {
        case .notFound:
            return HTTPError(.notFound, message: "run \(key) does not exist; create it with UpsertBucket first")
        case .invalid:
            return HTTPError(.badRequest, message: error.message)
        case .conflict:
            return HTTPError(.conflict, message: error.message)
        case .unavailable:
            return HTTPError(
                .serviceUnavailable, headers: [.retryAfter: String(retryAfterSeconds)],
                message: "the store is unavailable; retry later")
        }
    }
}
