public import CohortModel
internal import Foundation

/// The W&B API as Cohort's client speaks it: GraphQL operations with documents of our own,
/// `file_stream`, and uploads and downloads to the URLs the server hands out.
///
/// Every call goes through a ``RetryingHTTPClient``: transport errors, 429 and 5xx are retried with
/// backoff, other statuses are not. GraphQL and `file_stream` requests carry the API key as HTTP Basic
/// auth; uploads and downloads never do (the server's URLs authorise themselves). Failures are
/// ``WandbAPIError``s that never contain the key.
///
/// ```swift
/// let http = HTTPClient()
/// defer { http.shutdown() }
/// let api = WandbAPIClient(
///     credentials: WandbCredentials(baseURL: "http://127.0.0.1:8080", apiKey: key),
///     http: RetryingHTTPClient(client: http))
/// let viewer = try await api.viewer()
/// let run = try await api.upsertRun(RunUpsert(runID: "abc123", project: "mnist", config: ["lr": 0.1]))
/// var batch = FileStreamRequest()
/// batch.history = .init(offset: run.historyLineCount, lines: [#"{"_step":0,"loss":1.5}"#])
/// let stopped = try await api.postFileStream(entity: run.entity, project: run.project, run: run.runID, batch)
/// print(WandbURLs(baseURL: api.credentials.baseURL).run(entity: run.entity, project: run.project, runID: run.runID))
/// ```
public struct WandbAPIClient: Sendable {
    /// The server and key.
    public let credentials: WandbCredentials
    /// The HTTP client every request goes through.
    public let http: RetryingHTTPClient

    /// Creates a client.
    /// - Parameters:
    ///   - credentials: the server's base URL and the API key.
    ///   - http: the retrying client to send through; its ``HTTPClient`` is not shut down by this value.
    public init(credentials: WandbCredentials, http: RetryingHTTPClient) {
        self.credentials = credentials
        self.http = http
    }

    // MARK: GraphQL

