import NIOCore

// The bounded outgoing queue. When full, the oldest step report is dropped and counted; summaries
// merge into the one already queued; heartbeats are never queued; the finish message waits apart
// and is never dropped.

extension WorkerStateMachine {
    /// Reports the scalar metrics the worker's run logged at `step`. Never blocks.
    /// - Returns: `.send` when the leader can take it now, else nothing (it was queued, possibly
    ///   dropping the oldest queued step report).
    public mutating func report(step: Int64, metrics: [String: Double]) -> [Action] {
        let message = CoordinatorMessage.step(.init(rank: configuration.hello.rank, step: step, metrics: metrics))
        guard state != .finished, state != .rejected, pendingFinish == nil else { return [] }
        if canSend, queue.isEmpty { return [.send([message])] }
        if queue.count >= configuration.queueCapacity { dropOldestStep() }
        if queue.count >= configuration.queueCapacity {
            droppedReports += 1  // the queue holds only summaries: drop this report instead
        } else {
            queue.append(message)
        }
        return []
    }

    /// Reports the worker's run summary (merged with a summary still queued). Never blocks.
    public mutating func summary(values: [String: Double], strings: [String: String] = [:]) -> [Action] {
        guard state != .finished, state != .rejected else { return [] }
        let summary = CoordinatorMessage.SummaryReport(rank: configuration.hello.rank, values: values, strings: strings)
        if let index = queue.firstIndex(where: { if case .summary = $0 { true } else { false } }),
           case .summary(var queued) = queue[index] {
            queued.values.merge(summary.values) { $1 }
            queued.strings.merge(summary.strings) { $1 }
            queue[index] = .summary(queued)
            return []
        }
        if canSend, queue.isEmpty { return [.send([.summary(summary)])] }
        if queue.count >= configuration.queueCapacity { dropOldestStep() }
        queue.append(.summary(summary))
        return []
    }

    /// Whether a message may be written now.
    var canSend: Bool { state == .connected && writable }

    /// Hands the whole queue (and a pending finish) to the connection if it can take it.
    mutating func flush() -> [Action] {
        guard canSend else { return [] }
        var messages = Array(queue)
        queue.removeAll(keepingCapacity: true)
        guard let finish = pendingFinish else { return messages.isEmpty ? [] : [.send(messages)] }
        // The final dropped count (heartbeats carry it only every few seconds), then the finish.
        let count = CoordinatorMessage.Heartbeat(rank: configuration.hello.rank, time: 0, droppedReports: droppedReports)
        messages.append(.heartbeat(count))
        messages.append(.finish(finish))
        return [.send(messages), .close, endFinish(delivered: true)]
    }

    private mutating func dropOldestStep() {
        guard let index = queue.firstIndex(where: { if case .step = $0 { true } else { false } }) else { return }
        queue.remove(at: index)
        droppedReports += 1
    }
}
