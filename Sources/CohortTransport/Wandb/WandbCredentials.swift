internal import Foundation

/// Where a W&B-compatible server is and the API key that opens it.
///
/// The key goes only into the `Authorization: Basic base64("api:KEY")` header of GraphQL and
/// `file_stream` requests; it is never sent to the signed upload and download URLs the server hands
/// out, and ``description`` never shows it.
///
/// ```swift
/// let credentials = WandbCredentials(baseURL: "http://127.0.0.1:8080", apiKey: key)
/// print(credentials)   // WandbCredentials(http://127.0.0.1:8080, key: 40 characters)
/// ```
public struct WandbCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The server's base URL without a trailing slash, such as `https://api.wandb.ai`.
    public let baseURL: String
    private let apiKey: String

    /// Creates credentials.
    /// - Parameters:
    ///   - baseURL: the server's base URL (`WANDB_BASE_URL`); a trailing `/` is removed.
    ///   - apiKey: the API key (`WANDB_API_KEY`).
    public init(baseURL: String, apiKey: String) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.apiKey = apiKey
    }

    /// The value of the `Authorization` header: `Basic base64("api:KEY")`.
    package var authorization: String {
        "Basic " + Data("api:\(apiKey)".utf8).base64EncodedString()
    }

    /// The header sent with GraphQL and `file_stream` requests.
    package var authorizationHeader: HTTPHeader { HTTPHeader("Authorization", authorization) }

    /// The base URL and the key's length, never the key.
    public var description: String { "WandbCredentials(\(TransportError.redacted(baseURL)), key: \(apiKey.count) characters)" }

    public var debugDescription: String { description }
}
