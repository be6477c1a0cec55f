/// The command line: `CohortBench <log|start|lifecycle> --dir PATH [--name VALUE …]`.
///
/// Every benchmark writes its runs under `--dir` (created when missing) and prints one JSON object on
/// stdout. Numbers not given fall back to the defaults below.
struct BenchOptions: Sendable {
    /// Which benchmark to run.
    enum Command: String, Sendable {
        /// `log()` throughput and latency for each workload, and rows persisted per second.
        case log
        /// Time of `Run.start`, first in the process and warm.
        case start
        /// Peak RSS and `finish()` time after logging `--rows` rows.
        case lifecycle
        /// One rank of `cohort launch`: `log()` cost with the group link on or off, and the leader's
        /// aligned steps per second with ranks in separate processes (rank 0 prints the report).
        case rank
        /// Rows streamed to a server online (`COHORT_BASE_URL`, `COHORT_API_KEY`) until acknowledged.
        case online
        /// Image encoding (MB/s of raw pixels, through `log`) and histogram computation (values/s).
        case media
        /// One file as an artifact to a server (`COHORT_BASE_URL`, `COHORT_API_KEY`): hashing
        /// (`addFile`) and upload (`logArtifact` until `finish()` returned) timed apart.
        case artifact
    }

    var command: Command
    var directory: String
    /// Rows timed per workload (`--rows3`, `--rows50`, `--nested`).
    var rowsPerWorkload: [Workload: Int] = [.scalars3: 100_000, .scalars50: 20_000, .nested: 50_000]
    /// Rows logged (and flushed) before timing starts (`--warmup`).
    var warmupRows = 1_000
    /// How many times each `log` workload is measured, each time in a new run (`--repeat`).
    var repetitions = 3
    /// Runs started by the `start` benchmark (`--count`).
    var startCount = 10
    /// Rows logged by the `lifecycle` benchmark (`--rows`).
    var lifecycleRows = 100_000
    /// The row shape of the `lifecycle` benchmark (`--shape scalars3|scalars50|nested`).
    var lifecycleShape = Workload.scalars3
    /// `Settings.maximumQueuedBytes` for the `lifecycle` benchmark (`--max-queued-bytes`); `nil` keeps
    /// the library's default.
    var maximumQueuedBytes: Int?
    /// Rows each rank logs, timed, in the `rank` benchmark (`--steps`).
    var rankSteps = 200_000
    /// The file the `artifact` benchmark uploads (`--file`).
    var artifactFile: String?

    /// The usage text printed on a bad command line.
    static let usage = """
        usage: CohortBench log --dir DIR [--rows3 N] [--rows50 N] [--nested N] [--warmup N] [--repeat N]
               CohortBench start --dir DIR [--count N]
               CohortBench lifecycle --dir DIR [--rows N] [--shape scalars3|scalars50|nested] [--max-queued-bytes N]
               CohortBench rank --dir DIR [--steps N] [--warmup N]   (each rank of `cohort launch`)
               CohortBench online --dir DIR [--rows N]   (COHORT_BASE_URL and COHORT_API_KEY name the server)
               CohortBench media --dir DIR [--repeat N]
               CohortBench artifact --dir DIR --file PATH   (COHORT_BASE_URL and COHORT_API_KEY name the server)
        """

    /// Parses `arguments` (without the program name); `nil` when they are not understood.
    static func parse(_ arguments: [String]) -> BenchOptions? {
        guard let first = arguments.first, let command = Command(rawValue: first) else { return nil }
        var options = BenchOptions(command: command, directory: "")
        var rest = arguments.dropFirst()
        while let name = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            guard options.set(name, value) else { return nil }
        }
        return options.directory.isEmpty ? nil : options
    }

    /// Applies one `--name value` pair; `false` for an unknown name or a bad number.
    private mutating func set(_ name: String, _ value: String) -> Bool {
        switch name {
        case "--dir":
            directory = value
            return true
        case "--file":
            artifactFile = value
            return true
        case "--shape":
            guard let shape = Workload(rawValue: value) else { return false }
            lifecycleShape = shape
            return true
        default:
            break
        }
        guard let number = Int(value), number > 0 else { return false }
        switch name {
        case "--rows3": rowsPerWorkload[.scalars3] = number
        case "--rows50": rowsPerWorkload[.scalars50] = number
        case "--nested": rowsPerWorkload[.nested] = number
        case "--warmup": warmupRows = number
        case "--repeat": repetitions = number
        case "--count": startCount = number
        case "--rows": lifecycleRows = number
        case "--max-queued-bytes": maximumQueuedBytes = number
        case "--steps": rankSteps = number
        default: return false
        }
        return true
    }
}
