@testable import CohortCoordinator
import NIOCore
import Testing

extension CoordinatorNetwork {
    @Suite("Back-pressure over TCP", .timeLimit(.minutes(2)))
    struct BackPressureTests {
        /// A leader that welcomes, then stops reading, so the worker's socket fills up.
        final class StalledLeader: ChannelInboundHandler, Sendable {
            typealias InboundIn = CoordinatorMessage
            typealias OutboundOut = CoordinatorMessage

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                guard case .hello = Self.unwrapInboundIn(data) else { return }
                context.writeAndFlush(Self.wrapOutboundOut(.welcome(.init(groupName: "stalled", leaderRunID: "agg"))), promise: nil)
                context.channel.setOption(.autoRead, value: false).whenComplete { _ in }
            }
        }

        @Test("a leader that stops reading: the socket stops being writable, report never blocks, the queue stays bounded, finish returns")
        func stalledLeader() async throws {
            let server = try await CoordinatorSockets.listen(
                host: "127.0.0.1", port: 0, group: CoordinatorSockets.defaultGroup, backlog: 8
            ) { channel in
                CoordinatorSockets.addCodec(to: channel, codec: CoordinatorCodec(), handler: { StalledLeader() })
            }.get()
            let port = try #require(server.localAddress?.port)
            let worker = Net.worker(rank: 0, worldSize: 1, token: "stalled", port: port) {
                $0.protocol.queueCapacity = 64
                $0.maximumInFlight = 32
            }
            worker.start()
            try await Net.waitFor(worker, "joined") { if case .joined = $0 { true } else { false } }
            let metrics = Dictionary(uniqueKeysWithValues: (0..<200).map { ("metric/\($0)", Double($0)) })
            var step: Int64 = 0
            // Report until the socket is full (NIO says not writable). Bounded by the count, not by
            // time: the socket buffers fill long before 2 000 000 reports of ~4 KB.
            while worker.isChannelWritable, step < 2_000_000 {
                worker.report(step: step, metrics: metrics)
                step += 1
            }
            #expect(!worker.isChannelWritable)
            for _ in 0..<100 {
                worker.report(step: step, metrics: metrics)
                step += 1
            }
            #expect(worker.droppedReports > 0)
            #expect(worker.queuedMessages == 64)
            let finalStep = step - 1
            let outcome = try await within(10, "finish against a stalled leader") {
                await worker.finish(exitCode: 0, finalStep: finalStep, deadline: .milliseconds(300))
            }
            // The kernel's loopback buffers may grow and let NIO hand the queue over before finish
            // runs ("delivered" means handed to the connection), so either outcome is bounded.
            #expect(outcome.delivered ? outcome.undeliveredMessages == 0 : outcome.undeliveredMessages <= 64)
            #expect(outcome.droppedReports == worker.droppedReports && outcome.droppedReports > 0)
            try await server.close()
        }
    }
}
