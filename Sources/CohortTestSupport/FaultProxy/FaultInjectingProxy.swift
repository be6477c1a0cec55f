internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// An HTTP/1.1 proxy on `127.0.0.1:0` for failure tests: it forwards each request to an upstream server,
/// or answers it itself as a tiny in-memory origin, unless a scripted fault says otherwise.
///
/// Without an upstream it is an origin: `PUT`/`POST` store the body under the path and echo it back,
/// `GET`/`HEAD` serve a stored body (honouring `Range: bytes=a-b` with a 206), `DELETE` removes it, and
/// unknown paths answer 404. Every request is recorded (method, path, headers, body size, connection).
///
/// ```swift
/// let proxy = try await FaultInjectingProxy.start(upstream: ("127.0.0.1", serverPort))
/// proxy.inject(.respond(503), times: 2, pathPrefix: "/graphql")
/// proxy.inject(.closeConnection, pathPrefix: "/files/")
/// // … point the client at proxy.baseURL …
/// #expect(proxy.requests.count == 3)
/// try await proxy.shutdown()
/// ```
public final class FaultInjectingProxy: Sendable {
    struct Rule {
        var fault: ProxyFault
        var remaining: Int
        var pathPrefix: String
    }

    struct State {
        var rules: [Rule] = []
        var requests: [RecordedRequest] = []
        var stored: [String: [UInt8]] = [:]
        var connections = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }

    /// The port the proxy listens on.
    public let port: Int
    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    let upstream: (host: String, port: Int)?
    let state = Mutex(State())
    let group: MultiThreadedEventLoopGroup
    /// The accept loop: the one unstructured task, stored here and cancelled by `shutdown()`.
    private let acceptTask = Mutex<Task<Void, Never>?>(nil)

    private init(port: Int, upstream: (host: String, port: Int)?, group: MultiThreadedEventLoopGroup) {
        self.port = port
        self.upstream = upstream
        self.group = group
    }

    /// Starts a proxy in front of `upstream`, or an origin when `upstream` is `nil`.
    public static func start(upstream: (host: String, port: Int)? = nil) async throws -> FaultInjectingProxy {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let proxy = FaultInjectingProxy(port: server.channel.localAddress?.port ?? 0, upstream: upstream, group: group)
        let task = Task<Void, Never> {
            _ = try? await server.executeThenClose { inbound in  // ends when cancelled by shutdown()
                try await withThrowingDiscardingTaskGroup { tasks in
                    for try await connection in inbound {
                        let number = proxy.state.withLock { state in
                            state.connections += 1
                            return state.connections
                        }
                        tasks.addTask { await proxy.serve(connection, number: number) }
                    }
                }
            }
        }
        proxy.acceptTask.withLock { $0 = task }
        return proxy
    }

    /// Applies `fault` to the next `times` requests whose path starts with `pathPrefix`. Rules are tried in
    /// the order they were added; a request uses the first one that matches.
    public func inject(_ fault: ProxyFault, times: Int = 1, pathPrefix: String = "/") {
        state.withLock { $0.rules.append(Rule(fault: fault, remaining: times, pathPrefix: pathPrefix)) }
    }

    /// Stores `bytes` as the origin's body for `path` (origin mode).
    public func store(_ bytes: [UInt8], at path: String) {
        state.withLock { $0.stored[path] = bytes }
    }

    /// The body the origin holds for `path`, if any.
    public func stored(at path: String) -> [UInt8]? {
        state.withLock { $0.stored[path] }
    }

    /// Every request received so far, in arrival order.
    public var requests: [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// Returns once at least `count` requests have been received.
    public func waitForRequests(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.requests.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Stops accepting, closes every connection and stops the proxy's thread.
    public func shutdown() async throws {
        let task = acceptTask.withLock { $0 }
        task?.cancel()
        await task?.value
        try await group.shutdownGracefully()
    }

    /// Records a request and returns the fault that applies to it, if any.
    func record(_ request: RecordedRequest) -> ProxyFault? {
        let (fault, ready) = state.withLock { state in
            state.requests.append(request)
            let count = state.requests.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            guard let index = state.rules.firstIndex(where: { $0.remaining > 0 && request.path.hasPrefix($0.pathPrefix) })
            else { return (ProxyFault?.none, ready) }
            state.rules[index].remaining -= 1
            return (state.rules[index].fault, ready)
        }
        for continuation in ready { continuation.resume() }
        return fault
    }
}
