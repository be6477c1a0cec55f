/// One HTTP request for ``HTTPClient``: method, URL, headers, where the body comes from and where the
/// response body goes.
///
/// ```swift
/// var put = HTTPRequest(method: .put, url: uploadURL)
/// put.body = .file(FileRegion(path: "/data/model.bin", offset: 0, length: 64 << 20))
/// let get = HTTPRequest.download(from: blobURL, to: "/tmp/part", range: 0...1023)
/// ```
public struct HTTPRequest: Sendable {
    /// The request method (`GET`, `POST`, `PUT`, …).
    public var method: HTTPMethod
    /// The absolute `http://` or `https://` URL, query included.
    public var url: String
    /// Request headers, sent in this order. `Content-Length` is computed from ``body``; do not set it.
    public var headers: [HTTPHeader]
    /// What is sent as the request body.
    public var body: Body
    /// Where the response body goes.
    public var destination: Destination
    /// An optional byte range to ask for (`Range: bytes=lower-upper`, both ends inclusive).
    public var range: ClosedRange<Int64>?
    /// A limit on the whole transfer (connect, send, receive); `nil` uses only the client's connect and
    /// low-speed timeouts, so a long upload that keeps moving is never cut off.
    public var timeout: Duration?
    /// Called on the client's thread as bytes move (for progress bars); it must return quickly and must
    /// not block. `nil` (the default) turns progress reporting off.
    public var onProgress: (@Sendable (HTTPProgress) -> Void)?

    /// Creates a request with no body whose response body is kept in memory.
    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [HTTPHeader] = [],
        body: Body = .none,
        destination: Destination = .memory,
        range: ClosedRange<Int64>? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.destination = destination
        self.range = range
        self.timeout = timeout
    }

    /// A `GET` whose response body is streamed into the file at `path` (created or truncated), optionally
    /// for a byte range only. The body of a non-2xx answer is not written to the file; its start is kept
    /// in ``HTTPResponse/body`` instead.
    public static func download(
        from url: String,
        to path: String,
        range: ClosedRange<Int64>? = nil,
        headers: [HTTPHeader] = []
    ) -> HTTPRequest {
        HTTPRequest(method: .get, url: url, headers: headers, destination: .file(path: path), range: range)
    }

    /// The source of a request body.
    public enum Body: Sendable {
        /// No body.
        case none
        /// These bytes.
        case bytes([UInt8])
        /// A region of a file, read in pieces while sending (the file is never loaded whole). A retried
        /// request reads the region again.
        case file(FileRegion)

        /// The number of bytes the body sends.
        public var count: Int64 {
            switch self {
            case .none: 0
            case .bytes(let bytes): Int64(bytes.count)
            case .file(let region): region.length
            }
        }
    }

    /// Where a response body goes.
    public enum Destination: Sendable {
        /// Kept in ``HTTPResponse/body``, up to ``HTTPClient/Configuration/maxInMemoryBodyBytes``.
        case memory
        /// Streamed into the file at `path`, which is created or truncated when the answer is a 2xx.
        case file(path: String)
    }
}

/// How far a transfer has come. Totals are 0 while unknown.
public struct HTTPProgress: Sendable, Hashable {
    /// Request body bytes sent so far.
    public var bytesSent: Int64
    /// Request body bytes to send.
    public var totalToSend: Int64
    /// Response body bytes received so far.
    public var bytesReceived: Int64
    /// Response body bytes expected (from `Content-Length`), or 0.
    public var totalToReceive: Int64

    /// Creates a progress report.
    public init(bytesSent: Int64, totalToSend: Int64, bytesReceived: Int64, totalToReceive: Int64) {
        self.bytesSent = bytesSent
        self.totalToSend = totalToSend
        self.bytesReceived = bytesReceived
        self.totalToReceive = totalToReceive
    }
}

/// A byte range of a file on disk, used as a request body (for example one part of a multipart upload).
public struct FileRegion: Sendable, Hashable {
    /// The file's path.
    public var path: String
    /// The first byte to send.
    public var offset: Int64
    /// How many bytes to send; the file must hold at least `offset + length` bytes.
    public var length: Int64

    /// Creates a region of `length` bytes starting at `offset`.
    public init(path: String, offset: Int64, length: Int64) {
        self.path = path
        self.offset = offset
        self.length = length
    }
}

/// An HTTP method.
public struct HTTPMethod: Sendable, Hashable, CustomStringConvertible {
    /// The method's name as sent on the wire.
    public let rawValue: String

    /// Creates a method from its wire name, for example `"PATCH"`.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod("GET")
    public static let head = HTTPMethod("HEAD")
    public static let post = HTTPMethod("POST")
    public static let put = HTTPMethod("PUT")
    public static let delete = HTTPMethod("DELETE")
    public static let patch = HTTPMethod("PATCH")

    public var description: String { rawValue }
}

/// One header field.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name as sent (compared case-insensitively by lookups).
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}
