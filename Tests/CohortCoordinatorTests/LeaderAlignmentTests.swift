import CohortCoordinator
import Testing

extension CoordinatorProtocol {
    @Suite("Leader step alignment")
    struct LeaderAlignmentTests {
        @Test("4 ranks reporting out of order: each step closes, in order, once all 4 reported it")
        func outOfOrder() throws {
            var harness = LeaderHarness()
            harness.joinAll(0..<4)
            let order: [(Int, Int64)] = [(2, 0), (0, 0), (0, 1), (3, 0), (2, 1), (0, 2), (1, 0), (3, 1), (1, 1), (2, 2), (3, 2), (1, 2)]
            var closedAfter: [Int: Int64] = [:]
            for (index, (rank, step)) in order.enumerated() {
                let value = Double(rank) * 10 + Double(step)
                for action in harness.step(rank, step, ["loss": value]) {
                    if case .logAggregate(let aggregate) = action { closedAfter[index] = aggregate.step }
                }
            }
            #expect(harness.logged.map(\.step) == [0, 1, 2])
            #expect(closedAfter == [6: 0, 8: 1, 11: 2])
            for aggregate in harness.logged {
                let values = (0..<4).map { Double($0) * 10 + Double(aggregate.step) }
                let loss = try #require(aggregate.metrics["loss"])
                #expect(loss.count == 4)
                #expect(loss.mean == referenceStatistics(values).mean)
                #expect(loss.min == values.min() && loss.max == values.max())
                #expect(abs(loss.std - referenceStatistics(values).std) < 1e-12)
                #expect(aggregate.reportedRanks == [0, 1, 2, 3])
                #expect(aggregate.reason == .allReported)
            }
        }

        @Test("a rank that has not reported holds the step until the window passes")
        func windowClosesWithoutMissingRank() throws {
            var harness = LeaderHarness()
            harness.joinAll(0..<4)
            for rank in 0..<3 { harness.step(rank, 5, ["acc": Double(rank)]) }
            #expect(harness.tick(after: .seconds(9)).isEmpty)
            harness.tick(after: .seconds(1))
            let aggregate = try #require(harness.logged.first)
            #expect(aggregate.step == 5 && aggregate.reason == .window)
            #expect(aggregate.reportedRanks == [0, 1, 2])
            #expect(aggregate.metrics["acc"]?.count == 3)
            // Rank 3's report arrives after the close: counted, not aggregated again.
            harness.step(3, 5, ["acc": 3])
            #expect(harness.logged.count == 1)
            #expect(harness.leader.lateReportCount == 1)
        }

        @Test("a rank silent past the heartbeat timeout is marked dead and stops blocking alignment")
        func deadRank() {
            var harness = LeaderHarness { $0.alignmentWindow = .seconds(3600) }
            harness.joinAll(0..<4)
            for rank in 0..<3 {
                harness.tick(after: .seconds(5))
                harness.step(rank, 1, ["x": 1])
            }
            #expect(harness.logged.isEmpty)
            let actions = harness.tick(after: .seconds(15))
            #expect(actions.contains(.markDead(rank: 3)))
            #expect(actions.contains(.close(LeaderHarness.connection(3))))
            #expect(harness.logged.map(\.step) == [1])
            #expect(harness.logged.first?.reason == .allReported)
            #expect(harness.leader.rankStates == [.unfinished, .unfinished, .unfinished, .dead])
        }

        @Test("ranks that log different steps do not block each other: a rank past a step counts as done with it")
        func sparseSteps() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll(0..<2)
            harness.step(0, 0, ["a": 1])
            harness.step(1, 0, ["a": 2])
            harness.step(0, 5, ["a": 1])
            harness.step(1, 10, ["a": 2])
            #expect(harness.logged.map(\.step) == [0, 5])
            #expect(harness.logged[1].reportedRanks == [0])
        }

        @Test("lag counts steps behind the fastest rank and step time the gap between a rank's reports")
        func lagAndStepTime() throws {
            var harness = LeaderHarness(worldSize: 3)
            harness.joinAll(0..<3)
            harness.step(0, 0, ["l": 0]); harness.step(1, 0, ["l": 0]); harness.step(2, 0, ["l": 0])
            harness.elapsed += .milliseconds(100)
            harness.step(0, 1, ["l": 0])
            harness.step(1, 1, ["l": 0])
            harness.elapsed += .milliseconds(150)
            harness.step(0, 2, ["l": 0])
            harness.elapsed += .milliseconds(250)
            harness.step(0, 3, ["l": 0])
            harness.elapsed += .milliseconds(500)
            harness.step(2, 1, ["l": 0])
            let step1 = try #require(harness.logged.first { $0.step == 1 })
            #expect(step1.ranks[0] == .init(lag: 0, stepTime: .milliseconds(250)))
            #expect(step1.ranks[1] == .init(lag: 2, stepTime: .milliseconds(100)))
            #expect(step1.ranks[2] == .init(lag: 2, stepTime: .milliseconds(1000)))
        }

        @Test("a later step whose window passed forces the earlier open steps closed first")
        func inOrderClosing() {
            var harness = LeaderHarness(worldSize: 3)
            harness.joinAll(0..<3)
            harness.step(0, 5, ["m": 1])
            harness.elapsed += .seconds(5)
            harness.step(1, 3, ["m": 2])
            #expect(harness.logged.isEmpty)  // rank 2 has reported nothing yet
            harness.tick(after: .seconds(5))
            #expect(harness.logged.map(\.step) == [3, 5])
            #expect(harness.logged.map(\.reason) == [.window, .window])
            harness.step(1, 4, ["m": 2])
            #expect(harness.leader.lateReportCount == 1)
        }

