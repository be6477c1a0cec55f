import ArgumentParser
import Cohort
import CohortTransport

/// `cohort`: the command-line companion of the Cohort library.
///
/// Synchronous on purpose: with an async main, every thread blocks SIGINT and SIGTERM on Linux, and
/// `cohort launch` must receive them to pass them on to its ranks.
@main
struct CohortCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Track training runs with the W&B Run API, built for distributed training.",
        version: "cohort \(CohortVersion.current) (\(CurlLibrary.versionDescription))",
        subcommands: [RunsCommand.self, LaunchCommand.self, GroupCommand.self, ServerCommand.self, SyncCommand.self, LoginCommand.self, ArtifactCommand.self]
    )
}
