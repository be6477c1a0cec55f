/// An HTTP/1.1 and HTTP/2 client on libcurl's multi interface, running on one thread of its own.
///
/// Every request is one transfer on a dedicated thread (never the cooperative pool or an event loop);
/// connections are kept and reused across requests, HTTP/2 is used when a TLS server offers it, gzip
/// answers are decoded, TLS certificates are verified, and the `http_proxy`/`https_proxy`/`no_proxy`
/// environment variables apply as they do for the `curl` tool. ``execute(_:)`` returns any status; wrap
/// the client in a ``RetryingHTTPClient`` to retry and to turn error statuses into ``TransportError``s.
///
/// ```swift
/// let client = HTTPClient()
/// defer { client.shutdown() }
/// let response = try await client.execute(
///     HTTPRequest(method: .post, url: "http://127.0.0.1:8080/graphql",
///                 headers: [HTTPHeader("Content-Type", "application/json")],
///                 body: .bytes(Array(#"{"query":"{viewer{id}}"}"#.utf8))))
/// print(response.status, response.bodyText)
/// ```
///
/// Call ``shutdown()`` when done: it fails the transfers still running with ``TransportError/Kind/shutDown``
/// and stops the thread. A client that is released without it shuts down too.
public final class HTTPClient: Sendable {
    /// Settings of an ``HTTPClient``.
    public struct Configuration: Sendable {
        /// How long to wait for a TCP (and TLS) connection. Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// A transfer slower than ``lowSpeedLimitBytesPerSecond`` for this long is aborted as timed out.
        /// Default 60 s.
        public var lowSpeedTime: Duration = .seconds(60)
        /// See ``lowSpeedTime``. Default 1 byte per second (a stalled transfer).
        public var lowSpeedLimitBytesPerSecond: Int = 1
        /// The most connections kept open to one host. Default 8; further requests queue inside libcurl,
        /// or share a connection when it is HTTP/2.
        public var maxConnectionsPerHost: Int = 8
        /// The most idle connections kept for reuse. Default 32.
        public var maxIdleConnections: Int = 32
        /// The largest response body kept in memory; a larger one fails with
        /// ``TransportError/Kind/responseTooLarge``. Default 64 MiB.
        public var maxInMemoryBodyBytes: Int = 64 << 20
        /// Whether 3xx answers are followed (at most 10 hops; the Authorization header is not sent to
        /// another host). Default `true`.
        public var followRedirects: Bool = true
        /// The `User-Agent` header sent unless a request sets its own. Default `cohort`.
        public var userAgent: String = "cohort"
        /// A PEM file of certificate authorities to trust instead of the system's (a private CA of a
        /// self-hosted server). `nil` keeps libcurl's default bundle. Verification is never turned off.
        public var caBundlePath: String?

        /// The defaults above.
        public init() {}
    }

    private let worker: CurlWorker

    /// Starts the client's thread.
    public init(configuration: Configuration = Configuration()) {
        worker = CurlWorker(configuration: configuration)
        worker.start()
    }

    deinit {
        worker.requestShutdown(completion: nil)
    }

    /// Sends `request` and waits for the whole answer.
    ///
    /// Cancelling the calling task removes the transfer and throws ``TransportError/Kind/cancelled``.
    /// - Parameter request: what to send and where the response body goes.
    /// - Returns: the final answer, whatever its status.
    /// - Throws: a ``TransportError`` when no answer arrived (connection, timeout, TLS, file, cancelled,
    ///   shut down); never for an HTTP status.
    public func execute(_ request: HTTPRequest) async throws(TransportError) -> HTTPResponse {
        let transfer = Transfer(request: request, configuration: worker.configuration)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>) in
                transfer.continuation = continuation
                worker.submit(transfer)
            }
        } onCancel: {
            worker.cancel(transfer)
        }
        return try result.get()
    }

    /// Fails the transfers in flight with ``TransportError/Kind/shutDown`` and stops the thread; later
    /// requests fail the same way. Returns at once; safe to call more than once.
    public func shutdown() {
        worker.requestShutdown(completion: nil)
    }

    /// Like ``shutdown()``, and waits until the thread has stopped and released its connections.
    public func shutdownGracefully() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            worker.requestShutdown { continuation.resume() }
        }
    }
}
