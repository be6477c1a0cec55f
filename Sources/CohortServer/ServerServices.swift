public import Foundation
public import Logging

/// What every route handler shares: the store, the blob directory, the URL signer, the
/// configuration and the logger.
public struct ServerServices: Sendable {
    public let configuration: ServerConfiguration
    public let store: any RunStore
    public let signer: URLSigner
    public let logger: Logger
    /// The URL clients reach the server at, without a trailing slash.
    public let baseURL: String

    public init(configuration: ServerConfiguration, store: any RunStore, signer: URLSigner, logger: Logger, baseURL: String) {
        self.configuration = configuration
        self.store = store
        self.signer = signer
        self.logger = logger
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// An absolute signed URL for `path` (percent-encoded, starting with `/`).
    public func signedURL(method: String, path: String, now: Date = Date()) -> String {
        let lifetime = Double(configuration.signedURLLifetime.components.seconds)
        return baseURL + signer.sign(method: method, path: path, expires: now.addingTimeInterval(lifetime))
    }
}
