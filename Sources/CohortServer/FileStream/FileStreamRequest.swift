import CohortModel

/// Why a `file_stream` body was refused. Every case is permanent (the same bytes can never
/// succeed), so the route answers 400 with `message`.
public enum FileStreamParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is not JSON.
    case malformedJSON(String)
    /// The body is JSON but not the shape of a `file_stream` request.
    case wrongShape(String)

    public var message: String {
        switch self {
        case .malformedJSON(let reason): return "the file_stream body is not JSON: \(reason)"
        case .wrongShape(let reason): return "the file_stream body has the wrong shape: \(reason)"
        }
    }

    public var description: String { message }
}

/// Reads the body of `POST /files/{entity}/{project}/{run}/file_stream` (`wandb-protocol.md` §4):
///
/// ```
/// {"files": {"wandb-history.jsonl": {"offset": 3, "content": ["{…}", …]}, …},
///  "uploaded": ["config.yaml"], "preempting": true, "complete": true, "exitcode": 0, "dropped": 0}
/// ```
///
/// Every key is optional; `{}` is a heartbeat. `null` counts as absent. Keys this server does not
/// know (and files other than the four the client sends) are ignored rather than refused: a 4xx
/// ends the client's stream for good, so only bodies that can never be understood are errors.
public enum FileStreamRequest {
    /// The four files the client streams.
    public static let historyFile = "wandb-history.jsonl"
    public static let eventsFile = "wandb-events.jsonl"
    public static let summaryFile = "wandb-summary.json"
    public static let consoleFile = "output.log"

    /// What `parse` found: the batch for the store and the names of files it ignored.
    public struct Parsed: Sendable, Equatable {
        public var batch: FileStreamBatch
        /// Files in `files` other than the four known ones (logged, not stored).
        public var ignoredFiles: [String]
    }

    /// Parses one request body.
    public static func parse(_ bytes: [UInt8]) throws(FileStreamParseError) -> Parsed {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .malformedJSON(error.description)
        }
        guard let object = value.objectValue else { throw .wrongShape("the body must be a JSON object") }

        var batch = FileStreamBatch()
        var ignored: [String] = []
        if let files = present(object["files"]) {
            guard let files = files.objectValue else { throw .wrongShape("\"files\" must be an object") }
            for (name, file) in files {
                switch name {
                case historyFile: batch.history = try chunk(file, name: name)
                case eventsFile: batch.events = try chunk(file, name: name)
                case summaryFile: batch.summary = try chunk(file, name: name)
                case consoleFile: batch.console = try chunk(file, name: name)
                default:
                    _ = try chunk(file, name: name)  // still a file_stream chunk, or the body is broken
                    ignored.append(name)
                }
            }
        }
        if let uploaded = present(object["uploaded"]) {
            guard let list = uploaded.arrayValue else { throw .wrongShape("\"uploaded\" must be an array of strings") }
            batch.uploaded = try list.map { (item: JSONValue) throws(FileStreamParseError) -> String in
                guard let name = item.stringValue else { throw .wrongShape("\"uploaded\" must be an array of strings") }
                return name
            }
        }
        if let complete = present(object["complete"]) {
            guard let flag = complete.boolValue else { throw .wrongShape("\"complete\" must be a boolean") }
            batch.complete = flag
        }
        if let exitCode = present(object["exitcode"]) {
            guard let code = exitCode.intValue, let small = Int32(exactly: code) else {
                throw .wrongShape("\"exitcode\" must be an integer")
            }
            batch.exitCode = Int(small)
        }
        if let preempting = present(object["preempting"]) {
            guard let flag = preempting.boolValue else { throw .wrongShape("\"preempting\" must be a boolean") }
            batch.preempting = flag
        }
        // "dropped" (lines the client dropped) is accepted and not stored.
        ignored.sort()
        return Parsed(batch: batch, ignoredFiles: ignored)
    }

    private static func present(_ value: JSONValue?) -> JSONValue? {
        guard let value, value != .null else { return nil }
        return value
    }

    private static func chunk(_ value: JSONValue, name: String) throws(FileStreamParseError) -> FileStreamBatch.Chunk {
        guard let object = value.objectValue else { throw .wrongShape("files[\"\(name)\"] must be an object") }
        let offset: Int
        if let given = present(object["offset"]) {
            guard case .int(let number) = given, number >= 0, let fits = Int(exactly: number), fits < Int(Int32.max) else {
                throw .wrongShape("files[\"\(name)\"].offset must be a non-negative integer")
            }
            offset = fits
        } else {
            offset = 0
        }
        var lines: [String] = []
        if let content = present(object["content"]) {
            guard let items = content.arrayValue else {
                throw .wrongShape("files[\"\(name)\"].content must be an array of strings")
            }
            lines.reserveCapacity(items.count)
            for item in items {
                guard let line = item.stringValue else {
                    throw .wrongShape("files[\"\(name)\"].content must be an array of strings")
                }
                lines.append(line)
            }
        }
        return FileStreamBatch.Chunk(offset: offset, lines: lines)
    }
}
