internal import CCurl

/// Facts about the libcurl that this build links.
///
/// The uploader that uses libcurl for HTTP arrives with the online mode; today the transport target
/// only reports which libcurl it was built against (shown by `cohort --version`).
package enum CurlLibrary {
    /// The libcurl version string, for example `libcurl/7.88.1 OpenSSL/3.0.17 zlib/1.2.13`.
    package static var versionDescription: String {
        guard let text = curl_version() else { return "libcurl (unknown version)" }
        return String(cString: text)
    }
}
