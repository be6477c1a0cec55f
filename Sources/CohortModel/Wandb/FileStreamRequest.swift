/// One `POST …/file_stream` request of the W&B protocol: chunks of the run's streamed files, the
/// run files whose upload finished, and at the end `complete` with the exit code.
///
/// Each chunk carries the index of its first line, so a retried request rewrites the same lines
/// instead of adding them again: history and events are appended at `offset`, the summary line
/// replaces line `offset`, console output is replaced from `offset` on.
///
/// ```swift
/// var request = FileStreamRequest()
/// request.history = .init(offset: 3, lines: [#"{"_step":3,"loss":0.5}"#])
/// request.complete = true
/// request.exitCode = 0
/// let body = request.body()   // {"complete":true,"exitcode":0,"files":{"wandb-history.jsonl":{…}}}
/// ```
public struct FileStreamRequest: Sendable, Equatable {
    /// Lines of one streamed file, starting at line `offset`.
    public struct Chunk: Sendable, Equatable {
        /// The index of the first line in `lines`.
        public var offset: Int
        /// The lines, without their newlines.
        public var lines: [String]

        /// Creates a chunk.
        public init(offset: Int, lines: [String]) {
            self.offset = offset
            self.lines = lines
        }
    }

    /// The W&B file names of the streamed files.
    public enum FileName {
        public static let history = "wandb-history.jsonl"
        public static let summary = "wandb-summary.json"
        public static let output = "output.log"
        public static let events = "wandb-events.jsonl"
    }

    /// History rows, one JSON object per line (appended).
    public var history: Chunk?
    /// The whole summary as one JSON line (replaces the line at `offset`).
    public var summary: Chunk?
    /// Console lines (replace from `offset` on).
    public var output: Chunk?
    /// System-metrics lines (appended).
    public var events: Chunk?
    /// Run files whose upload has finished.
    public var uploaded: [String] = []
    /// The run said it may be preempted.
    public var preempting = false
    /// This is the run's last request.
    public var complete = false
    /// The run's exit code, sent with `complete`.
    public var exitCode: Int32?

    /// Creates an empty request (a heartbeat).
    public init() {}

    /// Whether the request carries nothing: sent alone it is a heartbeat.
    public var isHeartbeat: Bool {
        history == nil && summary == nil && output == nil && events == nil && uploaded.isEmpty && !preempting && !complete
    }

    /// The JSON body, in the shape the official client sends (keys that are not set left out).
    public func body() -> [UInt8] {
        var files: [String: JSONValue] = [:]
        for (name, chunk) in [(FileName.history, history), (FileName.summary, summary), (FileName.output, output), (FileName.events, events)] {
            guard let chunk else { continue }
            files[name] = ["offset": .int(Int64(chunk.offset)), "content": .array(chunk.lines.map(JSONValue.string))]
        }
        var object: [String: JSONValue] = [:]
        if !files.isEmpty { object["files"] = .object(files) }
        if !uploaded.isEmpty { object["uploaded"] = .array(uploaded.map(JSONValue.string)) }
        if preempting { object["preempting"] = true }
        if complete {
            object["complete"] = true
            if let exitCode { object["exitcode"] = .int(Int64(exitCode)) }
        }
        return JSONWriter.bytes(.object(object))
    }
}
