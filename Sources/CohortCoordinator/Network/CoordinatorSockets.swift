import NIOCore
import NIOPosix

// The only file of the coordinator that imports NIOPosix: it opens the listening socket and the
// client connections. Everything else works on `Channel`s and `EventLoop`s from NIOCore.

/// Opens the coordinator's TCP sockets.
enum CoordinatorSockets {
    /// The process-wide event loop group used when the caller injects none.
    static var defaultGroup: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    /// Installs the frame decoder and encoder (with `codec`'s size limit), then the handler `handler`
    /// makes (on the channel's event loop, so the handler itself need not be `Sendable`).
    static func addCodec(
        to channel: any Channel, codec: CoordinatorCodec, handler: @escaping @Sendable () -> some ChannelHandler
    ) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
                ByteToMessageHandler(CoordinatorFrameDecoder(codec: codec)),
                MessageToByteHandler(CoordinatorFrameEncoder(codec: codec)),
                handler()
            )
        }
    }

    /// Binds a listening socket; each accepted connection is set up by `initializer`.
    static func listen(
        host: String, port: Int, group: any EventLoopGroup, backlog: Int32,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: backlog)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer(initializer)
            .bind(host: host, port: port)
    }

    /// Opens a client connection on `eventLoop`, set up by `initializer` before it becomes active.
    static func connect(
        host: String, port: Int, eventLoop: any EventLoop, timeout: Duration,
        initializer: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>
    ) -> EventLoopFuture<any Channel> {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(.nanoseconds(Int64(timeout / .nanoseconds(1))))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer(initializer)
            .connect(host: host, port: port)
    }
}
