import Foundation

/// The browser session: an HMAC-signed cookie `<key id>.<expiry>.<signature>` made with the
/// server's `URLSigner` secret, so sessions need no table and survive a restart. The cookie names
/// the API key the user logged in with (its id, never the key); a revoked key ends its sessions at
/// once because every request looks the key up again.
enum WebSession {
    static let cookieName = "cohort_session"
    /// How long a login lasts.
    static let lifetime: TimeInterval = 7 * 24 * 3600

    /// The cookie value for a login with the key `keyID`, valid until `now + lifetime`.
    static func cookieValue(keyID: String, signer: URLSigner, now: Date = Date()) -> String {
        let signed = signer.sign(method: "SESSION", path: path(keyID), expires: now.addingTimeInterval(lifetime))
        let query = signed.split(separator: "?", maxSplits: 1).last.map(String.init) ?? ""
        var expiry = "", signature = ""
        for pair in query.split(separator: "&") {
            if pair.hasPrefix("exp=") { expiry = String(pair.dropFirst(4)) }
            if pair.hasPrefix("sig=") { signature = String(pair.dropFirst(4)) }
        }
        return "\(keyID).\(expiry).\(signature)"
    }

    /// The key id of a valid, unexpired cookie value, else `nil`.
    static func keyID(fromCookie value: String, signer: URLSigner, now: Date = Date()) -> String? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, isWellFormedID(parts[0]), let expiry = Int64(parts[1]) else { return nil }
        let keyID = String(parts[0])
        guard signer.verify(method: "SESSION", path: path(keyID), expiry: expiry, signature: String(parts[2]), now: now)
        else { return nil }
        return keyID
    }

    private static func path(_ keyID: String) -> String { "/web-session/" + keyID }

    /// Key ids are UUIDs or short labels: letters, digits, `-` and `_` (safe in a cookie).
    private static func isWellFormedID(_ id: Substring) -> Bool {
        !id.isEmpty && id.count <= 128
            && id.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }
    }
}
