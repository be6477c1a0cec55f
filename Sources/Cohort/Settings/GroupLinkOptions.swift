/// How the ranks of a launched job find and talk to their group's leader (rank 0).
///
/// Every value has an environment variable (read by `Settings.fromEnvironment()`), so a job
/// template can tune the group without code changes.
public struct GroupLinkOptions: Sendable, Equatable {
    /// The shared secret a rank must present to the leader (`COHORT_GROUP_TOKEN`). Default: the
    /// group name, which keeps out strangers that do not know the job; set a secret for more.
    public var token: String?
    /// A directory every rank can read, where the leader publishes its address
    /// (`COHORT_RENDEZVOUS_DIR`). Default: `<dir>/cohort/rendezvous`, which ranks on one host share;
    /// on a cluster point it at a shared filesystem when no leader address is in the environment.
    public var rendezvousDirectory: String?
    /// How long a step waits for the ranks that have not reported it before it is aggregated
    /// without them (`COHORT_GROUP_WINDOW_MS`). Default 10 s.
    public var alignmentWindow: Duration = .seconds(10)
    /// A rank silent for this long is marked dead (`COHORT_GROUP_RANK_TIMEOUT_MS`). Default 30 s.
    /// Ranks send a heartbeat at a sixth of it (at most every 5 s).
    public var rankTimeout: Duration = .seconds(30)
    /// How long the leader waits for every rank to join before marking the absent ones missing
    /// (`COHORT_GROUP_JOIN_TIMEOUT_MS`). Default 60 s.
    public var joinTimeout: Duration = .seconds(60)
    /// How long rank 0's `finish` waits for the other ranks to finish (`COHORT_GROUP_FINISH_TIMEOUT_MS`).
    /// Default 60 s.
    public var finishTimeout: Duration = .seconds(60)
    /// How long a worker rank's `finish` waits to hand its queued reports and its finish to the
    /// leader (`COHORT_GROUP_WORKER_FINISH_TIMEOUT_MS`). Default 10 s. A worker that was connected
    /// and whose leader refuses the reconnect during finish (it is gone) stops waiting at once.
    public var workerFinishTimeout: Duration = .seconds(10)
    /// The most steps the leader keeps open waiting for every rank (`COHORT_GROUP_MAX_OPEN_STEPS`).
    /// Past it the oldest open step is aggregated with the ranks it has, and reports for it that
    /// arrive later are counted as `late_reports` in the group summary. `nil` (the default) sizes
    /// it by world size: room for 131,072 open rank-reports (about 20–50 MB), at least 1,024 steps
    /// (`LeaderStateMachine.Configuration.defaultMaximumOpenSteps(worldSize:)`).
    public var maximumOpenSteps: Int?
    /// How long a rank of a job without a group id waits for rank 0 to publish the group it minted
    /// (`COHORT_GROUP_WAIT_MS`). Default 30 s; past it the rank runs alone, outside any group.
    public var groupWait: Duration = .seconds(30)

    /// Options with the documented defaults.
    public init() {}

    /// The heartbeat interval for `rankTimeout`: a sixth of it, between 50 ms and 5 s.
    var heartbeatInterval: Duration {
        min(max(rankTimeout / 6, .milliseconds(50)), .seconds(5))
    }

    /// Reads the `COHORT_GROUP_*` and `COHORT_RENDEZVOUS_DIR` variables.
    init(reader: EnvironmentReader) {
        token = reader.string("GROUP_TOKEN", cohortOnly: true)
        rendezvousDirectory = reader.string("RENDEZVOUS_DIR", cohortOnly: true)
        func duration(_ name: String) -> Duration? {
            reader.integer(name, cohortOnly: true).flatMap { $0 > 0 ? .milliseconds($0) : nil }
        }
        if let value = duration("GROUP_WINDOW_MS") { alignmentWindow = value }
        if let value = duration("GROUP_RANK_TIMEOUT_MS") { rankTimeout = value }
        if let value = duration("GROUP_JOIN_TIMEOUT_MS") { joinTimeout = value }
        if let value = duration("GROUP_FINISH_TIMEOUT_MS") { finishTimeout = value }
        if let value = duration("GROUP_WAIT_MS") { groupWait = value }
        if let value = duration("GROUP_WORKER_FINISH_TIMEOUT_MS") { workerFinishTimeout = value }
        if let value = reader.integer("GROUP_MAX_OPEN_STEPS", cohortOnly: true), value > 0 { maximumOpenSteps = value }
    }
}
