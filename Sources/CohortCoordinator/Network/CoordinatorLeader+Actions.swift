import Logging
import NIOCore
import Synchronization

// Inputs from the connection handlers and the timer, and the performing of the machine's actions.
// Everything runs under the leader's lock; channel work is enqueued on the channel's event loop
// (never run inline), so no pipeline callback can re-enter the lock.

extension CoordinatorLeader {
    /// A connection became active.
    func connectionOpened(_ id: ConnectionID, channel: any Channel) {
        let accepted = state.withLock { state in
            guard !state.isShutDown else { return false }
            state.channels[id] = channel
            if state.readsPaused { Self.setReading(false, on: channel) }
            return true
        }
        if !accepted { channel.close(promise: nil) }
    }

    /// Messages arrived on a connection (all those decoded from one read), handled in order under
    /// one acquisition of the lock.
    func received(_ messages: [CoordinatorMessage], from id: ConnectionID) {
        state.withLock { state in
            guard !state.isShutDown else { return }
            let now = clock.now
            for message in messages {
                perform(state.machine.received(message, from: id, now: now), state: &state)
            }
        }
    }

    /// A connection closed (by either side or an error).
    func connectionClosed(_ id: ConnectionID) {
        state.withLock { state in
            state.channels[id] = nil
            guard !state.isShutDown else { return }
            perform(state.machine.connectionClosed(id, now: clock.now), state: &state)
        }
    }

    /// The periodic (or finish-deadline) clock tick.
    func tick() {
        state.withLock { state in
            guard !state.isShutDown else { return }
            perform(state.machine.tick(now: clock.now), state: &state)
        }
    }

    /// The consumer of `events` caught up (or went away): read from the workers again.
    func resumeReads() {
        state.withLock { state in
            guard state.readsPaused else { return }
            state.readsPaused = false
            for channel in state.channels.values { Self.setReading(true, on: channel) }
        }
    }

    /// Delivers an event; when the consumer is behind, pauses reading from every worker (their
    /// reports wait in TCP buffers and the workers' bounded queues) until `resumeReads()`.
    private func emit(_ event: LeaderEvent, state: inout State) {
        switch eventSink.yield(event) {
        case .stopProducing:
            guard !state.readsPaused else { return }
            state.readsPaused = true
            logger.debug("coordinator: the event consumer is behind; pausing reads from workers")
            for channel in state.channels.values { Self.setReading(false, on: channel) }
        case .produceMore, .dropped:
            break
        }
    }

    /// Turns a connection's automatic reading on or off, enqueued on its event loop (never inline,
    /// so no read re-enters the lock).
    private static func setReading(_ on: Bool, on channel: any Channel) {
        channel.eventLoop.execute { _ = channel.setOption(ChannelOptions.autoRead, value: on) }
    }

    /// Performs the machine's actions in order. Called with the lock held.
    func perform(_ actions: [LeaderStateMachine.Action], state: inout State) {
        for action in actions {
            switch action {
            case .send(let message, let id):
                guard let channel = state.channels[id] else { continue }
                channel.eventLoop.execute { channel.writeAndFlush(message, promise: nil) }
            case .sendAndClose(let message, let id):
                guard let channel = state.channels[id] else { continue }
                if case .reject(let reject) = message {
                    logger.warning("coordinator: refused a worker", metadata: ["connection": "\(id)", "reason": "\(reject.reason)"])
                }
                channel.eventLoop.execute {
                    channel.writeAndFlush(message).whenComplete { _ in channel.close(promise: nil) }
                }
            case .close(let id):
                guard let channel = state.channels[id] else { continue }
                logger.debug("coordinator: closing a connection", metadata: ["connection": "\(id)"])
                channel.eventLoop.execute { channel.close(promise: nil) }
            case .logAggregate(let aggregate):
                emit(.aggregate(aggregate), state: &state)
            case .markDead(let rank):
                logger.warning("coordinator: rank marked dead (no heartbeat)", metadata: ["rank": "\(rank)"])
                emit(.rankDead(rank), state: &state)
            case .markMissing(let rank):
                logger.warning("coordinator: rank marked missing (never joined)", metadata: ["rank": "\(rank)"])
                emit(.rankMissing(rank), state: &state)
            case .lateReport(let rank, let step, let closedThrough):
                logger.warning(
                    "coordinator: a rank's report arrived after its step was aggregated; it is counted in the group summary's late_reports, not aggregated (ranks far apart: raise COHORT_GROUP_MAX_OPEN_STEPS or COHORT_GROUP_WINDOW_MS)",
                    metadata: ["rank": "\(rank)", "step": "\(step)", "closed_through": "\(closedThrough)"])
            case .writeGroupSummary(let summary):
                state.summary = summary
                state.finishTimer?.cancel()
                emit(.groupSummary(summary), state: &state)
                for waiter in state.summaryWaiters { waiter.resume(returning: summary) }
                state.summaryWaiters.removeAll()
            }
        }
    }
}

/// Feeds one accepted connection's decoded messages and lifecycle to the leader. The messages of one
/// read are handed over together when the read completes, so a busy worker costs the leader one lock
/// acquisition per read rather than per message. A decoding error (malformed or oversized frame)
/// closes this connection only.
///
/// Not `Sendable`: it lives in its channel's pipeline and is only touched on that event loop.
final class LeaderConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = CoordinatorMessage

    let leader: CoordinatorLeader
    let id: ConnectionID
    /// Messages decoded in the current read, not yet handed to the leader.
    private var pending: [CoordinatorMessage] = []

    init(leader: CoordinatorLeader, id: ConnectionID) {
        self.leader = leader
        self.id = id
    }

    func channelActive(context: ChannelHandlerContext) {
        leader.connectionOpened(id, channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        pending.append(Self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        handOver()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        handOver()  // what was decoded before the close still counts
        leader.connectionClosed(id)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        handOver()  // the frames before the bad one were valid
        leader.logger.warning("coordinator: closing a connection after an error", metadata: [
            "connection": "\(id)", "error": "\(error)",
        ])
        context.close(promise: nil)
    }

    private func handOver() {
        guard !pending.isEmpty else { return }
        var batch: [CoordinatorMessage] = []
        swap(&batch, &pending)
        leader.received(batch, from: id)
    }
}
