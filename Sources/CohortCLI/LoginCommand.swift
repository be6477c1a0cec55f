import ArgumentParser
import Cohort
import Foundation

/// `cohort login`: stores an API key in ~/.netrc, where W&B's tools look for it too.
struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Store an API key for a server in ~/.netrc (mode 0600), as `wandb login` does.",
        discussion: "Without KEY the key is read from standard input, so it does not show in `ps` or the shell history."
    )

    @Argument(help: "The API key (default: read from standard input).")
    var key: String?

    @Option(name: .long, help: "The server (default: COHORT_BASE_URL, WANDB_BASE_URL, or https://api.wandb.ai).")
    var host: String?

    func run() throws {
        let baseURL = host ?? Settings.fromEnvironment().baseURL ?? "https://api.wandb.ai"
        let secret = (key ?? readLine(strippingNewline: true) ?? "").trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty else { throw ValidationError("no API key given (pass it, or pipe it on standard input)") }
        do {
            let path = try Netrc.store(key: secret, baseURL: baseURL)
            print("stored the key for \(baseURL) in \(path)")
        } catch {
            FileHandle.standardError.write(Data("cohort login: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
