import NIOCore

// Step alignment. A rank's reports arrive in step order on its connection, so a rank whose highest
// reported step is past `s` will never report `s`: step `s` is complete when every rank that
// alignment waits for (pending or alive) has reached `s`, i.e. `s` is at or below the frontier
// (the lowest highest-step of those ranks). Steps close strictly in order.
//
// The frontier is cached with the number of awaited ranks sitting on it; it is recomputed (O(ranks))
// only when the last of them moves on or a rank's liveness changes, so ranks in lockstep cost
// O(ranks) per step, not per report.

extension LeaderStateMachine {
    /// The cached alignment frontier.
    struct Frontier: Sendable {
        /// The lowest highest-step of the awaited ranks (`Int64.min` while one has reported nothing,
        /// `Int64.max` when no rank is awaited).
        var step: Int64
        /// How many awaited ranks have exactly `step` as their highest step.
        var ranksOnIt: Int
    }

    mutating func handleStep(_ report: CoordinatorMessage.StepReport, rank: Int, now: ContinuousClock.Instant) -> [Action] {
        let previous = ranks[rank].highestStep ?? .min
        ranks[rank].advance(to: report.step, now: now)
        if let cached = frontier, ranks[rank].liveness.blocksAlignment,
           previous == cached.step, (ranks[rank].highestStep ?? .min) != previous {
            frontier = cached.ranksOnIt > 1 ? Frontier(step: cached.step, ranksOnIt: cached.ranksOnIt - 1) : nil
        }
        if let closed = lastClosedStep, report.step <= closed {
            // Its step already has its one row (closed by the window or by capacity): count it, and
            // say so the first time for this rank, so a gap in the aggregate is never silent.
            ranks[rank].lateReports += 1
            let first: [Action] = ranks[rank].lateReports == 1
                ? [.lateReport(rank: rank, step: report.step, closedThrough: closed)] : []
            return first + closeReadySteps(now: now)
        }
        let repeated = previous >= report.step  // this rank may have reported this step already
        switch openSteps.index(forKey: report.step) {
        case .some(let index):
            openSteps.values[index].add(rank: rank, metrics: report.metrics, repeated: repeated)
        case .none:
            var open = OpenStep(firstReport: now)
            open.add(rank: rank, metrics: report.metrics, repeated: false)
            openSteps[report.step] = open
            openOrder.insert(report.step)
        }
        var actions: [Action] = []
        while openOrder.count > configuration.maximumOpenSteps {
            actions.append(closeOldest(reason: .capacity))
        }
        actions += closeReadySteps(now: now)
        return actions
    }

    /// Closes, in order, every open step that is complete or whose window has passed.
    /// - Parameter scanningAll: also look past the oldest step for an expired window (a later step
    ///   that expired forces the earlier ones closed, keeping the order). Done on `tick`.
    mutating func closeReadySteps(now: ContinuousClock.Instant, scanningAll: Bool = false) -> [Action] {
        var actions: [Action] = []
        if scanningAll, let expired = latestExpiredStep(now: now) {
            while let oldest = openOrder.first, oldest <= expired {
                actions.append(closeOldest(reason: .window))
            }
        }
        let frontier = alignmentFrontier()
        while let oldest = openOrder.first {
            if oldest <= frontier {
                actions.append(closeOldest(reason: .allReported))
            } else if let open = openSteps[oldest], now >= open.firstReport + configuration.alignmentWindow {
                actions.append(closeOldest(reason: .window))
            } else {
                break
            }
        }
        return actions
    }

    /// Closes every open step, oldest first (the finish barrier passed).
    mutating func closeAllSteps() -> [Action] {
        var actions: [Action] = []
        while !openOrder.isEmpty { actions.append(closeOldest(reason: .finish)) }
        return actions
    }

    /// The lowest step every awaited rank has reached: steps up to it are complete.
    /// `Int64.max` when no rank is awaited; `Int64.min` while an awaited rank has reported nothing.
    private mutating func alignmentFrontier() -> Int64 {
        if let frontier { return frontier.step }
        var lowest = Frontier(step: .max, ranksOnIt: 0)
        for record in ranks where record.liveness.blocksAlignment {
            let highest = record.highestStep ?? .min
            if highest < lowest.step {
                lowest = Frontier(step: highest, ranksOnIt: 1)
            } else if highest == lowest.step {
                lowest.ranksOnIt += 1
            }
        }
        frontier = lowest
        return lowest.step
    }

    /// The latest open step whose window has passed (O(open steps), on `tick` only).
    private func latestExpiredStep(now: ContinuousClock.Instant) -> Int64? {
        var latest: Int64?
        for (step, open) in openSteps where now >= open.firstReport + configuration.alignmentWindow {
            if step > latest ?? .min { latest = step }
        }
        return latest
    }

    private mutating func closeOldest(reason: StepAggregate.CloseReason) -> Action {
        let step = openOrder.removeFirst()
        let open = openSteps.removeValue(forKey: step)
        lastClosedStep = step
        let reports = open?.reports ?? []
        var values: [String: [Double]] = [:]
        for report in reports {
            for (name, value) in report.metrics {
                values[name, default: Self.column(capacity: reports.count)].append(value)
            }
        }
        return .logAggregate(StepAggregate(
            step: step,
            metrics: values.mapValues { Aggregate(of: $0) },
            reportedRanks: reports.map(\.rank).sorted(),
            ranks: progress(),
            reason: reason
        ))
    }

    /// An empty column of one metric's values, sized for every reporting rank.
    private static func column(capacity: Int) -> [Double] {
        var column: [Double] = []
        column.reserveCapacity(capacity)
        return column
    }

    /// Lag behind the fastest rank and step time of every alive rank.
    private func progress() -> [Int: StepAggregate.RankProgress] {
        let fastest = ranks.compactMap(\.highestStep).max()
        var result: [Int: StepAggregate.RankProgress] = [:]
        for (rank, record) in ranks.enumerated() where record.liveness == .alive {
            let lag = record.highestStep.flatMap { highest in fastest.map { $0 - highest } }
            result[rank] = .init(lag: lag, stepTime: record.stepTime)
        }
        return result
    }
}
