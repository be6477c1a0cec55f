import CohortCoordinator
import Testing

extension CoordinatorProtocol {
    @Suite("Leader finish barrier and group summary")
    struct LeaderFinishTests {
        static let outcomes: [([Int32], GroupSummary.State)] = [
            ([0, 0, 0, 0], .finished),
            ([0, 1, 0, 0], .partial),
            ([2, 1, 137, 1], .failed),
        ]

        @Test("the group state follows the ranks' exit codes", arguments: outcomes)
        func groupState(exitCodes: [Int32], expected: GroupSummary.State) throws {
            var harness = LeaderHarness()
            harness.joinAll(0..<4)
            for (rank, code) in exitCodes.enumerated() {
                #expect(harness.summaries.isEmpty)
                harness.finish(rank, exitCode: code, finalStep: Int64(10 + rank))
            }
            let summary = try #require(harness.summaries.first)
            #expect(harness.summaries.count == 1)
            #expect(summary.state == expected)
            #expect(summary.ranks.map(\.exitCode) == exitCodes)
            #expect(summary.ranks.map(\.finalStep) == [10, 11, 12, 13])
            #expect(summary.ranks.map(\.state) == exitCodes.map { $0 == 0 ? .finished : .failed })
            #expect(summary.ranks.map(\.runID) == ["run-0", "run-1", "run-2", "run-3"])
            #expect(!summary.deadlineExceeded)
        }

        @Test("summary statistics cover the ranks that reported each key; strings stay per rank")
        func summaryStatistics() throws {
            var harness = LeaderHarness(worldSize: 3)
            harness.joinAll(0..<3)
            harness.receive(.summary(.init(rank: 0, values: ["best": 0.5, "epochs": 3], strings: ["opt": "adam"])), on: LeaderHarness.connection(0))
            harness.receive(.summary(.init(rank: 1, values: ["best": 0.7])), on: LeaderHarness.connection(1))
            harness.receive(.summary(.init(rank: 2, values: ["best": 0.9])), on: LeaderHarness.connection(2))
            harness.receive(.summary(.init(rank: 2, values: ["best": 0.6])), on: LeaderHarness.connection(2))
            for rank in 0..<3 { harness.finish(rank) }
            let summary = try #require(harness.summaries.first)
            let best = try #require(summary.metrics["best"])
            #expect(best.count == 3 && best.min == 0.5 && best.max == 0.7)
            #expect(abs(best.mean - 0.6) < 1e-12)
            #expect(abs(best.std - referenceStatistics([0.5, 0.7, 0.6]).std) < 1e-12)
            #expect(summary.metrics["epochs"]?.count == 1)
            #expect(summary.ranks[0].strings == ["opt": "adam"])
        }

        @Test("a dead rank and a never-joined rank end the barrier with a partial group")
        func deadAndMissing() throws {
            var harness = LeaderHarness()
            harness.joinAll(0..<3)
            harness.finish(0)
            harness.finish(1)
            harness.tick(after: .seconds(60))
            #expect(harness.actions.contains(.markDead(rank: 2)))
            #expect(harness.actions.contains(.markMissing(rank: 3)))
            let summary = try #require(harness.summaries.first)
            #expect(summary.ranks.map(\.state) == [.finished, .finished, .dead, .missing])
            #expect(summary.state == .partial)
        }

        @Test("the deadline after the leader's finish request ends the barrier; open steps are logged first")
        func deadline() throws {
            var harness = LeaderHarness(worldSize: 3) {
                $0.heartbeatTimeout = .seconds(3600)
                $0.alignmentWindow = .seconds(3600)
            }
            harness.joinAll(0..<3)
            harness.step(1, 7, ["loss": 1])
            harness.finish(0, finalStep: 9)
            #expect(harness.leader.requestFinish(now: harness.now).isEmpty)
            #expect(harness.tick(after: .seconds(59)).isEmpty)
            let actions = harness.tick(after: .seconds(1))
            guard actions.count == 2, case .logAggregate(let step) = actions[0], case .writeGroupSummary(let summary) = actions[1] else {
                Issue.record("expected the open step then the summary, got \(actions)")
                return
            }
            #expect(step.step == 7 && step.reason == .finish)
            #expect(summary.deadlineExceeded)
            #expect(summary.ranks.map(\.state) == [.finished, .unfinished, .unfinished])
            #expect(summary.ranks[1].finalStep == 7)
            #expect(harness.tick(after: .seconds(60)).isEmpty)
        }

        @Test("after the summary is written, late hellos are rejected and nothing more is logged")
        func afterSummary() {
            var harness = LeaderHarness(worldSize: 1)
            harness.joinAll([0])
            harness.finish(0)
            let late = ConnectionID(5)
            let actions = harness.receive(.hello(.init(rank: 0, worldSize: 1, runID: "x", host: "h", pid: 1, groupToken: LeaderHarness.token)), on: late)
            guard case .sendAndClose(.reject, late) = actions.first else {
                Issue.record("expected a reject, got \(actions)")
                return
            }
            #expect(harness.summaries.count == 1)
        }

        @Test("a dead rank that reconnects is alive again and the dropped count from its hello is kept")
        func revive() throws {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll(0..<2)
            harness.elapsed += .seconds(20)
            harness.receive(.heartbeat(.init(rank: 0, time: 0)), on: LeaderHarness.connection(0))
            harness.tick(after: .seconds(10))
            #expect(harness.leader.rankStates == [.unfinished, .dead])
            harness.receive(.hello(.init(rank: 1, worldSize: 2, runID: "run-1", host: "h", pid: 1, groupToken: LeaderHarness.token, droppedReports: 12)), on: ConnectionID(77))
            #expect(harness.leader.rankStates == [.unfinished, .unfinished])
            harness.finish(0)
            harness.receive(.finish(.init(rank: 1, exitCode: 0, finalStep: 3)), on: ConnectionID(77))
            let summary = try #require(harness.summaries.first)
            #expect(summary.ranks[1].droppedReports == 12)
            #expect(summary.state == .finished)
        }
    }
}
