internal import CCurl

extension Transfer {
    /// The ``TransportError`` for a libcurl result code.
    static func error(for code: CURLcode, errorText: String, target: String) -> TransportError {
        let detail = errorText.isEmpty ? String(cString: curl_easy_strerror(code)) : errorText
        switch code {
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed(detail, target: target)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .nameResolution(detail, target: target)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail, target: target)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE:
            return .tls(detail, target: target)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2,
            CURLE_HTTP2_STREAM, CURLE_SEND_FAIL_REWIND, CURLE_WEIRD_SERVER_REPLY:
            return .connectionLost(detail, target: target)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest(detail, target: target)
        default:
            return .other(detail, target: target)
        }
    }
}
