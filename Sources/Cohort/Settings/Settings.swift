public import Foundation
public import Logging

/// Everything that configures a run, read from the environment once and overridable in code.
///
/// `Settings.fromEnvironment()` reads `COHORT_*` variables first, then the `WANDB_*` names users already
/// set, then defaults. Arguments passed to `Run.start(...)` win over both.
public struct Settings: Sendable {
    /// Project name (`COHORT_PROJECT`, `WANDB_PROJECT`; default `uncategorized`).
    public var project: String?
    /// Entity (user or team) name (`COHORT_ENTITY`, `WANDB_ENTITY`).
    public var entity: String?
    /// Group name (`COHORT_RUN_GROUP`, `WANDB_RUN_GROUP`).
    public var group: String?
    /// Job type (`COHORT_JOB_TYPE`, `WANDB_JOB_TYPE`).
    public var jobType: String?
    /// Display name (`COHORT_NAME`, `WANDB_NAME`).
    public var name: String?
    /// Notes (`COHORT_NOTES`, `WANDB_NOTES`).
    public var notes: String?
    /// Tags (`COHORT_TAGS`, `WANDB_TAGS`, comma separated).
    public var tags: [String]?
    /// Run id (`COHORT_RUN_ID`, `WANDB_RUN_ID`).
    public var runID: String?
    /// Resume policy (`COHORT_RESUME`, `WANDB_RESUME`).
    public var resume: ResumePolicy?
    /// Mode (`COHORT_MODE`, `WANDB_MODE`; default `offline`). `online` streams to `baseURL`.
    public var mode: RunMode?
    /// Root directory; runs go under `<dir>/cohort/` (`COHORT_DIR`, `WANDB_DIR`; default the current
    /// directory).
    public var dir: String?
    /// Sweep id, set by a sweep agent (`COHORT_SWEEP_ID`, `WANDB_SWEEP_ID`).
    public var sweepID: String?
    /// API key for online mode (`COHORT_API_KEY`, `WANDB_API_KEY`). Never written to disk by a run.
    public var apiKey: String?
    /// Server address for online mode (`COHORT_BASE_URL`, `WANDB_BASE_URL`; default
    /// `https://api.wandb.ai`).
    public var baseURL: String?
    /// How long `Run.start` waits for the server in online mode (`COHORT_INIT_TIMEOUT_MS`, default
    /// 30 s). A server that cannot be reached in that time does not stop the run: it logs to its
    /// journal and the sender creates the run on the server when it can.
    public var initTimeout: Duration = .seconds(30)
    /// How long `finish()` waits for the upload of what is still unsent (`COHORT_FINISH_TIMEOUT_MS`,
    /// default 60 s); then it says what remains and that `cohort sync` will send it.
    public var finishTimeout: Duration = .seconds(60)
    /// The least time between two file_stream requests in online mode
    /// (`COHORT_FILE_STREAM_INTERVAL_MS`, default 5 s; the official client uses 15 s).
    public var fileStreamInterval: Duration = .seconds(5)
    /// Copy stdout and stderr into `output.log` (`COHORT_CONSOLE`/`WANDB_CONSOLE` = `off` turns it off).
    public var captureConsole: Bool = true
    /// How often the journal writer hands data to the operating system (`COHORT_JOURNAL_FLUSH_MS`,
    /// default 100 ms). Data handed over survives a crash of the process; `Run.flush()` and `finish`
    /// also force it to the disk.
    public var journalFlushInterval: Duration = .milliseconds(100)
    /// How many bytes of logged data may wait for the journal writer before `log` waits for it to
    /// catch up (`COHORT_MAX_QUEUED_BYTES`, default 64 MiB). Rows wait in a compact form (a few bytes
    /// per key), so this holds about a million 3-key rows; it bounds memory when the disk, or the
    /// writer, is slower than training.
    public var maximumQueuedBytes: Int = 64 << 20
    /// Finish live runs with exit code 128+signal on SIGINT and SIGTERM, then let the signal act
    /// (`COHORT_HANDLE_SIGNALS=false` turns it off). Only installed when no other handler is set.
    public var handleSignals: Bool = true
    /// Finish live runs with exit code 0 when the process exits normally (`COHORT_FINISH_AT_EXIT`).
    public var finishAtExit: Bool = true
    /// How often `live` saved files are checked for changes (`COHORT_LIVE_POLL_MS`, default 500 ms).
    public var livePollInterval: Duration = .milliseconds(500)
    /// Called once when the server asks an online run to stop (W&B's "stop run"). The official client
    /// interrupts the training process at that point; Cohort sets `Run.isStopRequested`, logs a
    /// warning and calls this, so the training loop decides how to end (default: nothing more).
    public var onStopRequested: (@Sendable () -> Void)?
    /// Called as artifact uploads of this run move bytes (at most every 100 ms, and when each file or
    /// part is done), from the sender's threads: it must return quickly. `cohort artifact put` draws
    /// its progress bar with it. Default: nothing.
    public var onArtifactProgress: (@Sendable (ArtifactTransferProgress) -> Void)?
    /// Artifact files of at least this many bytes are uploaded in parallel parts
    /// (`COHORT_ARTIFACT_MULTIPART_THRESHOLD_BYTES`, default 2 GiB, W&B's threshold).
    public var artifactMultipartThreshold: Int64 = 2 << 30
    /// The size of each part of a multipart artifact upload, the last holding the rest
    /// (`COHORT_ARTIFACT_PART_BYTES`, default 100 MiB, W&B's part size; at least 1 byte).
    public var artifactPartBytes: Int64 = 100 << 20
    /// The most artifact uploads (files or parts) at once (`COHORT_ARTIFACT_PARALLEL_UPLOADS`, default 8).
    public var artifactParallelUploads: Int = 8
    /// A PEM file of certificate authorities to trust for the server instead of the system's, for a
    /// server with a private CA (`COHORT_CA_BUNDLE`, else `SSL_CERT_FILE`, else `REQUESTS_CA_BUNDLE`,
    /// which the official client's tools also read). Certificates are always verified.
    public var caBundle: String?
    /// Where downloaded artifact files are cached by MD5 (`COHORT_CACHE_DIR`; default
    /// `~/.cache/cohort`); files go under `<cacheDir>/artifacts/`.
    public var cacheDir: String?
    /// What the launcher (torchrun, mpirun, srun, …) told this process, from `Launch.detect()`.
    /// When it places the process in a multi-rank job or a Slurm array, the run joins the job's group
    /// as `<group>-rank<N>` (or `-fold<N>`) with an id derived from both, so a restarted job resumes
    /// its runs. `nil` (the default for `Settings()`) means a process on its own.
    public var launch: LaunchInfo?
    /// Link the ranks of a launched job to their group's leader on rank 0, which logs the group's
    /// aggregate run (`COHORT_GROUP_LINK=false` turns it off; each rank's own run is unaffected).
    public var groupLink: Bool = true
    /// How ranks find their leader and how the leader judges them (`COHORT_GROUP_*` variables).
    public var groupLinkOptions = GroupLinkOptions()
    /// The logger for warnings (a smaller step, dropped rows) and diagnostics.
    public var logger: Logger = Logger(label: "cohort")

