import CohortModel
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Run file blobs behind signed URLs (`wandb-protocol.md` §5): the client sends no credentials
/// there, so each request carries `exp` and `sig` (see `URLSigner`) over its method and path.
///
/// - `PUT /storage/runs/{entity}/{project}/{run}/{name}`: streams the body into the blob store
///   (up to `maximumFileSize`, else 413), checks `Content-MD5` when sent (400 on mismatch,
///   nothing stored), records the file for the run and answers 200 with `ETag: "<md5 hex>"`.
/// - `GET` / `HEAD` of the same path: the latest content of that run file, with `Range:
///   bytes=a-b`, `bytes=a-` and `bytes=-n` answered 206 (416 when nothing of it exists).
///
/// A bad path or file name (`..`, absolute, NUL, backslash) is 400; a missing, expired or forged
/// signature is 403; an unknown run or file is 404; a store that is down is 503 with `Retry-After`.
enum BlobRoutes {
    static let retryAfterSeconds = 5

    static func register(on group: RouterGroup<CohortRequestContext>, services: ServerServices) {
        group.put("/storage/runs/**") { request, context -> Response in
            try await put(request: request, context: context, services: services)
        }
        group.get("/storage/runs/**") { request, context -> Response in
            try await get(request: request, context: context, services: services, includeBody: true)
        }
        group.head("/storage/runs/**") { request, context -> Response in
            try await get(request: request, context: context, services: services, includeBody: false)
        }
    }

    // MARK: PUT

