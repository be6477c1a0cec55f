/// What a journal record holds. The raw value is the type byte written before the payload.
///
/// Unknown kinds read from a newer journal are kept as `.unknown` so a reader skips them instead of
/// failing; every payload is a JSON object.
public enum JournalRecordKind: Sendable, Hashable {
    /// Identity and settings of the run at start (or at a resume): id, project, names, start time.
    case runStart
    /// A change of name, notes or tags while the run is live.
    case runUpdate
    /// The whole config after a change.
    case config
    /// One committed history row (`_step`, `_runtime`, `_timestamp` and the logged keys).
    case history
    /// Manual summary writes and removals, in the order they were made.
    case summaryUpdate
    /// A snapshot of the visible summary (written periodically and at finish).
    case summary
    /// A metric definition from `defineMetric`.
    case metric
    /// A file published into the run's `files/` directory with its upload policy.
    case file
    /// Captured console output.
    case output
    /// The run may be preempted soon.
    case preempting
    /// A resume of the run: the process that continues it and its starting step.
    case resume
    /// The run finished with an exit code.
    case finish
    /// Reserved for alerts (written by the online client).
    case alert
    /// Reserved for artifacts.
    case artifact
    /// Reserved for group coordination events.
    case groupEvent
    /// A kind this reader does not know.
    case unknown(UInt8)

    /// The type byte.
    public var rawValue: UInt8 {
        switch self {
        case .runStart: 1
        case .runUpdate: 2
        case .config: 3
        case .history: 4
        case .summaryUpdate: 5
        case .summary: 6
        case .metric: 7
        case .file: 8
        case .output: 9
        case .preempting: 10
        case .resume: 11
        case .finish: 12
        case .alert: 20
        case .artifact: 21
        case .groupEvent: 22
        case .unknown(let byte): byte
        }
    }

    /// The kind for a type byte.
    public init(rawValue: UInt8) {
        switch rawValue {
        case 1: self = .runStart
        case 2: self = .runUpdate
        case 3: self = .config
        case 4: self = .history
        case 5: self = .summaryUpdate
        case 6: self = .summary
        case 7: self = .metric
        case 8: self = .file
        case 9: self = .output
        case 10: self = .preempting
        case 11: self = .resume
        case 12: self = .finish
        case 20: self = .alert
        case 21: self = .artifact
        case 22: self = .groupEvent
        default: self = .unknown(rawValue)
        }
    }
}