    /// Settings with every value unset (defaults apply).
    public init() {}

    /// Reads the settings from `environment` (the process environment by default).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Settings {
        let reader = EnvironmentReader(environment: environment)
        var settings = Settings()
        settings.project = reader.string("PROJECT")
        settings.entity = reader.string("ENTITY")
        settings.group = reader.string("RUN_GROUP")
        settings.jobType = reader.string("JOB_TYPE")
        settings.name = reader.string("NAME")
        settings.notes = reader.string("NOTES")
        settings.tags = reader.string("TAGS").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        settings.runID = reader.string("RUN_ID")
        settings.resume = reader.string("RESUME").flatMap(Self.parseResume)
        settings.mode = reader.string("MODE").flatMap(Self.parseMode)
        settings.dir = reader.string("DIR")
        settings.sweepID = reader.string("SWEEP_ID")
        settings.apiKey = reader.string("API_KEY")
        settings.baseURL = reader.string("BASE_URL")
        if let milliseconds = reader.integer("INIT_TIMEOUT_MS", cohortOnly: true), milliseconds > 0 {
            settings.initTimeout = .milliseconds(milliseconds)
        }
        if let milliseconds = reader.integer("FINISH_TIMEOUT_MS", cohortOnly: true), milliseconds >= 0 {
            settings.finishTimeout = .milliseconds(milliseconds)
        }
        if let milliseconds = reader.integer("FILE_STREAM_INTERVAL_MS", cohortOnly: true), milliseconds > 0 {
            settings.fileStreamInterval = .milliseconds(milliseconds)
        }
        if let console = reader.string("CONSOLE") {
            settings.captureConsole = !["off", "false", "0", "no"].contains(console.lowercased())
        }
        if let milliseconds = reader.integer("JOURNAL_FLUSH_MS", cohortOnly: true), milliseconds >= 0 {
            settings.journalFlushInterval = .milliseconds(milliseconds)
        }
        if let bytes = reader.integer("MAX_QUEUED_BYTES", cohortOnly: true), bytes > 0 {
            settings.maximumQueuedBytes = bytes
        }
        if let flag = reader.bool("HANDLE_SIGNALS") { settings.handleSignals = flag }
        if let flag = reader.bool("FINISH_AT_EXIT") { settings.finishAtExit = flag }
        if let milliseconds = reader.integer("LIVE_POLL_MS", cohortOnly: true), milliseconds > 0 {
            settings.livePollInterval = .milliseconds(milliseconds)
        }
        if let flag = reader.bool("GROUP_LINK") { settings.groupLink = flag }
        if let bytes = reader.integer("ARTIFACT_MULTIPART_THRESHOLD_BYTES", cohortOnly: true), bytes > 0 {
            settings.artifactMultipartThreshold = Int64(bytes)
        }
        if let bytes = reader.integer("ARTIFACT_PART_BYTES", cohortOnly: true), bytes > 0 { settings.artifactPartBytes = Int64(bytes) }
        if let count = reader.integer("ARTIFACT_PARALLEL_UPLOADS", cohortOnly: true), count > 0 { settings.artifactParallelUploads = count }
        settings.cacheDir = reader.string("CACHE_DIR", cohortOnly: true)
        settings.caBundle = reader.string("CA_BUNDLE", cohortOnly: true)
            ?? [environment["SSL_CERT_FILE"], environment["REQUESTS_CA_BUNDLE"]].compactMap { $0 }.first { !$0.isEmpty }
        settings.groupLinkOptions = GroupLinkOptions(reader: reader)
        settings.launch = Launch.detect(environment)
        return settings
    }

    /// W&B spells modes a few ways (`dryrun` is offline, `run` is online).
    static func parseMode(_ text: String) -> RunMode? {
        switch text.lowercased() {
        case "online", "run": .online
        case "offline", "dryrun": .offline
        case "disabled": .disabled
        default: nil
        }
    }

    /// W&B also accepts `true` (auto) and `false` (unset).
    static func parseResume(_ text: String) -> ResumePolicy? {
        switch text.lowercased() {
        case "true": .auto
        case "false", "": nil
        default: ResumePolicy(rawValue: text.lowercased())
        }
    }
}

