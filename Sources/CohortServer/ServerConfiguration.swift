public import Foundation

/// How `cohort server` runs.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// The port; 0 picks a free one. Default 8080.
    public var port: Int = 8080
    /// Where the SQLite database, blobs, the signing key and the admin key live.
    public var dataDirectory: String
    /// `postgres://…` to keep metadata in PostgreSQL instead of SQLite.
    public var databaseURL: String?
    /// The URL clients reach the server at, used in the URLs it hands out (upload/download links,
    /// run pages). Default `http://<host>:<port>`.
    public var baseURL: String?
    /// The admin key to create on first start (`COHORT_ADMIN_KEY`); generated when unset.
    public var adminKey: String?
    /// The largest request body accepted, in bytes (file PUTs have their own limit). Default 64 MiB.
    public var maximumBodySize: Int = 64 << 20
    /// The largest single file PUT, in bytes. Default 5 GiB.
    public var maximumFileSize: Int = 5 << 30
    /// A running run not heard from for this long is marked crashed. Default 5 minutes.
    public var crashAfter: Duration = .seconds(300)
    /// How long signed blob URLs stay valid. Default 24 hours.
    public var signedURLLifetime: Duration = .seconds(86_400)
    /// Where alerts are delivered (Slack-style JSON POST), if anywhere.
    public var alertWebhook: String?
    /// Keep each run's parsed history under `<data>/series` as rows arrive (`SeriesIndexer`), so
    /// the first view of a run after a start reads binary columns instead of parsing every history
    /// line. Default `true`.
    public var seriesFiles = true

    /// `~/.cohort/server`.
    public static var defaultDataDirectory: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + "/.cohort/server"
    }

    public init(dataDirectory: String = ServerConfiguration.defaultDataDirectory) {
        self.dataDirectory = dataDirectory
    }
}
