public import Foundation
public import Logging
import Synchronization

/// A string shared between the routes and the code that learns the server's real address.
final class SharedString: Sendable {
    private let value: Mutex<String>
    init(_ value: String) { self.value = Mutex(value) }
    func withLock<T>(_ body: (inout String) -> T) -> T { value.withLock { body(&$0) } }
}

/// What every route handler shares: the run store, the artifact store (the same SQLite store in
/// production), the blob directory, the URL signer, the configuration, the logger and the series
/// indexer.
public struct ServerServices: Sendable {
    public let configuration: ServerConfiguration
    public let store: any RunStore
    public let artifacts: any ArtifactStore
    public let signer: URLSigner
    public let logger: Logger
    /// Delivers stored alerts to `configuration.alertWebhook`, when one is set.
    public let alerts: AlertDelivery?
    /// Keeps runs' parsed history under `<data>/series` as rows arrive, and the web pages' series
    /// cache (`seriesIndexer.cache`) that reads it. Its `run()` is one of the server's services.
    let seriesIndexer: SeriesIndexer
    /// The URL clients reach the server at, without a trailing slash. Set once the server
    /// listens when it was started on port 0 without `--base-url`.
    public var baseURL: String { baseURLBox.withLock { $0 } }
    private let baseURLBox: SharedString

    public init(
        configuration: ServerConfiguration, store: any RunStore, artifacts: any ArtifactStore, signer: URLSigner, logger: Logger,
        baseURL: String
    ) {
        self.configuration = configuration
        self.store = store
        self.artifacts = artifacts
        self.signer = signer
        self.logger = logger
        alerts = configuration.alertWebhook.flatMap(URL.init(string:)).map { AlertDelivery(url: $0, logger: logger) }
        seriesIndexer = SeriesIndexer(
            dataDirectory: configuration.dataDirectory, store: store, enabled: configuration.seriesFiles, logger: logger)
        baseURLBox = SharedString(baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL)
    }

    /// Replaces the base URL (used when the real port is known only after binding).
    func updateBaseURL(_ url: String) {
        baseURLBox.withLock { $0 = url.hasSuffix("/") ? String(url.dropLast()) : url }
    }

    /// An absolute signed URL for `path` (percent-encoded, starting with `/`).
    public func signedURL(method: String, path: String, now: Date = Date()) -> String {
        let lifetime = Double(configuration.signedURLLifetime.components.seconds)
        return baseURL + signer.sign(method: method, path: path, expires: now.addingTimeInterval(lifetime))
    }
}