        @Test("past the open-step cap the oldest step closes, bounding memory")
        func capacity() {
            var harness = LeaderHarness(worldSize: 2) { $0.maximumOpenSteps = 3 }
            harness.joinAll(0..<2)
            for step in Int64(0)..<6 { harness.step(0, step, ["m": Double(step)]) }
            #expect(harness.leader.openStepCount == 3)
            #expect(harness.logged.map(\.step) == [0, 1, 2])
            #expect(harness.logged.allSatisfy { $0.reason == .capacity })
        }

        @Test("ranks skewed past the cap: one aggregate per step, in order, and every late report counted and warned once")
        func skewPastCapacity() {
            var harness = LeaderHarness(worldSize: 2) { $0.maximumOpenSteps = 8 }
            harness.joinAll(0..<2)
            for step in Int64(0)..<30 { harness.step(0, step, ["m": 1]) }  // rank 0 runs 22 steps ahead
            for step in Int64(0)..<30 { harness.step(1, step, ["m": 3]) }
            harness.finish(0, finalStep: 29)
            harness.finish(1, finalStep: 29)
            #expect(harness.logged.map(\.step) == Array(0..<30))  // exactly one row per step, increasing
            let capacityClosed = harness.logged.filter { $0.reason == .capacity }
            #expect(capacityClosed.count == 22 && capacityClosed.allSatisfy { $0.reportedRanks == [0] })
            #expect(harness.logged.suffix(8).allSatisfy { $0.reportedRanks == [0, 1] && $0.metrics["m"]?.mean == 2 })
            #expect(harness.leader.lateReportCount == 22)
            let warnings = harness.actions.filter { if case .lateReport = $0 { true } else { false } }
            #expect(warnings == [.lateReport(rank: 1, step: 0, closedThrough: 21)])
            #expect(harness.summaries.first?.ranks.map(\.lateReports) == [0, 22])
        }

        @Test("a slow rank opening steps a fast rank skipped (its worker dropped them): rows still close in step order")
        func outOfOrderOpening() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll(0..<2)
            for step in stride(from: Int64(0), to: 4000, by: 2) { harness.step(0, step, ["m": 1]) }
            harness.step(0, 3999, ["m": 1])
            for step in Int64(0)..<4000 { harness.step(1, step, ["m": 3]) }
            #expect(harness.logged.map(\.step) == Array(0..<4000))
            #expect(harness.logged.map(\.reportedRanks) == (0..<4000).map { $0 % 2 == 0 || $0 == 3999 ? [0, 1] : [1] })
            #expect(harness.leader.openStepCount == 0 && harness.leader.lateReportCount == 0)
        }

        @Test("the default cap holds ranks 10,000 steps apart without closing a step early")
        func defaultCapacity() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll(0..<2)
            for step in Int64(0)..<10_000 { harness.step(0, step, ["m": 1]) }
            for step in Int64(0)..<10_000 { harness.step(1, step, ["m": 3]) }
            #expect(harness.logged.count == 10_000)
            #expect(harness.logged.allSatisfy { $0.reason == .allReported && $0.reportedRanks == [0, 1] })
            #expect(harness.leader.lateReportCount == 0)
        }

        @Test("a rank that reports the same step twice is merged, the later value winning")
        func sameStepTwice() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll([0, 1])
            harness.step(0, 1, ["a": 1, "b": 2])
            harness.step(0, 1, ["a": 3])
            harness.step(1, 2, [:])
            harness.step(0, 2, [:])
            #expect(harness.logged.first?.metrics["a"]?.mean == 3)
            #expect(harness.logged.first?.metrics["a"]?.count == 1)
            #expect(harness.logged.first?.metrics["b"]?.mean == 2)
            #expect(harness.logged.first?.reportedRanks == [0])
        }

        @Test("a rank that goes back to a step still open is merged into its earlier report, not counted twice")
        func earlierStepAgain() {
            var harness = LeaderHarness(worldSize: 2)
            harness.joinAll([0, 1])
            harness.step(0, 1, ["a": 1])
            harness.step(0, 2, ["a": 2])
            harness.step(0, 1, ["a": 3])  // back to step 1, still open: rank 1 has not reported it
            harness.step(1, 1, ["a": 5])
            harness.step(1, 2, ["a": 6])
            let first = harness.logged.first { $0.step == 1 }
            #expect(first?.metrics["a"]?.count == 2)
            #expect(first?.metrics["a"]?.mean == 4)  // rank 0's later 3 replaced its 1
            #expect(first?.reportedRanks == [0, 1])
        }

        static let samples: [[Double]] = [
            [1, 2, 3, 4], [5], [1e9 + 1, 1e9 + 2, 1e9 + 3], [-3.5, 0, 2.25, 7, 7, -1], [0.1, 0.2, 0.3],
        ]

        @Test("aggregate statistics match a reference population computation", arguments: samples)
        func statistics(values: [Double]) {
            let aggregate = Aggregate(of: values)
            let reference = referenceStatistics(values)
            #expect(aggregate.count == values.count && aggregate.nonFiniteCount == 0)
            #expect(abs(aggregate.mean - reference.mean) <= 1e-9 * max(1, abs(reference.mean)))
            #expect(abs(aggregate.std - reference.std) <= 1e-9 * max(1, reference.std))
            #expect(aggregate.min == values.min() && aggregate.max == values.max())
        }

        @Test("NaN and infinities are counted but left out of the statistics")
        func nonFinite() {
            let aggregate = Aggregate(of: [1, .nan, 3, .infinity])
            #expect(aggregate.count == 2 && aggregate.nonFiniteCount == 2)
            #expect(aggregate.mean == 2 && aggregate.std == 1)
            #expect(Aggregate(of: [.nan]).mean.isNaN)
            #expect(aggregate.entries(prefix: "loss")["loss/count"] == 2)
        }
    }
}
