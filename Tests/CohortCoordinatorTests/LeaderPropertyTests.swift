import CohortCoordinator
import CohortTestSupport
import NIOCore
import Testing


extension CoordinatorProtocol {
    @Suite("Leader under random interleavings and scale")
    struct LeaderPropertyTests {
        @Test("random interleavings of sparse per-rank steps close each step once, in order, as soon as it is complete",
              arguments: [UInt64(1), 2, 3, 42, 1234, 99_999])
        func randomInterleavings(seed: UInt64) throws {
            var random = SplitMix64(seed: seed)
            let worldSize = Int.random(in: 2...6, using: &random)
            var harness = LeaderHarness(worldSize: worldSize) { $0.alignmentWindow = .seconds(3600) }
            harness.joinAll(0..<worldSize)
            // Each rank logs an increasing, sparse run of steps with random values.
            var pending: [[(Int64, Double)]] = (0..<worldSize).map { _ in
                (Int64(0)..<40).filter { _ in Bool.random(using: &random) }.map { ($0, Double.random(in: -5...5, using: &random)) }
            }
            var reported: [Int64: [Double]] = [:]
            var highest: [Int64?] = Array(repeating: nil, count: worldSize)
            while let rank = pending.indices.filter({ !pending[$0].isEmpty }).randomElement(using: &random) {
                let (step, value) = pending[rank].removeFirst()
                harness.step(rank, step, ["v": value])
                reported[step, default: []].append(value)
                highest[rank] = step
                let frontier = highest.contains(nil) ? nil : highest.compactMap { $0 }.min()
                let expected = frontier.flatMap { bound in reported.keys.filter { $0 <= bound }.max() }
                #expect(harness.leader.closedThrough == expected)
            }
            for rank in 0..<worldSize { harness.finish(rank) }
            #expect(harness.logged.map(\.step) == reported.keys.sorted())
            #expect(harness.leader.lateReportCount == 0)
            for aggregate in harness.logged {
                let values = try #require(reported[aggregate.step])
                let v = try #require(aggregate.metrics["v"])
                #expect(v.count == values.count)
                #expect(abs(v.mean - referenceStatistics(values).mean) < 1e-9)
                #expect(abs(v.std - referenceStatistics(values).std) < 1e-9)
            }
        }

        @Test("64 and 256 ranks in lockstep: every step aggregates all ranks", arguments: [64, 256])
        func scale(worldSize: Int) throws {
            var harness = LeaderHarness(worldSize: worldSize)
            harness.joinAll(0..<worldSize)
            for step in Int64(0)..<50 {
                for rank in 0..<worldSize { harness.step(rank, step, ["loss": Double(rank)]) }
                harness.elapsed += .milliseconds(10)
            }
            #expect(harness.logged.count == 50)
            #expect(harness.logged.allSatisfy { $0.metrics["loss"]?.count == worldSize && $0.reason == .allReported })
            let mean = try #require(harness.logged.last?.metrics["loss"]?.mean)
            #expect(mean == Double(worldSize - 1) / 2)
        }

        @Test("after the group summary, reports are ignored")
        func ignoredAfterSummary() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll(0..<2)
            _ = harness.leader.requestFinish(now: harness.now)
            harness.tick(after: .seconds(60))
            #expect(harness.summaries.count == 1)
            #expect(harness.step(0, 1, ["x": 1]).isEmpty)
            #expect(harness.leader.openStepCount == 0)
        }

        @Test("the frame encoder writes what the codec decodes")
        func encoder() throws {
            var out = ByteBuffer()
            let message = CoordinatorMessage.finish(.init(rank: 3, exitCode: 0, finalStep: 12))
            try CoordinatorFrameEncoder().encode(data: message, out: &out)
            #expect(try CoordinatorCodec().decode(from: &out) == message)
        }
    }
}
