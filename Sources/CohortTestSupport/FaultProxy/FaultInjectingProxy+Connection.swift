internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import Synchronization

/// A complete answer, written with a `Content-Length`.
struct ProxyResponse {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer
}

extension FaultInjectingProxy {
    /// Reads requests from one client connection until it closes, applying faults.
    func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, number: Int) async {
        // A client that goes away mid-answer ends this connection only; nothing to report.
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body.clear()
                case .body(var bytes):
                    body.writeBuffer(&bytes)
                case .end:
                    guard let request = head else { continue }
                    let keepGoing = try await answer(request, body: body, connection: number, outbound: outbound)
                    if !keepGoing { return }
                }
            }
        }
    }

    /// Answers one request; returns whether the connection stays open.
    private func answer(
        _ head: HTTPRequestHead,
        body: ByteBuffer,
        connection: Int,
        outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws -> Bool {
        let recorded = RecordedRequest(
            method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) },
            bodySize: body.readableBytes, connection: connection, receivedAt: .now)
        var response: ProxyResponse
        switch record(recorded)?.action {
        case .close:
            return false
        case .respond(let status, let headers, let bytes):
            var fields = HTTPHeaders(headers)
            fields.replaceOrAdd(name: "content-type", value: "text/plain")
            response = ProxyResponse(status: .init(statusCode: status), headers: fields, body: ByteBuffer(bytes: bytes))
        case .delay(let duration):
            try await Task.sleep(for: duration)
            response = try await handle(head, body: body)
        case nil:
            response = try await handle(head, body: body)
        }
        let keepAlive = head.isKeepAlive
        response.headers.replaceOrAdd(name: "content-length", value: "\(response.body.readableBytes)")
        response.headers.remove(name: "transfer-encoding")
        response.headers.replaceOrAdd(name: "connection", value: keepAlive ? "keep-alive" : "close")
        try await outbound.write(.head(HTTPResponseHead(version: head.version, status: response.status, headers: response.headers)))
        if head.method != .HEAD, response.body.readableBytes > 0 {
            try await outbound.write(.body(.byteBuffer(response.body)))
        }
        try await outbound.write(.end(nil))
        return keepAlive
    }

    private func handle(_ head: HTTPRequestHead, body: ByteBuffer) async throws -> ProxyResponse {
        guard let upstream else { return originAnswer(head, body: body) }
        do {
            return try await forward(head, body: body, to: upstream)
        } catch {
            return ProxyResponse(status: .badGateway, headers: [:], body: ByteBuffer(string: "upstream failed: \(error)"))
        }
    }

    /// Sends the request to the upstream on a connection of its own and collects the whole answer.
    private func forward(_ head: HTTPRequestHead, body: ByteBuffer, to upstream: (host: String, port: Int)) async throws -> ProxyResponse {
        let channel = try await ClientBootstrap(group: group).connect(host: upstream.host, port: upstream.port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
            }
        }
        return try await channel.executeThenClose { inbound, outbound in
            var request = head
            request.headers.replaceOrAdd(name: "connection", value: "close")
            try await outbound.write(.head(request))
            if body.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(body))) }
            try await outbound.write(.end(nil))
            var response = ProxyResponse(status: .badGateway, headers: [:], body: ByteBuffer())
            for try await part in inbound {
                switch part {
                case .head(let answer):
                    response.status = answer.status
                    response.headers = answer.headers
                case .body(var bytes):
                    response.body.writeBuffer(&bytes)
                case .end:
                    return response
                }
            }
            return response
        }
    }

    /// The in-memory origin: PUT/POST store and echo, GET/HEAD serve (with Range), DELETE removes.
    private func originAnswer(_ head: HTTPRequestHead, body: ByteBuffer) -> ProxyResponse {
        let path = String(head.uri.prefix { $0 != "?" })
        var headers = HTTPHeaders([("x-echo-method", head.method.rawValue)])
        switch head.method {
        case .PUT, .POST, .PATCH:
            store(Array(body.readableBytesView), at: path)
            return ProxyResponse(status: .ok, headers: headers, body: body)
        case .DELETE:
            let existed = state.withLock { $0.stored.removeValue(forKey: path) != nil }
            return ProxyResponse(status: existed ? .ok : .notFound, headers: headers, body: ByteBuffer())
        default:
            guard let bytes = stored(at: path) else {
                return ProxyResponse(status: .notFound, headers: headers, body: ByteBuffer(string: "no such path: \(path)"))
            }
            if let range = head.headers.first(name: "range"), let (lower, upper) = Self.byteRange(range, size: bytes.count) {
                headers.add(name: "content-range", value: "bytes \(lower)-\(upper)/\(bytes.count)")
                return ProxyResponse(status: .partialContent, headers: headers, body: ByteBuffer(bytes: bytes[lower...upper]))
            }
            return ProxyResponse(status: .ok, headers: headers, body: ByteBuffer(bytes: bytes))
        }
    }

    /// `bytes=a-b` or `bytes=a-` within `size` bytes.
    static func byteRange(_ value: String, size: Int) -> (Int, Int)? {
        guard value.hasPrefix("bytes=") else { return nil }
        let bounds = value.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let lower = Int(bounds[0]), lower < size else { return nil }
        let upper = min(Int(bounds[1]) ?? size - 1, size - 1)
        return lower <= upper ? (lower, upper) : nil
    }
}
