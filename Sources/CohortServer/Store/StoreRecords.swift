public import Foundation

/// A run's address: `entity/project/name`, where `name` is the run id the client chose (W&B
/// calls it the bucket's `name`).
public struct RunKey: Sendable, Hashable, CustomStringConvertible {
    public var entity: String
    public var project: String
    public var name: String

    public init(entity: String, project: String, name: String) {
        self.entity = entity
        self.project = project
        self.name = name
    }

    public var description: String { "\(entity)/\(project)/\(name)" }
}

/// Where a run stands.
public enum RunState: String, Sendable, CaseIterable {
    case running, finished, failed, crashed
}

/// A stored run.
public struct RunRecord: Sendable, Equatable {
    /// The server's opaque id for the run (W&B's bucket `id`), stable across upserts.
    public var storageID: String
    public var key: RunKey
    public var displayName: String
    public var groupName: String?
    public var jobType: String?
    public var notes: String?
    public var description: String?
    public var host: String?
    public var program: String?
    public var commit: String?
    public var repo: String?
    public var sweep: String?
    public var tags: [String]
    /// The config as W&B sends it: JSON text of `{key: {"value": …}}`.
    public var config: String
    /// The latest summary line: JSON text of an object.
    public var summary: String
    public var state: RunState
    public var exitCode: Int?
    /// Lines of `wandb-history.jsonl` stored (the next history offset).
    public var historyLineCount: Int
    /// Lines of `wandb-events.jsonl` stored.
    public var eventsLineCount: Int
    /// Lines of `output.log` stored.
    public var logLineCount: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// The last time the client was heard from (upsert or file_stream).
    public var heartbeatAt: Date
    /// The client marked the run preempting (`file_stream` `preempting: true`); it may be resumed.
    public var preempting: Bool
    /// Someone asked the run to stop (`stopRun`): file_stream answers `{"stopped": true}` until the
    /// run finishes, which clears it.
    public var stopRequested: Bool

    public init(
        storageID: String, key: RunKey, displayName: String, groupName: String? = nil, jobType: String? = nil,
        notes: String? = nil, description: String? = nil, host: String? = nil, program: String? = nil,
        commit: String? = nil, repo: String? = nil, sweep: String? = nil, tags: [String] = [], config: String = "{}",
        summary: String = "{}", state: RunState = .running, exitCode: Int? = nil, historyLineCount: Int = 0,
        eventsLineCount: Int = 0, logLineCount: Int = 0, createdAt: Date, updatedAt: Date, heartbeatAt: Date,
        preempting: Bool = false, stopRequested: Bool = false
    ) {
        self.storageID = storageID
        self.key = key
        self.displayName = displayName
        self.groupName = groupName
        self.jobType = jobType
        self.notes = notes
        self.description = description
        self.host = host
        self.program = program
        self.commit = commit
        self.repo = repo
        self.sweep = sweep
        self.tags = tags
        self.config = config
        self.summary = summary
        self.state = state
        self.exitCode = exitCode
        self.historyLineCount = historyLineCount
        self.eventsLineCount = eventsLineCount
        self.logLineCount = logLineCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.heartbeatAt = heartbeatAt
        self.preempting = preempting
        self.stopRequested = stopRequested
    }
}

/// What an `UpsertBucket` carries: `nil` fields leave the stored value as it is.
public struct RunUpsert: Sendable, Equatable {
    public var key: RunKey
    public var displayName: String?
    public var groupName: String?
    public var jobType: String?
    public var notes: String?
    public var description: String?
    public var host: String?
    public var program: String?
    public var commit: String?
    public var repo: String?
    public var sweep: String?
    public var tags: [String]?
    /// JSON text of the config (`{key: {"value": …}}`); replaces the stored config when given.
    public var config: String?
    /// JSON text of summary metrics; merged over the stored summary when given.
    public var summaryMetrics: String?
    public var state: RunState?

    public init(key: RunKey) { self.key = key }
}

/// One `file_stream` request, already split per file (see `wandb-protocol.md` §4).
public struct FileStreamBatch: Sendable, Equatable {
    /// Lines for one file, starting at `offset` (the line number of the first one).
    public struct Chunk: Sendable, Equatable {
        public var offset: Int
        public var lines: [String]

        public init(offset: Int, lines: [String]) {
            self.offset = offset
            self.lines = lines
        }
    }

    /// `wandb-history.jsonl`: append-only; lines below the stored count are a retry and ignored.
    public var history: Chunk?
    /// `wandb-events.jsonl`: append-only, like history.
    public var events: Chunk?
    /// `wandb-summary.json`: the last line replaces the summary.
    public var summary: Chunk?
    /// `output.log`: lines overwrite from `offset` (a progress bar rewrites its line).
    public var console: Chunk?
    /// Run files the client says it has uploaded.
    public var uploaded: [String]
    /// The run ended: `exitCode` decides finished (0) or failed.
    public var complete: Bool
    public var exitCode: Int?
    /// The client marked the run preempting.
    public var preempting: Bool

    public init(
        history: Chunk? = nil, events: Chunk? = nil, summary: Chunk? = nil, console: Chunk? = nil,
        uploaded: [String] = [], complete: Bool = false, exitCode: Int? = nil, preempting: Bool = false
    ) {
        self.history = history
        self.events = events
        self.summary = summary
        self.console = console
        self.uploaded = uploaded
        self.complete = complete
        self.exitCode = exitCode
        self.preempting = preempting
    }
}

/// An API key as stored: only the SHA-256 of the secret is kept.
public struct APIKeyRecord: Sendable, Equatable {
    public var id: String
    /// Lowercase hex SHA-256 of the whole key.
    public var secretHash: String
    /// A human label (`admin`, `ci`, …).
    public var label: String
    /// The entity the key acts as; its runs go there when a client names no entity.
    public var entity: String
    /// Admin keys act in every entity and may manage keys.
    public var isAdmin: Bool
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String, secretHash: String, label: String, entity: String, isAdmin: Bool, createdAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.secretHash = secretHash
        self.label = label
        self.entity = entity
        self.isAdmin = isAdmin
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// A project as listed.
public struct ProjectRecord: Sendable, Equatable {
    public var entity: String
    public var name: String
    public var runCount: Int
    public var lastActivity: Date?

    public init(entity: String, name: String, runCount: Int, lastActivity: Date?) {
        self.entity = entity
        self.name = name
        self.runCount = runCount
        self.lastActivity = lastActivity
    }
}

/// A file stored for a run (`CreateRunFiles` + PUT).
public struct RunFileRecord: Sendable, Equatable {
    public var name: String
    /// Lowercase hex SHA-256 of the content; `nil` until the bytes arrive.
    public var digest: String?
    public var size: Int?
    public var updatedAt: Date

    public init(name: String, digest: String?, size: Int?, updatedAt: Date) {
        self.name = name
        self.digest = digest
        self.size = size
        self.updatedAt = updatedAt
    }
}

/// An alert (`NotifyScriptableRunAlert`).
public struct AlertRecord: Sendable, Equatable {
    public enum Severity: String, Sendable, CaseIterable { case info = "INFO", warn = "WARN", error = "ERROR" }
    public var key: RunKey
    public var title: String
    public var text: String
    public var severity: Severity
    public var createdAt: Date

    public init(key: RunKey, title: String, text: String, severity: Severity, createdAt: Date) {
        self.key = key
        self.title = title
        self.text = text
        self.severity = severity
        self.createdAt = createdAt
    }
}