    /// Sends a GraphQL operation and returns its `data`.
    /// - Throws: ``WandbAPIError``: ``WandbAPIError/Kind/graphQL`` when the answer has any `errors`
    ///   (even with `data`), ``WandbAPIError/Kind/unauthorized`` for 401, and the transport kinds.
    public func execute(_ operation: GraphQLOperation) async throws(WandbAPIError) -> JSONValue {
        let request = HTTPRequest(
            method: .post, url: credentials.baseURL + "/graphql",
            headers: [credentials.authorizationHeader, HTTPHeader("Content-Type", "application/json"), HTTPHeader("Accept", "application/json")],
            body: .bytes(operation.body()))
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            throw .transport(operation.name, error)
        }
        let answer: JSONValue
        do {
            answer = try JSONParser.parse(response.body)
        } catch {
            throw .malformed(operation.name, "the body is not JSON: \(error)")
        }
        if let errors = answer["errors"]?.arrayValue, !errors.isEmpty {
            let messages = errors.map { $0["message"]?.stringValue ?? JSONWriter.string($0) }
            throw .graphQL(operation.name, messages: messages)
        }
        guard let data = answer["data"], data.objectValue != nil else {
            throw .malformed(operation.name, "the answer has no data object")
        }
        return data
    }

    /// ``execute(_:)`` with the answer wrapped for field-by-field reading.
    /// `name → directUrl` over every page of a cursor-paginated `files` connection.
    /// - Parameters:
    ///   - variables: the operation's variables for a page, given that page's cursor.
    ///   - files: where the `files` connection sits in the answer.
    func directURLs(
        _ name: String, _ document: String, variables: (String?) -> [String: JSONValue], files: (GraphQLAnswer) -> GraphQLAnswer
    ) async throws(WandbAPIError) -> [String: String] {
        var urls: [String: String] = [:]
        var cursor: String?
        repeat {
            let answer = try await answer(name, document, variables(cursor))
            guard let connection = files(answer).nonNull else { return urls }
            for edge in try connection["edges"].array() {
                let node = edge["node"]
                if let url = node["directUrl"].optionalString { urls[try node["name"].string()] = url }
            }
            let page = connection["pageInfo"]
            cursor = page["hasNextPage"].optionalBool == true ? page["endCursor"].optionalString : nil
        } while cursor != nil
        return urls
    }

    func answer(_ name: String, _ document: String, _ variables: [String: JSONValue] = [:]) async throws(WandbAPIError) -> GraphQLAnswer {
        let data = try await execute(GraphQLOperation(name: name, document: document, variables: variables.droppingNulls()))
        return GraphQLAnswer(data, operation: name)
    }

    // MARK: file_stream

    /// Posts one `file_stream` request for a run (`POST {base}/files/{entity}/{project}/{run}/file_stream`).
    ///
    /// The request carries line offsets, so sending it again after a failure rewrites the same lines.
    /// - Returns: `true` when the server answered `"stopped": true` (the run should stop as if interrupted).
    /// - Throws: ``WandbAPIError``; a 4xx is not retried (the official client then stops streaming).
    public func postFileStream(
        entity: String, project: String, run: String, _ request: FileStreamRequest
    ) async throws(WandbAPIError) -> Bool {
        let url = credentials.baseURL + "/files/" + [entity, project, run].map(Self.pathSegment).joined(separator: "/") + "/file_stream"
        let http = HTTPRequest(
            method: .post, url: url, headers: [credentials.authorizationHeader, HTTPHeader("Content-Type", "application/json")],
            body: .bytes(request.body()))
        let response: HTTPResponse
        do {
            response = try await self.http.execute(http)
        } catch {
            throw .transport("file_stream", error)
        }
        // Any JSON object is a valid answer; only `stopped` is read (a body that is not JSON is ignored, as W&B does).
        guard let answer = try? JSONParser.parse(response.body) else { return false }
        return answer["stopped"]?.boolValue == true
    }

    // MARK: Uploads and downloads (no credentials)

    /// `PUT`s bytes to a URL the server handed out, with its headers and without the API key.
    /// - Parameters:
    ///   - source: the whole file, a region of it, or bytes.
    ///   - url: the upload URL, used verbatim.
    ///   - headers: the server's upload headers (``HTTPHeader/wandbUploadHeaders(_:)`` parses W&B's strings).
    ///   - progress: told the body bytes sent so far, on the client's thread (must return quickly).
    /// - Returns: the status and the `ETag` (quotes kept).
    @discardableResult
    public func upload(
        _ source: UploadSource, to url: String, headers: [HTTPHeader] = [], progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws(WandbAPIError) -> UploadReceipt {
        let body: HTTPRequest.Body
        switch source {
        case .bytes(let bytes): body = .bytes(bytes)
        case .region(let region): body = .file(region)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw .fileUnreadable("upload", path: path) }
            defer { try? handle.close() }  // closing a read-only handle cannot lose data
            guard let size = try? handle.seekToEnd() else { throw .fileUnreadable("upload", path: path) }
            body = .file(FileRegion(path: path, offset: 0, length: Int64(size)))
        }
        var request = HTTPRequest(method: .put, url: url, headers: headers.filter { $0.name.lowercased() != "authorization" }, body: body)
        if let progress { request.onProgress = { progress($0.bytesSent) } }
        do {
            let response = try await http.execute(request)
            return UploadReceipt(status: response.status, eTag: response.header("ETag"))
        } catch {
            throw .transport("upload", error)
        }
    }

    /// `GET`s a URL the server handed out (no API key) into memory.
    public func download(from url: String) async throws(WandbAPIError) -> [UInt8] {
        do {
            return try await http.execute(HTTPRequest(method: .get, url: url)).body
        } catch {
            throw .transport("download", error)
        }
    }

    /// `GET`s a URL the server handed out (no API key) into the file at `path`.
    /// - Parameter progress: told the bytes received so far, on the client's thread (must return quickly).
    /// - Returns: the number of bytes written.
    @discardableResult
    public func download(from url: String, to path: String, progress: (@Sendable (Int64) -> Void)? = nil) async throws(WandbAPIError) -> Int64 {
        var request = HTTPRequest.download(from: url, to: path)
        if let progress { request.onProgress = { progress($0.bytesReceived) } }
        do {
            return try await http.execute(request).bodyBytesReceived
        } catch {
            throw .transport("download", error)
        }
    }

    /// One path segment, percent-encoded (entity, project and run names).
    static func pathSegment(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
