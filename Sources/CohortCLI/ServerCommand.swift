import ArgumentParser
import CohortServer
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `cohort server`: the W&B-compatible tracking server, and `cohort server keys` to manage its keys.
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the W&B-compatible tracking server (the official wandb client and Cohort log to it).",
        subcommands: [Serve.self, Keys.self],
        defaultSubcommand: Serve.self
    )
}

/// Where the server keeps its data, shared by `serve` and `keys`.
struct ServerDataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "Directory for the database, blobs and keys (default ~/.cohort/server).")
    var dataDirectory: String = ServerConfiguration.defaultDataDirectory

    @Option(name: .customLong("database"), help: "postgres://… to keep metadata in PostgreSQL instead of SQLite.")
    var databaseURL: String?
}

extension ServerCommand {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve", abstract: "Serve the API until SIGINT or SIGTERM (the default subcommand).")

        @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
        @Option(help: "Port to listen on (0 picks a free one).") var port: Int = 8080
        @OptionGroup var data: ServerDataOptions
        @Option(name: .customLong("base-url"), help: "The URL clients reach this server at (default http://HOST:PORT).")
        var baseURL: String?
        @Option(name: .customLong("crash-after"), help: "Seconds without data before a running run is marked crashed.")
        var crashAfter: Int = 300
        @Option(name: .customLong("alert-webhook"), help: "Deliver alerts to this Slack-style webhook URL.")
        var alertWebhook: String?
        @Flag(
            name: .customLong("no-series-files"),
            help: "Do not keep runs' parsed history under DATA/series (the first view of a run after a start then parses its history).")
        var noSeriesFiles = false

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0-65535") }
            guard crashAfter > 0 else { throw ValidationError("--crash-after must be positive") }
            if let alertWebhook {
                // The URL itself is not echoed: webhook URLs carry their secret in the path.
                guard let url = URL(string: alertWebhook), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
                    url.host?.isEmpty == false
                else { throw ValidationError("--alert-webhook must be an http:// or https:// URL") }
            }
        }

        func run() throws {
            var configuration = ServerConfiguration(dataDirectory: data.dataDirectory)
            configuration.host = host
            configuration.port = port
            configuration.databaseURL = data.databaseURL
            configuration.baseURL = baseURL
            configuration.crashAfter = .seconds(crashAfter)
            configuration.alertWebhook = alertWebhook
            configuration.seriesFiles = !noSeriesFiles
            configuration.adminKey = ProcessInfo.processInfo.environment["COHORT_ADMIN_KEY"].flatMap { $0.isEmpty ? nil : $0 }
            let settings = configuration
            // Signals are taken by a dedicated thread (sigwait) and turned into a graceful shutdown;
            // they are blocked first so that no other thread is killed by them.
            let signals = ShutdownSignals.block([SIGINT, SIGTERM])
            try blockingAwait {
                let logger = {
                    var logger = Logger(label: "cohort.server")
                    logger.logLevel = ProcessInfo.processInfo.environment["COHORT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
                    return logger
                }()
                let built: CohortServerApp.Built
                do {
                    built = try await CohortServerApp.build(configuration: settings, logger: logger)
                } catch {
                    throw ValidationError("cannot start the server: \(error)")
                }
                if let key = built.createdAdminKey {
                    print("cohort server: created the admin API key (shown once; also in \(settings.dataDirectory)/admin-key):")
                    print("  \(key)")
                }
                let group = ServiceGroup(
                    configuration: .init(services: [built.application], gracefulShutdownSignals: [], logger: logger))
                signals.onSignal { signal in
                    logger.notice("shutting down", metadata: ["signal": "\(signal)"])
                    Task { await group.triggerGracefulShutdown() }
                }
                print("cohort server: data in \(settings.dataDirectory)")
                try await group.run()
                await built.services.store.close()
            }
        }
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keys", abstract: "Create, list and revoke API keys.",
            subcommands: [Create.self, List.self, Revoke.self])

        struct Create: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a key and print it (shown once).")
            @OptionGroup var data: ServerDataOptions
            @Option(help: "The entity the key acts in.") var entity: String
            @Option(help: "A label for the key.") var label: String = "key"
            @Flag(help: "An admin key acts in every entity.") var admin = false

            func run() throws {
                let options = self
                try blockingAwait {
                    let store = try await KeyStore.open(options.data)
                    defer { Task { await store.close() } }
                    let key = APIKeys.generate()
                    try await store.insertAPIKey(
                        APIKeyRecord(
                            id: UUID().uuidString.lowercased(), secretHash: APIKeys.hash(key), label: options.label,
                            entity: options.entity, isAdmin: options.admin, createdAt: Date()))
                    print(key)
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List keys (never their secrets).")
            @OptionGroup var data: ServerDataOptions

            func run() throws {
                let options = self
                try blockingAwait {
                    let store = try await KeyStore.open(options.data)
                    let keys = try await store.apiKeys()
                    await store.close()
                    let formatter = ISO8601DateFormatter()
                    print("ID                                    ENTITY          LABEL           ADMIN  CREATED               REVOKED")
                    for key in keys {
                        let columns = [
                            key.id.padding(toLength: 38, withPad: " ", startingAt: 0),
                            key.entity.padding(toLength: 16, withPad: " ", startingAt: 0),
                            key.label.padding(toLength: 16, withPad: " ", startingAt: 0),
                            (key.isAdmin ? "yes" : "no").padding(toLength: 7, withPad: " ", startingAt: 0),
                            formatter.string(from: key.createdAt).padding(toLength: 22, withPad: " ", startingAt: 0),
                            key.revokedAt.map { formatter.string(from: $0) } ?? "-",
                        ]
                        print(columns.joined())
                    }
                }
            }
        }

        struct Revoke: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key by its id.")
            @OptionGroup var data: ServerDataOptions
            @Argument(help: "The key's id (from `cohort server keys list`).") var id: String

            func run() throws {
                let options = self
                try blockingAwait {
                    let store = try await KeyStore.open(options.data)
                    let revoked = try await store.revokeAPIKey(id: options.id, at: Date())
                    await store.close()
                    guard revoked else { throw ValidationError("no live key has the id \(options.id)") }
                    print("revoked \(options.id)")
                }
            }
        }
    }
}

