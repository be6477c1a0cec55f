/// A run's identity and settings as W&B's `UpsertBucket` takes them: created on the first call,
/// updated by later ones (name, notes, tags, config changed while the run is live).
public struct RunUpsert: Sendable, Equatable {
    /// The run id (W&B's `name` variable).
    public var runID: String
    /// The project.
    public var project: String
    /// The entity; `nil` lets the server use the key's default entity.
    public var entity: String?
    /// The display name; `nil` lets the server generate one.
    public var displayName: String?
    /// Notes (W&B's `notes`).
    public var notes: String?
    /// The group.
    public var group: String?
    /// The job type.
    public var jobType: String?
    /// Tags.
    public var tags: [String]
    /// The sweep the run belongs to.
    public var sweepID: String?
    /// The host the run runs on.
    public var host: String?
    /// The program (W&B's `program`).
    public var program: String?
    /// The whole config, unwrapped (`["lr": 0.1]`); the API client wraps it the way W&B stores it.
    public var config: [String: JSONValue]?

    /// Creates an upsert.
    public init(
        runID: String, project: String, entity: String? = nil, displayName: String? = nil, notes: String? = nil,
        group: String? = nil, jobType: String? = nil, tags: [String] = [], sweepID: String? = nil,
        host: String? = nil, program: String? = nil, config: [String: JSONValue]? = nil
    ) {
        self.runID = runID
        self.project = project
        self.entity = entity
        self.displayName = displayName
        self.notes = notes
        self.group = group
        self.jobType = jobType
        self.tags = tags
        self.sweepID = sweepID
        self.host = host
        self.program = program
        self.config = config
    }
}
