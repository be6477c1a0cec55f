@testable import CohortCoordinator
import Testing

extension CoordinatorNetwork {
    @Suite("Aggregation over TCP", .timeLimit(.minutes(2)))
    struct AggregationTests {
        /// Starts `worldSize` workers, has each log `steps` steps and a summary, finishes them all.
        static func runGroup(worldSize: Int, steps: Int64, token: String) async throws -> ([LeaderEvent], GroupSummary, [WorkerStateMachine.FinishOutcome]) {
            let leader = try await Net.leader(worldSize: worldSize, token: token)
            let workers = (0..<worldSize).map { Net.worker(rank: $0, worldSize: worldSize, token: token, port: leader.port) }
            for worker in workers { worker.start() }
            for step in 0..<steps {
                for (rank, worker) in workers.enumerated() { worker.report(step: step, metrics: Net.metrics(rank: rank, step: step)) }
            }
            for (rank, worker) in workers.enumerated() { worker.summary(values: ["best": Double(rank)]) }
            let outcomes = try await within(60, "every worker's finish") {
                try await withThrowingTaskGroup(of: WorkerStateMachine.FinishOutcome.self) { group in
                    for worker in workers { group.addTask { await worker.finish(exitCode: 0, finalStep: steps - 1, deadline: .seconds(30)) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let summary = try await within(60, "the group summary") { try await leader.requestFinish(deadline: .seconds(30)) }
            return (try await Net.drain(leader), summary, outcomes)
        }

        @Test("four workers: every aggregate's mean, min and max equal what the workers reported")
        func fourWorkers() async throws {
            let (events, summary, outcomes) = try await Self.runGroup(worldSize: 4, steps: 20, token: "four")
            Net.checkAggregates(events, ranks: [0, 1, 2, 3], steps: 0..<20)
            #expect(outcomes.allSatisfy { $0.delivered && $0.undeliveredMessages == 0 && $0.droppedReports == 0 })
            #expect(summary.state == .finished)
            #expect(summary.ranks.map(\.state) == Array(repeating: .finished, count: 4))
            #expect(summary.ranks.map(\.finalStep) == Array(repeating: 19, count: 4))
            #expect(summary.metrics["best"]?.mean == 1.5)
            #expect(events.last == .groupSummary(summary))
        }

        @Test("a consumer far behind a small event buffer loses no aggregate: the leader stops reading instead")
        func slowConsumerBackPressure() async throws {
            let token = "slow-consumer"
            var settings = LeaderStateMachine.Configuration(worldSize: 2, groupToken: token, groupName: "g", leaderRunID: "agg")
            settings.alignmentWindow = .seconds(60)
            var configuration = CoordinatorLeader.Configuration(protocol: settings)
            configuration.host = "127.0.0.1"
            configuration.eventBufferCapacity = 16
            let leader = try await CoordinatorLeader.start(configuration: configuration, logger: Net.quiet)
            let steps: Int64 = 3000
            // The consumer starts late (events pile up past the buffer), then takes them one by one.
            let consumer = Task {
                try? await Task.sleep(for: .milliseconds(500))
                var events: [LeaderEvent] = []
                for await event in leader.events { events.append(event) }
                return events
            }
            let workers = (0..<2).map { Net.worker(rank: $0, worldSize: 2, token: token, port: leader.port) }
            for worker in workers { worker.start() }
            for step in 0..<steps {
                for (rank, worker) in workers.enumerated() { worker.report(step: step, metrics: Net.metrics(rank: rank, step: step)) }
            }
            let outcomes = try await within(60, "every worker's finish") {
                try await withThrowingTaskGroup(of: WorkerStateMachine.FinishOutcome.self) { group in
                    for worker in workers { group.addTask { await worker.finish(exitCode: 0, finalStep: steps - 1, deadline: .seconds(30)) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let summary = try await within(60, "the group summary") { try await leader.requestFinish(deadline: .seconds(30)) }
            await leader.shutdown()
            let events = await consumer.value
            #expect(outcomes.allSatisfy { $0.delivered && $0.droppedReports == 0 })
            #expect(summary.ranks.map(\.lateReports) == [0, 0])
            Net.checkAggregates(events, ranks: [0, 1], steps: 0..<steps)
            #expect(events.last == .groupSummary(summary))
        }

        @Test("64 workers × 50 steps: every step aggregated over all ranks")
        func sixtyFourWorkers() async throws {
            let (events, summary, outcomes) = try await Self.runGroup(worldSize: 64, steps: 50, token: "sixty-four")
            Net.checkAggregates(events, ranks: Array(0..<64), steps: 0..<50)
            #expect(outcomes.count == 64)
            #expect(outcomes.allSatisfy { $0.delivered })
            #expect(summary.state == .finished)
            #expect(summary.ranks.count == 64)
        }
    }
}