/// Opens the server's store for key management (the server may be running; SQLite allows it).
enum KeyStore {
    static func open(_ data: ServerDataOptions) async throws -> any RunStore {
        var configuration = ServerConfiguration(dataDirectory: data.dataDirectory)
        configuration.databaseURL = data.databaseURL
        try FileManager.default.createDirectory(atPath: data.dataDirectory, withIntermediateDirectories: true)
        let store = try await CohortServerApp.openStore(configuration: configuration, logger: Logger(label: "cohort.keys"))
        try await store.migrate()
        return store
    }
}

/// Runs `body` on the concurrency pool and waits for it on this (synchronous) thread.
func blockingAwait(_ body: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Mutex<Result<Void, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        do {
            try await body()
            outcome.withLock { $0 = .success(()) }
        } catch {
            outcome.withLock { $0 = .failure(error) }
        }
        done.signal()
    }
    done.wait()
    try outcome.withLock { $0! }.get()
}

/// SIGINT/SIGTERM taken by one thread with `sigwait`: blocked in this thread before any other
/// starts (threads inherit the mask), so the signal reaches only the waiting thread.
final class ShutdownSignals: Sendable {
    private let handler = Mutex<(@Sendable (Int32) -> Void)?>(nil)

    static func block(_ signals: [Int32]) -> ShutdownSignals {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let instance = ShutdownSignals()
        let waitSet = set
        let thread = Thread {
            var set = waitSet
            var received: Int32 = 0
            while sigwait(&set, &received) == 0 {
                if let handler = instance.handler.withLock({ $0 }) {
                    handler(received)
                } else {
                    exit(128 + received)
                }
            }
        }
        thread.start()
        return instance
    }

    func onSignal(_ body: @escaping @Sendable (Int32) -> Void) {
        handler.withLock { $0 = body }
    }
}
