internal import CCurl

/// One reusable libcurl easy handle and its error buffer. Used on the worker thread only.
final class EasyHandle {
    let easy: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() {
        guard let easy = curl_easy_init() else { preconditionFailure("curl_easy_init failed: out of memory") }
        self.easy = easy
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    /// libcurl's message for the last failure of this handle, or "".
    var errorText: String { String(cString: errorBuffer) }

    /// The HTTP major version the last transfer used (1, 2 or 3; 0 when unknown).
    var httpVersion: Int {
        var value = 0
        guard cohort_curl_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &value) == CURLE_OK else { return 0 }
        switch value {
        case Int(CURL_HTTP_VERSION_1_0), Int(CURL_HTTP_VERSION_1_1): return 1
        case Int(CURL_HTTP_VERSION_2_0): return 2
        case Int(CURL_HTTP_VERSION_3): return 3
        default: return 0
        }
    }

    /// Clears every option for the next transfer; kept connections, DNS and TLS session caches survive.
    func reset() {
        curl_easy_reset(easy)
        errorBuffer[0] = 0
    }

    /// Frees the handle; it must not be used afterwards.
    func cleanup() {
        curl_easy_cleanup(easy)
        errorBuffer.deallocate()
    }

    /// Sets every option for `transfer`: method, URL, headers, body source, timeouts, callbacks.
    ///
    /// The callbacks receive `Unmanaged.passUnretained(transfer)`; ``CurlWorker`` keeps the transfer alive
    /// until the handle is removed from the multi handle.
    func configure(for transfer: Transfer, configuration: HTTPClient.Configuration) throws(TransportError) {
        let request = transfer.request
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        try set(CURLOPT_URL, request.url, transfer)
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer), transfer)
        try set(CURLOPT_NOSIGNAL, 1, transfer)
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS), transfer)
        try set(CURLOPT_PIPEWAIT, 1, transfer)
        if request.range == nil {
            try set(CURLOPT_ACCEPT_ENCODING, "", transfer)  // every encoding libcurl decodes (gzip, deflate)
        } else {
            try set(CURLOPT_RANGE, "\(request.range!.lowerBound)-\(request.range!.upperBound)", transfer)
        }
        try set(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(configuration.connectTimeout), transfer)
        try set(CURLOPT_LOW_SPEED_LIMIT, configuration.lowSpeedLimitBytesPerSecond, transfer)
        try set(CURLOPT_LOW_SPEED_TIME, max(1, Int(configuration.lowSpeedTime.components.seconds)), transfer)
        if let timeout = request.timeout { try set(CURLOPT_TIMEOUT_MS, milliseconds(timeout), transfer) }
        if configuration.followRedirects {
            try set(CURLOPT_FOLLOWLOCATION, 1, transfer)
            try set(CURLOPT_MAXREDIRS, 10, transfer)
        }
        try set(CURLOPT_USERAGENT, configuration.userAgent, transfer)
        if let bundle = configuration.caBundlePath { try set(CURLOPT_CAINFO, bundle, transfer) }
        try setMethodAndBody(request, context: context, transfer)
        try set(CURLOPT_HEADERFUNCTION, callback: Transfer.headerCallback, transfer)
        try set(CURLOPT_HEADERDATA, pointer: context, transfer)
        try set(CURLOPT_WRITEFUNCTION, callback: Transfer.writeCallback, transfer)
        try set(CURLOPT_WRITEDATA, pointer: context, transfer)
        if request.onProgress != nil {
            try set(CURLOPT_NOPROGRESS, 0, transfer)
            try check(cohort_curl_easy_setopt_xferinfo_callback(easy, CURLOPT_XFERINFOFUNCTION, Transfer.progressCallback), transfer)
            try set(CURLOPT_XFERINFODATA, pointer: context, transfer)
        }
        // "Expect:" with no value stops libcurl's `Expect: 100-continue` on large bodies.
        var list: UnsafeMutablePointer<curl_slist>? = curl_slist_append(nil, "Expect:")
        for header in request.headers {
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        transfer.headerList = list
        let code = cohort_curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)
        guard code == CURLE_OK else { throw .invalidRequest("headers rejected (\(code.rawValue))", target: transfer.target) }
    }

    private func setMethodAndBody(_ request: HTTPRequest, context: UnsafeMutableRawPointer, _ transfer: Transfer) throws(TransportError) {
        let size = request.body.count
        let sendsBody: Bool
        switch request.method {
        case .get:
            try set(CURLOPT_HTTPGET, 1, transfer)
            sendsBody = false
        case .head:
            try set(CURLOPT_NOBODY, 1, transfer)
            sendsBody = false
        case .post:
            try set(CURLOPT_POST, 1, transfer)
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: size, transfer)
            sendsBody = true
        case .put:
            try set(CURLOPT_UPLOAD, 1, transfer)
            try set(CURLOPT_INFILESIZE_LARGE, offset: size, transfer)
            sendsBody = true
        default:
            try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue, transfer)
            if case .none = request.body {
                sendsBody = false
            } else {
                try set(CURLOPT_UPLOAD, 1, transfer)
                try set(CURLOPT_INFILESIZE_LARGE, offset: size, transfer)
                sendsBody = true
            }
        }
        guard sendsBody else { return }
        try check(cohort_curl_easy_setopt_read_callback(easy, CURLOPT_READFUNCTION, Transfer.readCallback), transfer)
        try set(CURLOPT_READDATA, pointer: context, transfer)
        try check(cohort_curl_easy_setopt_seek_callback(easy, CURLOPT_SEEKFUNCTION, Transfer.seekCallback), transfer)
        try set(CURLOPT_SEEKDATA, pointer: context, transfer)
    }

    private func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }

    private func set(_ option: CURLoption, _ value: Int, _ transfer: Transfer) throws(TransportError) {
        try check(cohort_curl_easy_setopt_long(easy, option, value), transfer)
    }

    private func set(_ option: CURLoption, offset value: Int64, _ transfer: Transfer) throws(TransportError) {
        try check(cohort_curl_easy_setopt_off_t(easy, option, curl_off_t(value)), transfer)
    }

    private func set(_ option: CURLoption, _ value: String, _ transfer: Transfer) throws(TransportError) {
        // libcurl copies string options, so the temporary C string may go away after the call.
        try check(cohort_curl_easy_setopt_string(easy, option, value), transfer)
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer, _ transfer: Transfer) throws(TransportError) {
        try check(cohort_curl_easy_setopt_pointer(easy, option, pointer), transfer)
    }

    private func set(_ option: CURLoption, callback: curl_write_callback, _ transfer: Transfer) throws(TransportError) {
        try check(cohort_curl_easy_setopt_write_callback(easy, option, callback), transfer)
    }

    private func check(_ code: CURLcode, _ transfer: Transfer) throws(TransportError) {
        guard code == CURLE_OK else {
            let text = String(cString: curl_easy_strerror(code))
            throw .invalidRequest("libcurl rejected an option: \(text)", target: transfer.target)
        }
    }
}
