import ArgumentParser
import Cohort
import Foundation

/// `cohort artifact put|get`: upload a file or directory as an artifact version, or download one.
struct ArtifactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "artifact",
        abstract: "Upload or download W&B artifacts.",
        subcommands: [Put.self, Get.self]
    )

    /// The server options shared by `put` and `get`.
    struct ServerOptions: ParsableArguments {
        @Option(name: .long, help: "The project (default: COHORT_PROJECT, WANDB_PROJECT, or uncategorized).")
        var project: String?

        @OptionGroup var connection: ConnectionOptions

        func settings() -> Settings {
            var settings = Settings.fromEnvironment()
            if let project { settings.project = project }
            connection.apply(to: &settings)
            return settings
        }
    }

    /// `cohort artifact put PATH --name N --type T [--alias A…]`.
    struct Put: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a file or directory as a new artifact version (nothing is sent when the collection has the same content).")

        @Argument(help: "A file or directory.")
        var path: String

        @Option(name: .long, help: "The artifact name (letters, digits, '_', '-', '.').")
        var name: String

        @Option(name: .long, help: "The artifact type, e.g. dataset or model.")
        var type: String

        @Option(name: .long, help: "An alias for the new version besides latest (repeatable).")
        var alias: [String] = []

        @Option(name: .customLong("description"), help: "A description of the version.")
        var versionDescription: String?

        @OptionGroup var server: ServerOptions

        func run() throws {
            var settings = server.settings()
            settings.mode = .online
            settings.captureConsole = false
            settings.finishTimeout = .seconds(7 * 24 * 3600)  // the upload is the whole point: wait for it
            settings.jobType = settings.jobType ?? "artifact-put"
            settings.dir = settings.dir ?? FileManager.default.temporaryDirectory.path
            var artifact = try Artifact(name: name, type: type, description: versionDescription)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("\(path) does not exist")
            }
            if isDirectory.boolValue { try artifact.addDirectory(path) } else { try artifact.addFile(path) }
            let files = artifact.entries.count
            let megabytes = Double(artifact.size) / 1_048_576
            let size = (megabytes * 10).rounded() / 10
            FileHandle.standardError.write(Data("uploading \(name): \(files) files, \(size) MiB\n".utf8))
            let bar = TransferProgressBar()
            settings.onArtifactProgress = { bar.update($0) }
            let snapshot = settings
            let aliases = alias
            let logged = artifact
            let url = try BlockingAwait.run { () async throws(CohortError) -> String? in
                let run = try await Run.start(settings: snapshot)
                try run.logArtifact(logged, aliases: aliases)
                await run.finish()
                return run.url
            }
            bar.end()
            FileHandle.standardError.write(Data("uploaded \(name) (\(url ?? "run page unknown"))\n".utf8))
            print("\(name)\t\(artifact.digest)")
        }
    }

    /// `cohort artifact get NAME:ALIAS [--root DIR]`.
    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download an artifact version (files already in the cache are not fetched).")

        @Argument(help: "[entity/][project/]name[:alias]; the alias defaults to latest.")
        var name: String

        @Option(name: .long, help: "The destination directory (default: ./artifacts/<name>:<version>).")
        var root: String?

        @Flag(name: .long, help: "Download straight into the destination, neither using nor filling the cache.")
        var skipCache = false

        @OptionGroup var server: ServerOptions

        func run() throws {
            let settings = server.settings()
            let (name, root, skipCache) = (self.name, self.root, self.skipCache)
            let bar = TransferProgressBar()
            let result = try BlockingAwait.run { () async throws(CohortError) -> (artifact: UsedArtifact, directory: String) in
                try await UsedArtifact.download(name, to: root, settings: settings, skipCache: skipCache) { bar.update($0) }
            }
            bar.end()
            print("\(result.artifact.name):\(result.artifact.version)\t\(result.directory)")
        }
    }
}
