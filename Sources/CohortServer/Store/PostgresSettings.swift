import Foundation
import PostgresNIO

/// Where and how to reach PostgreSQL, parsed from `--database postgres://user:password@host:port/db?sslmode=…`.
/// Its description never shows the password.
struct PostgresSettings: Sendable, CustomStringConvertible {
    enum SSLMode: String, Sendable {
        /// No TLS.
        case disable
        /// TLS when the server offers it (libpq's default; the certificate is not verified).
        case prefer
        /// TLS or no connection (like libpq, the certificate is not verified).
        case require
        /// TLS with the certificate verified against the system roots and the host name.
        case verifyFull = "verify-full"
    }

    var host: String
    var port: Int
    var username: String
    var password: String?
    var database: String?
    var sslMode: SSLMode
    /// The pool's connection limit.
    var maximumConnections = 10
    /// The schema to work in (`search_path`); `nil` for the server's default (`public`).
    var schema: String?

    var description: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "") (sslmode=\(sslMode.rawValue))"
    }

    /// Parses a `postgres://` or `postgresql://` URL. A malformed one throws `.invalid` with a
    /// message that never contains the URL (it may hold a password).
    static func parse(_ url: String) throws(StoreError) -> PostgresSettings {
        let usage = "--database must look like postgres://user:password@host:port/database[?sslmode=disable|require]"
        guard let components = URLComponents(string: url),
              let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError(.invalid, "--database is not a valid postgres:// URL; " + usage)
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError(.invalid, "--database names no host; " + usage)
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError(.invalid, "--database names no user; " + usage)
        }
        var path = components.path
        if path.hasPrefix("/") { path.removeFirst() }
        if path.contains("/") {
            throw StoreError(.invalid, "--database has more than one path segment; " + usage)
        }
        var sslMode = SSLMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                    throw StoreError(.invalid, "--database sslmode must be disable, prefer, require or verify-full")
                }
                sslMode = mode
            default:
                throw StoreError(.invalid, "--database has an unknown parameter '\(item.name)' (only sslmode is understood)")
            }
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw StoreError(.invalid, "--database port must be between 1 and 65535")
        }
        return PostgresSettings(
            host: host, port: components.port ?? 5432, username: user,
            password: components.password, database: path.isEmpty ? nil : path, sslMode: sslMode)
    }

    /// The TLS configuration both the pool and the first connection use.
    func tlsConfiguration() -> TLSConfiguration? {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyFull: break
        }
        return tls
    }

    var clientConfiguration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration()!)
        case .require, .verifyFull: tls = .require(tlsConfiguration()!)
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.connectionIdleTimeout = .seconds(30)
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        return configuration
    }

    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch sslMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration()!))
        case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration()!))
        }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }
}
