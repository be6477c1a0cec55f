internal import CCurl

/// Facts about the libcurl that this build links.
package enum CurlLibrary {
    /// The libcurl version string, for example `libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13`.
    package static var versionDescription: String {
        guard let text = curl_version() else { return "libcurl (unknown version)" }
        return String(cString: text)
    }

    /// `curl_global_init`, run once before the first handle is made (Swift runs a static `let`'s
    /// initializer exactly once, thread-safely).
    private static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    static func initializeOnce() {
        precondition(initialized, "curl_global_init failed")
    }
}
