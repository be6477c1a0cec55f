@testable import CohortCoordinator
import Testing

extension CoordinatorNetwork {
    @Suite("Strangers over TCP", .timeLimit(.minutes(2)))
    struct StrangerTests {
        /// Two real ranks log `steps` steps and finish; returns the leader's events and summary.
        static func runPair(leader: CoordinatorLeader, token: String, steps: Int64) async throws -> ([LeaderEvent], GroupSummary) {
            let workers = (0..<2).map { Net.worker(rank: $0, worldSize: 2, token: token, port: leader.port) }
            for worker in workers { worker.start() }
            for step in 0..<steps {
                for (rank, worker) in workers.enumerated() { worker.report(step: step, metrics: Net.metrics(rank: rank, step: step)) }
            }
            for worker in workers { _ = await worker.finish(exitCode: 0, finalStep: steps - 1, deadline: .seconds(20)) }
            let summary = try await within(30, "the group summary") { try await leader.requestFinish(deadline: .seconds(20)) }
            return (try await Net.drain(leader), summary)
        }

        @Test("a stranger with a wrong token is rejected and nothing it sends is aggregated")
        func wrongToken() async throws {
            let leader = try await Net.leader(worldSize: 2, token: "right")
            let stranger = try await RawPeer.connect(port: leader.port)
            // Pipelined: the steps arrive before the stranger could read its rejection.
            await stranger.sendPipelined(
                .hello(Net.hello(rank: 0, worldSize: 2, token: "wrong")),
                .step(.init(rank: 0, step: 0, metrics: ["loss": 1e9])),
                .step(.init(rank: 0, step: 1, metrics: ["loss": 1e9]))
            )
            #expect(try await stranger.next() == .reject(.init(reason: "wrong group token")))
            try await stranger.waitClosed()
            let impostor = Net.worker(rank: 1, worldSize: 2, token: "wrong", port: leader.port)
            impostor.start()
            impostor.report(step: 0, metrics: ["loss": 1e9])
            try await Net.waitFor(impostor, "rejected") { if case .rejected = $0 { true } else { false } }
            #expect(await impostor.finish(exitCode: 0, finalStep: 0).delivered == false)

            let (events, summary) = try await Self.runPair(leader: leader, token: "right", steps: 5)
            Net.checkAggregates(events, ranks: [0, 1], steps: 0..<5)
            #expect(summary.state == .finished)
        }

        @Test("a stranger sending garbage bytes is disconnected while the others continue", arguments: [
            [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3],  // oversized length prefix
            [0, 0, 0, 4, 99, 1, 0, 0],  // unknown message type
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8),
        ] as [[UInt8]])
        func garbage(bytes: [UInt8]) async throws {
            let token = "garbage-\(bytes.count)"
            let leader = try await Net.leader(worldSize: 2, token: token)
            let stranger = try await RawPeer.connect(port: leader.port, framed: false)
            try await stranger.sendBytes(bytes)
            try await stranger.waitClosed()
            let (events, summary) = try await Self.runPair(leader: leader, token: token, steps: 5)
            Net.checkAggregates(events, ranks: [0, 1], steps: 0..<5)
            #expect(summary.state == .finished)
        }
    }
}
