/// One message of the leader/worker protocol, as it travels in a frame (see `CoordinatorCodec`).
///
/// Workers send `hello`, `step`, `summary`, `heartbeat` and `finish`; the leader answers a `hello`
/// with `welcome` or `reject`. Every message is a plain value, so the state machines and tests can
/// build and compare them without a connection.
public enum CoordinatorMessage: Sendable, Equatable {
    /// A worker introduces itself (first message on every connection, also after a reconnect).
    case hello(Hello)
    /// The leader accepted a `hello`.
    case welcome(Welcome)
    /// The leader refused a `hello`; it closes the connection after sending this.
    case reject(Reject)
    /// Scalar metrics a rank logged at one step.
    case step(StepReport)
    /// A rank's run summary (sent again whenever it changes; the latest wins).
    case summary(SummaryReport)
    /// A sign of life from a rank.
    case heartbeat(Heartbeat)
    /// A rank's run finished.
    case finish(Finish)
}

extension CoordinatorMessage {
    /// The version of the wire protocol this build speaks (carried in every frame and in `hello`).
    public static let protocolVersion: UInt8 = 1

    /// The first message of a connection: who the worker is and the group token it knows.
    public struct Hello: Sendable, Equatable {
        /// The protocol version the worker speaks.
        public var protocolVersion: UInt8
        /// The worker's global rank, `0..<worldSize`.
        public var rank: Int
        /// The number of ranks the worker believes the group has.
        public var worldSize: Int
        /// The id of the worker's own run.
        public var runID: String
        /// The worker's host name.
        public var host: String
        /// The worker's process id.
        public var pid: Int32
        /// The shared secret of the group; the leader rejects a `hello` without the right one.
        public var groupToken: String
        /// The group name the worker was configured with, if any.
        public var groupName: String?
        /// Step reports the worker dropped so far (its queue was full), reported on every (re)connect.
        public var droppedReports: UInt64

        /// Creates a `hello`.
        public init(
            protocolVersion: UInt8 = CoordinatorMessage.protocolVersion, rank: Int, worldSize: Int,
            runID: String, host: String, pid: Int32, groupToken: String, groupName: String? = nil,
            droppedReports: UInt64 = 0
        ) {
            self.protocolVersion = protocolVersion
            self.rank = rank
            self.worldSize = worldSize
            self.runID = runID
            self.host = host
            self.pid = pid
            self.groupToken = groupToken
            self.groupName = groupName
            self.droppedReports = droppedReports
        }
    }

    /// The leader's answer to an accepted `hello`.
    public struct Welcome: Sendable, Equatable {
        /// The name of the group the worker joined.
        public var groupName: String
        /// The id of the group's aggregate run, written by the leader.
        public var leaderRunID: String
        /// The protocol version the leader accepted for this connection.
        public var protocolVersion: UInt8

        /// Creates a `welcome`.
        public init(groupName: String, leaderRunID: String, protocolVersion: UInt8 = CoordinatorMessage.protocolVersion) {
            self.groupName = groupName
            self.leaderRunID = leaderRunID
            self.protocolVersion = protocolVersion
        }
    }

    /// The leader's answer to a refused `hello`.
    public struct Reject: Sendable, Equatable {
        /// Why the `hello` was refused, for the worker's log (never contains the token).
        public var reason: String

        /// Creates a `reject`.
        public init(reason: String) { self.reason = reason }
    }

    /// The scalar metrics one rank logged at one step.
    public struct StepReport: Sendable, Equatable {
        /// The reporting rank.
        public var rank: Int
        /// The step the metrics belong to.
        public var step: Int64
        /// Metric name to value; nested names are already flattened by the caller (`"train/loss"`).
        /// NaN and infinities are allowed.
        public var metrics: [String: Double]

        /// Creates a step report.
        public init(rank: Int, step: Int64, metrics: [String: Double]) {
            self.rank = rank
            self.step = step
            self.metrics = metrics
        }

        /// Equal when rank, step and metrics match bit for bit (so NaN equals NaN).
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.rank == rhs.rank && lhs.step == rhs.step && sameMetrics(lhs.metrics, rhs.metrics)
        }
    }

    /// A rank's run summary: numbers (aggregated across ranks by the leader) and strings (kept per rank).
    public struct SummaryReport: Sendable, Equatable {
        /// The reporting rank.
        public var rank: Int
        /// Numeric summary values (NaN and infinities allowed).
        public var values: [String: Double]
        /// String summary values.
        public var strings: [String: String]

        /// Creates a summary report.
        public init(rank: Int, values: [String: Double], strings: [String: String] = [:]) {
            self.rank = rank
            self.values = values
            self.strings = strings
        }

        /// Equal when rank, strings and values match, values bit for bit (so NaN equals NaN).
        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.rank == rhs.rank && lhs.strings == rhs.strings && sameMetrics(lhs.values, rhs.values)
        }
    }

    /// A sign of life from a rank.
    public struct Heartbeat: Sendable, Equatable {
        /// The rank sending it.
        public var rank: Int
        /// The worker's wall-clock time in seconds since 1970 (informational: the leader judges
        /// liveness with its own clock).
        public var time: Double
        /// Step reports the worker dropped so far.
        public var droppedReports: UInt64

        /// Creates a heartbeat.
        public init(rank: Int, time: Double, droppedReports: UInt64 = 0) {
            self.rank = rank
            self.time = time
            self.droppedReports = droppedReports
        }
    }

    /// A rank's run finished.
    public struct Finish: Sendable, Equatable {
        /// The rank that finished.
        public var rank: Int
        /// The process exit code the rank finished with (0 is success).
        public var exitCode: Int32
        /// The last step the rank logged.
        public var finalStep: Int64

        /// Creates a finish message.
        public init(rank: Int, exitCode: Int32, finalStep: Int64) {
            self.rank = rank
            self.exitCode = exitCode
            self.finalStep = finalStep
        }
    }
}

/// Compares metric dictionaries bit for bit, so NaN equals NaN (a round trip keeps NaN).
private func sameMetrics(_ lhs: [String: Double], _ rhs: [String: Double]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    for (key, value) in lhs {
        guard let other = rhs[key], other.bitPattern == value.bitPattern else { return false }
    }
    return true
}
