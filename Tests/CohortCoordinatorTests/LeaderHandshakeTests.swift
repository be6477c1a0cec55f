import CohortCoordinator
import Testing

extension CoordinatorProtocol {
    @Suite("Leader handshake")
    struct LeaderHandshakeTests {
        @Test("a hello with the right token is welcomed with the group name and aggregate run id")
        func welcome() {
            var harness = LeaderHarness()
            let actions = harness.receive(LeaderHarness.hello(rank: 2), on: LeaderHarness.connection(2))
            #expect(actions == [.send(.welcome(.init(groupName: "g", leaderRunID: "agg")), to: LeaderHarness.connection(2))])
        }

        @Test("a stranger with a wrong token is rejected, closed, and cannot inject metrics")
        func wrongToken() {
            var harness = LeaderHarness()
            let stranger = ConnectionID(7)
            let actions = harness.receive(LeaderHarness.hello(rank: 0, token: "guess"), on: stranger)
            #expect(actions == [.sendAndClose(.reject(.init(reason: "wrong group token")), stranger)])
            let injected = harness.receive(.step(.init(rank: 0, step: 1, metrics: ["loss": 1])), on: stranger)
            #expect(injected == [.close(stranger)])
            #expect(harness.leader.openStepCount == 0)
            #expect(harness.logged.isEmpty)
        }

        static let refusals: [(CoordinatorMessage.Hello, String)] = [
            (.init(rank: 1, worldSize: 8, runID: "r", host: "h", pid: 1, groupToken: LeaderHarness.token), "world size 8"),
            (.init(rank: 4, worldSize: 4, runID: "r", host: "h", pid: 1, groupToken: LeaderHarness.token), "out of range"),
            (.init(protocolVersion: 9, rank: 1, worldSize: 4, runID: "r", host: "h", pid: 1, groupToken: LeaderHarness.token), "protocol version"),
            (.init(rank: 1, worldSize: 4, runID: "r", host: "h", pid: 1, groupToken: LeaderHarness.token, groupName: "other"), "group name"),
        ]

        @Test("a hello that does not fit the group is rejected with a reason", arguments: refusals)
        func refused(hello: CoordinatorMessage.Hello, reason: String) throws {
            var harness = LeaderHarness()
            let connection = ConnectionID(1)
            let actions = harness.receive(.hello(hello), on: connection)
            guard case .sendAndClose(.reject(let reject), connection) = try #require(actions.first) else {
                Issue.record("expected a reject, got \(actions)")
                return
            }
            #expect(reject.reason.contains(reason))
            #expect(!reject.reason.contains(LeaderHarness.token))
        }

        @Test("a second connection claiming a connected rank is rejected; after a disconnect it may rejoin")
        func duplicateRank() {
            var harness = LeaderHarness()
            harness.joinAll([1])
            let intruder = ConnectionID(9)
            let duplicate = harness.receive(LeaderHarness.hello(rank: 1), on: intruder)
            #expect(duplicate == [.sendAndClose(.reject(.init(reason: "rank 1 is already connected")), intruder)])
            _ = harness.leader.connectionClosed(LeaderHarness.connection(1), now: harness.now)
            let rejoin = harness.receive(LeaderHarness.hello(rank: 1), on: intruder)
            #expect(rejoin == [.send(.welcome(.init(groupName: "g", leaderRunID: "agg")), to: intruder)])
        }

        @Test("messages before hello, or speaking for another rank, close the connection")
        func protocolViolations() {
            var harness = LeaderHarness()
            harness.joinAll([0])
            let unknown = ConnectionID(42)
            #expect(harness.receive(.heartbeat(.init(rank: 0, time: 0)), on: unknown) == [.close(unknown)])
            let own = LeaderHarness.connection(0)
            #expect(harness.receive(.step(.init(rank: 3, step: 0, metrics: [:])), on: own) == [.close(own)])
            #expect(harness.receive(LeaderHarness.hello(rank: 0), on: own) == [.close(own)])
        }
    }
}
