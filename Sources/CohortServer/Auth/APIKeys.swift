import Crypto
import Foundation

/// Making, hashing and reading API keys. A key is `cohort-` plus 48 characters of `[A-Za-z0-9]`,
/// which the official client accepts (an optional `prefix-` then at least 40 of `[A-Za-z0-9_-]`).
/// Only its SHA-256 is stored.
public enum APIKeys {
    /// A new random key.
    public static func generate() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return "cohort-" + String((0..<48).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// Whether `key` has a shape the official client accepts: at least 40 of `[A-Za-z0-9_-]`.
    public static func isWellFormed(_ key: String) -> Bool {
        key.count >= 40 && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Lowercase hex SHA-256 of the key.
    public static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// The key in an `Authorization: Basic base64(user:key)` header (any user; W&B sends `api`).
    public static func fromBasicAuthorization(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
            let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return nil }
        let key = String(text[text.index(after: colon)...])
        return key.isEmpty ? nil : key
    }
}
