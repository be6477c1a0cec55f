import NIOCore

// Step alignment. A rank's reports arrive in step order on its connection, so a rank whose highest
// reported step is past `s` will never report `s`: step `s` is complete when every rank that
// alignment waits for (pending or alive) has reached `s`. Steps close strictly in order.

extension LeaderStateMachine {
    mutating func handleStep(_ report: CoordinatorMessage.StepReport, rank: Int, now: ContinuousClock.Instant) -> [Action] {
        ranks[rank].advance(to: report.step, now: now)
        if let closed = lastClosedStep, report.step <= closed {
            ranks[rank].lateReports += 1
            return closeReadySteps(now: now)
        }
        if openSteps[report.step] == nil {
            openSteps[report.step] = OpenStep(firstReport: now)
            insertOrdered(report.step)
        }
        // The guard above created the entry; `default` only satisfies the type checker.
        openSteps[report.step, default: OpenStep(firstReport: now)].reports[rank, default: [:]].merge(report.metrics) { $1 }
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
    private func alignmentFrontier() -> Int64 {
        var frontier = Int64.max
        for record in ranks where record.liveness.blocksAlignment {
            guard let highest = record.highestStep else { return .min }
            frontier = min(frontier, highest)
        }
        return frontier
    }

    private func latestExpiredStep(now: ContinuousClock.Instant) -> Int64? {
        for step in openOrder.reversed() {
            if let open = openSteps[step], now >= open.firstReport + configuration.alignmentWindow { return step }
        }
        return nil
    }

    private mutating func insertOrdered(_ step: Int64) {
        if let last = openOrder.last, last > step {
            let index = openOrder.firstIndex { $0 > step } ?? openOrder.endIndex
            openOrder.insert(step, at: index)
        } else {
            openOrder.append(step)
        }
    }

    private mutating func closeOldest(reason: StepAggregate.CloseReason) -> Action {
        let step = openOrder.removeFirst()
        let open = openSteps.removeValue(forKey: step)
        lastClosedStep = step
        var values: [String: [Double]] = [:]
        for report in (open?.reports ?? [:]).values {
            for (name, value) in report { values[name, default: []].append(value) }
        }
        return .logAggregate(StepAggregate(
            step: step,
            metrics: values.mapValues { Aggregate(of: $0) },
            reportedRanks: (open?.reports.keys).map { $0.sorted() } ?? [],
            ranks: progress(),
            reason: reason
        ))
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
