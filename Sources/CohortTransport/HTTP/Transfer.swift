internal import CCurl
internal import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The state of one request while ``CurlWorker`` runs it, and libcurl's callbacks for it.
final class Transfer: @unchecked Sendable {
    // SAFETY: `request`, `target` and `maxInMemory` are immutable; `cancelRequested` is atomic. `continuation`
    // is written once on the caller's thread before the transfer is handed to the worker through the
    // worker's mutex (which orders that write before every read on the worker thread), and read and
    // cleared only by `complete`, which runs exactly once: on the worker thread, or on the caller's thread
    // when the worker refused the transfer (then the worker never saw it). Every other property is touched
    // only on the worker thread, by the worker and by libcurl's callbacks that it drives.

    let request: HTTPRequest
    let target: String
    let cancelRequested = Atomic<Bool>(false)
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?
    var handle: EasyHandle?
    var headerList: UnsafeMutablePointer<curl_slist>?

    private let maxInMemory: Int
    private var status = 0
    private var headers: [HTTPHeader] = []
    private var body: [UInt8] = []
    private var received: Int64 = 0
    private var downloadFD: Int32 = -1
    private var uploadFD: Int32 = -1
    private var uploadPosition: Int64 = 0
    private var failure: TransportError?
    private var lastProgress: HTTPProgress?

    /// How much of an error body is kept when the body was meant for a file.
    private static let errorBodyLimit = 64 << 10

    init(request: HTTPRequest, configuration: HTTPClient.Configuration) {
        self.request = request
        target = TransportError.redacted(request.url)
        maxInMemory = configuration.maxInMemoryBodyBytes
    }

    /// Opens the body file, checking that it holds the region to send.
    func prepare() throws(TransportError) {
        guard case .file(let region) = request.body else { return }
        let fd = open(region.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fileUnreadable("\(region.path): \(Self.errnoText())") }
        var info = stat()
        if fstat(fd, &info) != 0 || Int64(info.st_size) < region.offset + region.length || region.offset < 0 {
            close(fd)
            throw .fileUnreadable("\(region.path) holds fewer than \(region.offset + region.length) bytes")
        }
        uploadFD = fd
    }

    /// Closes files and frees the header list; the transfer is no longer in libcurl.
    func finish() {
        if uploadFD >= 0 { close(uploadFD) }
        if downloadFD >= 0 { close(downloadFD) }
        uploadFD = -1
        downloadFD = -1
        curl_slist_free_all(headerList)
        headerList = nil
    }

    /// Resumes the caller, once.
    func complete(_ result: Result<HTTPResponse, TransportError>) {
        let continuation = self.continuation
        self.continuation = nil
        continuation?.resume(returning: result)
    }

    /// The result of a transfer that libcurl finished with `code`.
    func outcome(code: CURLcode, errorText: String, httpVersion: Int = 0) -> Result<HTTPResponse, TransportError> {
        if let failure { return .failure(failure) }
        guard code == CURLE_OK else { return .failure(Self.error(for: code, errorText: errorText, target: target)) }
        if case .file(let path) = request.destination, isSuccess, downloadFD < 0 {
            // A 2xx with an empty body still leaves an (empty) file behind.
            guard openDownload(path) else { return .failure(failure!) }
        }
        var response = HTTPResponse(status: status, headers: headers, body: body, bodyBytesReceived: received)
        response.httpVersion = httpVersion
        return .success(response)
    }

    private var isSuccess: Bool { (200..<300).contains(status) }

    // MARK: - Callbacks (worker thread)

    static let headerCallback: curl_write_callback = { buffer, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        return transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
    }

    static let writeCallback: curl_write_callback = { buffer, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count))
    }

    static let readCallback: curl_read_callback = { buffer, size, count, context in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        return transfer.sendBody(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
    }

    static let seekCallback: curl_seek_callback = { context, offset, origin in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        guard origin == SEEK_SET, offset >= 0, Int64(offset) <= transfer.request.body.count else {
            return 2  // CURL_SEEKFUNC_CANTSEEK
        }
        transfer.uploadPosition = Int64(offset)
        return 0  // CURL_SEEKFUNC_OK
    }

    static let progressCallback: curl_xferinfo_callback = { context, downloadTotal, downloaded, uploadTotal, uploaded in
        let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
        let progress = HTTPProgress(
            bytesSent: Int64(uploaded), totalToSend: Int64(uploadTotal),
            bytesReceived: Int64(downloaded), totalToReceive: Int64(downloadTotal))
        if progress != transfer.lastProgress {  // libcurl also calls when nothing moved
            transfer.lastProgress = progress
            transfer.request.onProgress?(progress)
        }
        return 0
    }

    private func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: bytes[..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new answer (after a redirect or an interim 1xx) replaces the headers of the previous one.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
        } else if let colon = line.firstIndex(of: ":") {
            let name = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            while value.first == " " || value.first == "\t" { value.removeFirst() }
            while value.last == " " || value.last == "\t" { value.removeLast() }
            headers.append(HTTPHeader(name, String(value)))
        }
        return bytes.count
    }

    private func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        received += Int64(bytes.count)
        if case .file(let path) = request.destination, isSuccess {
            if downloadFD < 0, !openDownload(path) { return 0 }
            var done = 0
            while done < bytes.count {
                let written = write(downloadFD, bytes.baseAddress! + done, bytes.count - done)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = .fileUnwritable("\(path): \(Self.errnoText())")
                    return 0
                }
                done += written
            }
            return bytes.count
        }
        if case .file = request.destination {
            // An error body meant for a file: keep its start for the error message, drop the rest.
            body.append(contentsOf: bytes.prefix(max(0, Self.errorBodyLimit - body.count)))
            return bytes.count
        }
        guard body.count + bytes.count <= maxInMemory else {
            failure = .responseTooLarge("more than \(maxInMemory) bytes", target: target)
            return 0
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    private func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let remaining = request.body.count - uploadPosition
        let wanted = Int(min(Int64(buffer.count), remaining))
        guard wanted > 0 else { return 0 }
        switch request.body {
        case .none:
            return 0
        case .bytes(let bytes):
            let start = Int(uploadPosition)
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: wanted)
            }
            uploadPosition += Int64(wanted)
            return wanted
        case .file(let region):
            let count = pread(uploadFD, buffer.baseAddress!, wanted, off_t(region.offset + uploadPosition))
            guard count > 0 else {
                failure = .fileUnreadable("\(region.path): " + (count == 0 ? "the file shrank while sending" : Self.errnoText()))
                return cohort_curl_readfunc_abort()
            }
            uploadPosition += Int64(count)
            return count
        }
    }

    private func openDownload(_ path: String) -> Bool {
        downloadFD = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if downloadFD < 0 { failure = .fileUnwritable("\(path): \(Self.errnoText())") }
        return downloadFD >= 0
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