    static func put(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let (key, name) = try runFile(request)
        try verifySignature(request, services: services)

        let limit = services.configuration.maximumFileSize
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw HTTPError(.contentTooLarge, message: "the file is larger than \(limit) bytes")
        }
        var expectedMD5: [UInt8]?
        if let header = request.headers[contentMD5] {
            guard let data = Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)), data.count == 16 else {
                throw HTTPError(.badRequest, message: "Content-MD5 must be the base64 of 16 bytes")
            }
            expectedMD5 = [UInt8](data)
        }
        do {
            guard try await services.store.run(key) != nil else {
                throw HTTPError(.notFound, message: "run \(key) does not exist")
            }
        } catch let error as StoreError {
            throw httpError(for: error, key: key)
        }

        let digest: BlobDigest
        do {
            digest = try await services.blobs.write(request.body, maximumSize: limit, expectedMD5: expectedMD5)
        } catch let error as BlobError {
            switch error {
            case .tooLarge: throw HTTPError(.contentTooLarge, message: error.description)
            case .checksumMismatch: throw HTTPError(.badRequest, message: error.description)
            case .io:
                context.logger.error("run file write failed", metadata: ["run": "\(key)", "error": "\(error)"])
                throw HTTPError(.internalServerError, message: "the file could not be stored; retry later")
            }
        }
        do {
            try await services.store.storeRunFile(key, name: name, digest: digest.sha256, size: digest.size, at: Date())
        } catch {
            throw httpError(for: error, key: key)
        }
        var headers = HTTPFields()
        headers[.eTag] = digest.eTag
        return Response(status: .ok, headers: headers)
    }

    // MARK: GET and HEAD

    static func get(
        request: Request, context: CohortRequestContext, services: ServerServices, includeBody: Bool
    ) async throws -> Response {
        let (key, name) = try runFile(request)
        try verifySignature(request, services: services)

        let record: RunFileRecord?
        do {
            record = try await services.store.runFiles(key).first { $0.name == name }
        } catch {
            throw httpError(for: error, key: key)
        }
        guard let record, let sha256 = record.digest else {
            throw HTTPError(.notFound, message: "run \(key) has no file \(name)")
        }
        return try await serve(
            sha256: sha256, what: name, request: request, context: context, services: services, includeBody: includeBody)
    }

    /// Answers a GET or HEAD with the blob `sha256` (whole, or the one range asked for: 206).
    static func serve(
        sha256: String, what name: String, request: Request, context: CohortRequestContext, services: ServerServices,
        includeBody: Bool
    ) async throws -> Response {
        let blobs = services.blobs
        guard let path = blobs.path(sha256: sha256), let size = blobs.size(sha256: sha256),
            let md5 = try await blobs.md5(sha256: sha256)
        else {
            context.logger.error("a stored file points at a missing blob", metadata: ["name": "\(name)", "sha256": "\(sha256)"])
            throw HTTPError(.notFound, message: "the content of \(name) is missing")
        }

        var headers = HTTPFields()
        headers[.eTag] = "\"\(md5)\""
        headers[.acceptRanges] = "bytes"
        headers[.contentType] = "application/octet-stream"

        var status = HTTPResponse.Status.ok
        var range: ClosedRange<Int>? = size > 0 ? 0...(size - 1) : nil
        if let header = request.headers[.range] {
            switch ByteRange.parse(header, size: size) {
            case .ignore:
                break
            case .unsatisfiable:
                throw HTTPError(
                    .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(size)"],
                    message: "the range is outside the file's \(size) bytes")
            case .satisfiable(let slice):
                status = .partialContent
                range = slice
                headers[.contentRange] = "bytes \(slice.lowerBound)-\(slice.upperBound)/\(size)"
            }
        }
        headers[.contentLength] = String(range?.count ?? 0)
        guard includeBody, let range else { return Response(status: status, headers: headers) }
        let body = try await FileIO().loadFile(path: path, range: range, context: context)
        return Response(status: status, headers: headers, body: body)
    }

    // MARK: Shared

    static let contentMD5 = HTTPFields.Element.Name("Content-MD5")!

    /// The run and file name of the request path (400 when it is not valid).
    static func runFile(_ request: Request) throws -> (RunKey, String) {
        do {
            let parsed = try BlobPaths.parseRunFilePath(request.uri.path)
            return (parsed.key, parsed.name)
        } catch {
            throw HTTPError(.badRequest, message: error.reason)
        }
    }

    /// 403 unless `exp` and `sig` sign this method and path. The path is checked as received and,
    /// failing that, in `BlobPaths.runFilePath`'s canonical encoding (clients may re-quote URLs).
    static func verifySignature(_ request: Request, services: ServerServices, now: Date = Date()) throws {
        let query = request.uri.queryParameters
        guard let expiryText = query["exp"], let expiry = Int64(expiryText), let signature = query["sig"] else {
            throw HTTPError(.forbidden, message: "this URL needs a signature (exp and sig)")
        }
        let method = request.method.rawValue
        let raw = request.uri.path
        var valid = services.signer.verify(method: method, path: raw, expiry: expiry, signature: String(signature), now: now)
        if !valid, let parsed = try? BlobPaths.parseRunFilePath(raw) {
            let canonical = BlobPaths.runFilePath(parsed.key, name: parsed.name)
            if canonical != raw {
                valid = services.signer.verify(
                    method: method, path: canonical, expiry: expiry, signature: String(signature), now: now)
            }
        }
        guard valid else { throw HTTPError(.forbidden, message: "the URL's signature is invalid or has expired") }
    }

    static func httpError(for error: StoreError, key: RunKey) -> HTTPError {
        switch error.code {
        case .notFound: return HTTPError(.notFound, message: "run \(key) does not exist")
        case .invalid: return HTTPError(.badRequest, message: error.message)
        case .conflict: return HTTPError(.conflict, message: error.message)
        case .unavailable:
            return HTTPError(
                .serviceUnavailable, headers: [.retryAfter: String(retryAfterSeconds)],
                message: "the store is unavailable; retry later")
        }
    }
}

/// A `Range` header against a file of known size (RFC 9110 §14): one range of bytes.
enum ByteRange: Equatable {
    /// Absent, malformed, several ranges or another unit: serve the whole file (RFC 9110 allows it).
    case ignore
    /// No byte of the range exists: 416.
    case unsatisfiable
    /// The bytes to send (clamped to the file): 206.
    case satisfiable(ClosedRange<Int>)

    static func parse(_ header: String, size: Int) -> ByteRange {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes=") else { return .ignore }
        let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .ignore }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        func number(_ digits: String) -> Int? {
            guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
            return Int(digits) ?? .max  // a number too big for Int is past any file's end
        }
        if first.isEmpty {
            // bytes=-n: the last n bytes.
            guard let suffix = number(last) else { return .ignore }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .satisfiable(max(0, size - suffix)...(size - 1))
        }
        guard let start = number(first) else { return .ignore }
        if last.isEmpty {
            return start < size ? .satisfiable(start...(size - 1)) : .unsatisfiable
        }
        guard let end = number(last) else { return .ignore }
        guard start <= end else { return .ignore }
        return start < size ? .satisfiable(start...min(end, size - 1)) : .unsatisfiable
    }
}
