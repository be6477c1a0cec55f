import ArgumentParser
import Cohort

/// `--base-url`, `--api-key`, `--entity`: the server options every command that talks to one takes.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: "The server, e.g. http://127.0.0.1:8080 (default: COHORT_BASE_URL, WANDB_BASE_URL).")
    var baseURL: String?

    @Option(name: .long, help: "The API key (prefer `cohort login` or WANDB_API_KEY: arguments show in `ps`).")
    var apiKey: String?

    @Option(name: .long, help: "The entity (default: the API key's).")
    var entity: String?

    /// `settings` with the options given on the command line in place of the environment's.
    func apply(to settings: inout Settings) {
        if let baseURL { settings.baseURL = baseURL }
        if let apiKey { settings.apiKey = apiKey }
        if let entity { settings.entity = entity }
    }
}
