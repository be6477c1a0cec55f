public import Foundation
public import Hummingbird
public import Logging
import ServiceLifecycle

/// Builds the W&B-compatible server: opens the store (SQLite under the data directory, or
/// PostgreSQL), applies migrations, creates the admin key on first start, and wires the routes:
///
/// - `GET /healthz` (no key): `ok` when the store answers.
/// - `POST /graphql`, `POST /files/{entity}/{project}/{run}/file_stream` (API key).
/// - `/storage/…` blob URLs (signed, no key: the official client sends none there).
/// - `/sdk/otel/*` answers 404, so clients keep telemetry export off.
public enum CohortServerApp {
    /// What `start` hands back: the application to run and the shared services.
    public struct Built: Sendable {
        public let application: Application<RouterResponder<CohortRequestContext>>
        public let services: ServerServices
        /// The admin key when this start created it (print it once), else `nil`.
        public let createdAdminKey: String?
    }

    /// Opens everything and builds the application (not yet listening: run `application.runService()`).
    public static func build(configuration: ServerConfiguration, logger: Logger) async throws -> Built {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let store = try await openStore(configuration: configuration, logger: logger)
        try await store.migrate()
        let createdAdminKey = try await AdminKey.bootstrap(store: store, configuration: configuration)
        let signer = try URLSigner.loadOrCreate(in: configuration.dataDirectory)
        BlobStore(dataDirectory: configuration.dataDirectory).removeTemporaryFiles()  // uploads cut off by a crash
        let baseURL = configuration.baseURL ?? "http://\(configuration.host):\(configuration.port)"
        let services = ServerServices(
            configuration: configuration, store: store, artifacts: store, signer: signer, logger: logger, baseURL: baseURL)
        let router = makeRouter(services: services)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cohort"),
            services: [CrashSweeper(services: services), services.seriesIndexer],
            onServerRunning: { channel in
                // The real address (the configured port may be 0); tests and scripts read this line.
                let port = channel.localAddress?.port ?? configuration.port
                if configuration.baseURL == nil { services.updateBaseURL("http://\(configuration.host):\(port)") }
                print("cohort server: listening on http://\(configuration.host):\(port)")
                fflush(nil)
            },
            logger: logger)
        return Built(application: application, services: services, createdAdminKey: createdAdminKey)
    }

    /// Opens (without migrating) the store the configuration names: SQLite under the data
    /// directory, or PostgreSQL for `databaseURL`.
    public static func openStore(configuration: ServerConfiguration, logger: Logger) async throws -> any RunStore & ArtifactStore {
        try await StoreFactory.open(configuration: configuration, logger: logger)
    }

    /// The routes, for `build` and for tests (`HummingbirdTesting`).
    public static func makeRouter(services: ServerServices) -> Router<CohortRequestContext> {
        let router = Router(context: CohortRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.debug))
        router.get("/healthz") { _, _ -> String in
            _ = try await services.store.apiKeys()
            return "ok"
        }
        router.post("/sdk/otel/**") { _, _ -> Response in Response(status: .notFound) }
        BlobRoutes.register(on: router.group(), services: services)
        ArtifactBlobRoutes.register(on: router.group(), services: services)
        let authenticated = router.group().add(middleware: APIKeyMiddleware(store: services.store))
        GraphQLRoutes.register(on: authenticated, services: services)
        FileStreamRoutes.register(on: authenticated, services: services)
        ArtifactDownloadRoutes.register(on: authenticated, services: services)
        WebRoutes.register(on: router, services: services)
        return router
    }
}

/// Opens the store named by the configuration: one object that is both the run and the artifact store.
enum StoreFactory {
    static func open(configuration: ServerConfiguration, logger: Logger) async throws -> any RunStore & ArtifactStore {
        if let url = configuration.databaseURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw StoreError(.invalid, "--database must be a postgres:// URL")
            }
            let settings = try PostgresSettings.parse(url)
            logger.info("using PostgreSQL", metadata: ["database": "\(settings)"])  // no password
            return try await PostgresRunStore.open(settings: settings, logger: logger)
        }
        return try await SQLiteRunStore.open(path: configuration.dataDirectory + "/cohort.sqlite", logger: logger)
    }
}

/// The first start's admin key.
enum AdminKey {
    /// Creates the admin key when the store has no key at all: `configuration.adminKey` when set
    /// (for automation), else a new one; writes it to `<data>/admin-key` (mode 0600) and returns it.
    static func bootstrap(store: any RunStore, configuration: ServerConfiguration) async throws -> String? {
        guard try await store.apiKeys().isEmpty else { return nil }
        let key = configuration.adminKey ?? APIKeys.generate()
        guard APIKeys.isWellFormed(key) else {
            throw StoreError(.invalid, "COHORT_ADMIN_KEY must be at least 40 characters of A-Z, a-z, 0-9, _ and -")
        }
        let record = APIKeyRecord(
            id: UUID().uuidString.lowercased(), secretHash: APIKeys.hash(key), label: "admin", entity: "admin",
            isAdmin: true, createdAt: Date())
        try await store.insertAPIKey(record)
        let path = configuration.dataDirectory + "/admin-key"
        _ = FileManager.default.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        return key
    }
}

/// Marks runs that stopped sending (no file_stream or upsert for `crashAfter`) as crashed, every
/// tenth of that time, until the server shuts down.
struct CrashSweeper: Service {
    let services: ServerServices

    func run() async throws {
        let timeout = services.configuration.crashAfter
        let period = max(timeout / 10, .seconds(1))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            do {
                let crashed = try await services.store.markSilentRunsCrashed(
                    before: Date().addingTimeInterval(-seconds), at: Date())
                for key in crashed {
                    services.logger.notice("run marked crashed: no data for \(timeout)", metadata: ["run": "\(key)"])
                }
            } catch {
                services.logger.warning("crash sweep failed", metadata: ["error": "\(error)"])
            }
            try? await gracefulShutdownOrSleep(period)
        }
    }

    private func gracefulShutdownOrSleep(_ duration: Duration) async throws {
        try await cancelWhenGracefulShutdown { try await Task.sleep(for: duration) }
    }
}
