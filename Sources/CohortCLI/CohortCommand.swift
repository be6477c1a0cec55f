import ArgumentParser
import Cohort
import CohortTransport

/// `cohort`: the command-line companion of the Cohort library.
@main
struct CohortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cohort",
        abstract: "Track training runs with the W&B Run API, built for distributed training.",
        version: "cohort \(CohortVersion.current) (\(CurlLibrary.versionDescription))",
        subcommands: [RunsCommand.self]
    )
}
