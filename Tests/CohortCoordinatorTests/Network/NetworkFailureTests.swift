@testable import CohortCoordinator
import NIOCore
import Testing

extension CoordinatorNetwork {
    @Suite("Failures over TCP", .timeLimit(.minutes(2)))
    struct FailureTests {
        @Test("a silent rank and an abruptly closed rank are marked dead; the others finish; the summary says so")
        // 8 s: long enough that a loaded 2-core CI machine does not starve the hand-driven ranks
        // before they have sent their steps (800 ms and 3 s flaked at load 18), short enough for the test.
        func deadRanks() async throws {
            let token = "dead"
            let leader = try await Net.leader(worldSize: 4, token: token, heartbeatTimeout: .seconds(8))
            let workers = (0..<2).map { Net.worker(rank: $0, worldSize: 4, token: token, port: leader.port) }
            for worker in workers { worker.start() }
            // Ranks 2 and 3 are hand-driven: they join, log steps 0..<3, then 2 falls silent and 3 vanishes.
            var peers: [RawPeer] = []
            for rank in 2...3 {
                let peer = try await RawPeer.connect(port: leader.port)
                try await peer.send(.hello(Net.hello(rank: rank, worldSize: 4, token: token)))
                guard case .welcome = try await peer.next() else { Issue.record("rank \(rank) not welcomed"); return }
                for step in Int64(0)..<3 { try await peer.send(.step(.init(rank: rank, step: step, metrics: Net.metrics(rank: rank, step: step)))) }
                peers.append(peer)
            }
            try await peers[1].channel.close()
            for step in Int64(0)..<6 {
                for (rank, worker) in workers.enumerated() { worker.report(step: step, metrics: Net.metrics(rank: rank, step: step)) }
            }
            for worker in workers { _ = await worker.finish(exitCode: 0, finalStep: 5, deadline: .seconds(20)) }
            let summary = try await within(30, "the group summary") { try await leader.requestFinish(deadline: .seconds(20)) }
            #expect(summary.ranks.map(\.state) == [.finished, .finished, .dead, .dead])
            #expect(summary.state == .partial)
            #expect(!summary.deadlineExceeded)
            let events = try await Net.drain(leader)
            #expect(Set(events.compactMap { if case .rankDead(let rank) = $0 { rank } else { nil } }) == [2, 3])
            let aggregates = events.compactMap { if case .aggregate(let a) = $0 { a } else { nil } }
            #expect(aggregates.map(\.step) == Array(0..<6))
            Net.checkAggregates(events.filter { if case .aggregate(let a) = $0 { a.step < 3 } else { false } }, ranks: [0, 1, 2, 3], steps: 0..<3)
            Net.checkAggregates(events.filter { if case .aggregate(let a) = $0 { a.step >= 3 } else { false } }, ranks: [0, 1], steps: 3..<6)
            try? await peers[0].channel.close().get()  // the leader closed it when it marked rank 2 dead
        }

        @Test("the leader shut down mid-run: workers surface leaderLost and finish returns the undelivered count")
        func leaderLost() async throws {
            let token = "lost"
            let leader = try await Net.leader(worldSize: 2, token: token)
            let workers = (0..<2).map { Net.worker(rank: $0, worldSize: 2, token: token, port: leader.port) }
            for worker in workers { worker.start() }
            for worker in workers { try await Net.waitFor(worker, "joined") { if case .joined = $0 { true } else { false } } }
            for (rank, worker) in workers.enumerated() { worker.report(step: 0, metrics: Net.metrics(rank: rank, step: 0)) }
            await leader.shutdown()
            for worker in workers { try await Net.waitFor(worker, "leaderLost") { $0 == .leaderLost } }
            for step in Int64(1)...5 {
                for (rank, worker) in workers.enumerated() { worker.report(step: step, metrics: Net.metrics(rank: rank, step: step)) }
            }
            for worker in workers {
                let outcome = try await within(10, "finish without a leader") {
                    await worker.finish(exitCode: 0, finalStep: 5, deadline: .milliseconds(300))
                }
                #expect(!outcome.delivered)
                #expect(outcome.undeliveredMessages == 5)
                #expect(worker.connectionState == .finished)
            }
        }

        @Test("the leader unreachable from the start: reports are kept (oldest dropped) and the worker keeps retrying")
        func unreachable() async throws {
            let leader = try await Net.leader(worldSize: 1, token: "gone")
            let port = leader.port
            await leader.shutdown()
            let worker = Net.worker(rank: 0, worldSize: 1, token: "gone", port: port) { $0.protocol.queueCapacity = 8 }
            worker.start()
            for step in Int64(0)..<20 { worker.report(step: step, metrics: ["loss": 1]) }
            #expect(worker.queuedMessages == 8)
            #expect(worker.droppedReports == 12)
            let outcome = await worker.finish(exitCode: 1, finalStep: 19, deadline: .milliseconds(200))
            #expect(outcome == .init(delivered: false, undeliveredMessages: 8, droppedReports: 12))
        }
    }
}
