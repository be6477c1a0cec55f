@preconcurrency import Crypto
public import Foundation

/// Signs and checks the blob URLs the server hands out. The official client sends no credentials
/// to upload and download URLs, so each URL carries its own authority: an expiry and an
/// HMAC-SHA256 over the method, the path and the expiry, keyed by a server secret.
///
/// `https://server/storage/runs/e/p/r/media/a.png?exp=1796000000&sig=<hex>`
public struct URLSigner: Sendable {
    private let key: SymmetricKey

    /// A signer with this secret (at least 32 bytes).
    public init(secret: [UInt8]) {
        precondition(secret.count >= 32, "signing secrets are at least 32 bytes")
        key = SymmetricKey(data: secret)
    }

    /// The secret in `<data>/signing-key`, created (mode 0600) on first use.
    public static func loadOrCreate(in directory: String) throws -> URLSigner {
        let path = directory + "/signing-key"
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 {
            return URLSigner(secret: [UInt8](data))
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600])
        return URLSigner(secret: secret)
    }

    /// `path?exp=…&sig=…` for `method` (`GET` also allows `HEAD`), valid until `expires`.
    /// `path` is the URL path as it will be requested (percent-encoded, starting with `/`).
    public func sign(method: String, path: String, expires: Date) -> String {
        let expiry = Int64(expires.timeIntervalSince1970.rounded(.up))
        return "\(path)?exp=\(expiry)&sig=\(signature(method: method, path: path, expiry: expiry))"
    }

    /// Whether `signature` is valid for the request and has not expired at `now`.
    public func verify(method: String, path: String, expiry: Int64, signature: String, now: Date) -> Bool {
        guard Double(expiry) >= now.timeIntervalSince1970 else { return false }
        let methods = method == "HEAD" ? ["HEAD", "GET"] : [method]
        return methods.contains { constantTimeEqual(self.signature(method: $0, path: path, expiry: expiry), signature) }
    }

    private func signature(method: String, path: String, expiry: Int64) -> String {
        let message = Data("\(method)\n\(path)\n\(expiry)".utf8)
        return HMAC<SHA256>.authenticationCode(for: message, using: key).map { String(format: "%02x", $0) }.joined()
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