extension Settings {
    /// `<dir>/cohort` as an absolute path (`dir` defaults to the current directory): where runs live.
    var cohortRoot: String {
        let currentDirectory = FileManager.default.currentDirectoryPath
        let base = dir.map { $0.hasPrefix("/") ? $0 : currentDirectory + "/" + $0 } ?? currentDirectory
        return SavePath.normalize(base) + "/cohort"
    }

    /// `<cacheDir>/artifacts` (default `~/.cache/cohort/artifacts`): downloaded artifact files by MD5.
    var artifactCacheDirectory: String {
        let root = cacheDir ?? (FileManager.default.homeDirectoryForCurrentUser.path + "/.cache/cohort")
        return SavePath.normalize(root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root) + "/artifacts"
    }

    /// How the sender uploads artifacts.
    var artifactUpload: ArtifactUploader.Configuration {
        ArtifactUploader.Configuration(
            multipartThreshold: artifactMultipartThreshold, partBytes: max(1, artifactPartBytes), parallelUploads: max(1, artifactParallelUploads))
    }
}

/// Reads `COHORT_<NAME>`, then `WANDB_<NAME>`.
struct EnvironmentReader {
    let environment: [String: String]

    func string(_ name: String, cohortOnly: Bool = false) -> String? {
        if let value = environment["COHORT_" + name], !value.isEmpty { return value }
        if !cohortOnly, let value = environment["WANDB_" + name], !value.isEmpty { return value }
        return nil
    }

    func integer(_ name: String, cohortOnly: Bool = false) -> Int? {
        string(name, cohortOnly: cohortOnly).flatMap { Int($0) }
    }

    func bool(_ name: String) -> Bool? {
        switch string(name, cohortOnly: true)?.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }
}
