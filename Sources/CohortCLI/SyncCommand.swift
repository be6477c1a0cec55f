import ArgumentParser
import Cohort
import Foundation
import Synchronization

/// `cohort sync`: uploads offline runs, and runs whose live upload did not finish.
struct SyncCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Upload run directories to a W&B-compatible server (only what the server does not have yet).",
        discussion: """
            The server and key come from --base-url/--api-key, else COHORT_BASE_URL/WANDB_BASE_URL and \
            COHORT_API_KEY/WANDB_API_KEY, else the entry `cohort login` wrote to ~/.netrc. Running it twice \
            sends nothing twice: each run directory keeps a cursor of what the server acknowledged.
            """
    )

    @Argument(help: "Run directories (cohort/offline-run-… or cohort/run-…).")
    var runDirectories: [String] = []

    @Flag(name: .long, help: "Sync every run under --dir's cohort/ directory.")
    var all = false

    @Option(name: .long, help: "The directory that holds cohort/ for --all (default: COHORT_DIR, WANDB_DIR, or the current directory).")
    var dir: String?

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if !all && runDirectories.isEmpty { throw ValidationError("name run directories to sync, or pass --all") }
    }

    func run() throws {
        var settings = Settings.fromEnvironment()
        connection.apply(to: &settings)
        // Artifact uploads of a run get plain lines (the rows-left line owns the terminal's last line).
        let bars = Mutex<[String: TransferProgressBar]>([:])
        settings.onArtifactProgress = { report in
            let bar = bars.withLock { bars in
                if let bar = bars[report.artifact] { return bar }
                let bar = TransferProgressBar(isTerminal: false)
                bars[report.artifact] = bar
                return bar
            }
            bar.update(report)
        }
        var targets = runDirectories
        if all { targets += RunSync.runDirectories(under: dir ?? settings.dir ?? FileManager.default.currentDirectoryPath) }
        var failed = 0
        for target in targets {
            let directory = (target as NSString).standardizingPath
            FileHandle.standardError.write(Data("syncing \(directory)\n".utf8))
            do {
                let snapshot = settings
                let interactive = isatty(STDERR_FILENO) == 1
                let result = try BlockingAwait.run { () async throws(CohortError) -> RunSync.Result in
                    try await RunSync.sync(runDirectory: directory, settings: snapshot, progressInterval: interactive ? .milliseconds(200) : .seconds(5)) { left in
                        let line = "  left: \(left.historyLines) history rows, \(left.outputLines) console lines, \(left.files) files"
                        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
                    }
                }
                if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                if result.complete {
                    print("\(result.runID)\tsynced\t\(result.url ?? "")")
                } else {
                    failed += 1
                    print("\(result.runID)\tincomplete\t\(result.problem ?? "")")
                }
            } catch {
                failed += 1
                FileHandle.standardError.write(Data("cohort sync: \(directory): \(error)\n".utf8))
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }
}
