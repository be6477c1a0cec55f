// Liveness (heartbeat and join timeouts) and the finish barrier.

extension LeaderStateMachine {
    /// Advances the leader's clock: marks silent ranks dead and never-joined ranks missing, closes
    /// steps whose window passed, and passes the finish barrier when it is due. Call it
    /// periodically (e.g. every second, or at the earliest deadline).
    /// - Parameter now: the leader's clock.
    /// - Returns: the actions to perform, in order.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        guard !summaryWritten else { return [] }
        var actions: [Action] = []
        let joinExpired = now >= startedAt + configuration.joinTimeout
        for rank in ranks.indices {
            switch ranks[rank].liveness {
            case .pending where joinExpired:
                ranks[rank].liveness = .missing
                frontier = nil
                actions.append(.markMissing(rank: rank))
            case .alive:
                guard let seen = ranks[rank].lastSeen, now >= seen + configuration.heartbeatTimeout else { continue }
                ranks[rank].liveness = .dead
                frontier = nil
                actions.append(.markDead(rank: rank))
                if let connection = ranks[rank].connection {
                    ranks[rank].connection = nil
                    connections[connection] = nil
                    actions.append(.close(connection))
                }
            default:
                continue
            }
        }
        actions += closeReadySteps(now: now, scanningAll: true)
        actions += passBarrierIfDue(now: now)
        return actions
    }

    /// The leader's own run is finishing: wait for every rank to finish or die, at most
    /// `finishDeadline` from `now`, then write the group summary (possibly at once).
    /// - Parameters:
    ///   - now: the leader's clock.
    ///   - deadline: how long to wait for ranks still running; `nil` uses `configuration.finishDeadline`.
    ///     Only the first request's deadline counts.
    /// - Returns: the actions to perform, in order.
    public mutating func requestFinish(now: ContinuousClock.Instant, deadline: Duration? = nil) -> [Action] {
        if finishRequestedAt == nil {
            finishRequestedAt = now
            finishWait = deadline
        }
        return passBarrierIfDue(now: now)
    }

    mutating func handleFinish(_ finish: CoordinatorMessage.Finish, rank: Int, now: ContinuousClock.Instant) -> [Action] {
        ranks[rank].liveness = .finished(exitCode: finish.exitCode)
        frontier = nil
        ranks[rank].finalStep = finish.finalStep
        var actions = closeReadySteps(now: now)
        actions += passBarrierIfDue(now: now)
        return actions
    }

    /// Writes the group summary when every rank has ended or the finish deadline has passed.
    private mutating func passBarrierIfDue(now: ContinuousClock.Instant) -> [Action] {
        guard !summaryWritten else { return [] }
        let allEnded = ranks.allSatisfy { $0.liveness.isTerminal }
        let deadlinePassed = finishRequestedAt.map { now >= $0 + (finishWait ?? configuration.finishDeadline) } ?? false
        guard allEnded || deadlinePassed else { return [] }
        summaryWritten = true
        var actions = closeAllSteps()
        actions.append(.writeGroupSummary(groupSummary(deadlineExceeded: !allEnded)))
        return actions
    }

    /// The group summary as it stands.
    func groupSummary(deadlineExceeded: Bool) -> GroupSummary {
        var values: [String: [Double]] = [:]
        for record in ranks {
            for (key, value) in record.summary { values[key, default: []].append(value) }
        }
        let outcomes = ranks.enumerated().map { rank, record in
            GroupSummary.Rank(
                rank: rank, state: record.summaryState, runID: record.runID,
                exitCode: { if case .finished(let code) = record.liveness { code } else { nil } }(),
                finalStep: record.finalStep ?? record.highestStep,
                droppedReports: record.droppedReports, lateReports: record.lateReports, strings: record.strings
            )
        }
        let succeeded = outcomes.filter { $0.state == .finished }.count
        let state: GroupSummary.State =
            succeeded == outcomes.count ? .finished : succeeded == 0 ? .failed : .partial
        return GroupSummary(
            groupName: configuration.groupName, state: state, ranks: outcomes,
            metrics: values.mapValues { Aggregate(of: $0) }, deadlineExceeded: deadlineExceeded
        )
    }
}
