#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Logging
import NIOCore
import Synchronization

// Inputs from the connection handler and the timers, and the performing of the machine's actions.
// Called with the lock held; every channel operation is enqueued on the worker's event loop (never
// run inline), so the writes keep the machine's order and no pipeline callback re-enters the lock.

extension CoordinatorWorker {
    /// How far a close waits for the writes before it at most.
    static let closeGrace = TimeAmount.seconds(2)

    func tick() {
        state.withLock { state in
            perform(state.machine.tick(now: clock.now, wallTime: wallTime(), jitter: .random(in: 0...1)), state: &state)
        }
    }

    func connectionOpened(_ generation: UInt64, channel: any Channel) {
        let stale = state.withLock { state in
            guard generation == state.generation else { return true }
            state.channel = channel
            state.lastWrite = nil
            state.inFlight = 0
            state.outbox.removeAll()
            state.drainScheduled = false
            state.channelWritable = true
            state.machineWritable = true  // `connectSucceeded` makes the machine writable too
            perform(state.machine.connectSucceeded(now: clock.now), state: &state)
            return false
        }
        if stale { channel.close(promise: nil) }
    }

    func connectFailed(_ generation: UInt64, error: any Error) {
        state.withLock { state in
            guard generation == state.generation else { return }
            logger.debug("coordinator: cannot reach the leader", metadata: ["error": "\(error)"])
            perform(state.machine.connectFailed(now: clock.now, jitter: .random(in: 0...1)), state: &state)
        }
    }

    func received(_ message: CoordinatorMessage, generation: UInt64) {
        state.withLock { state in
            guard generation == state.generation else { return }
            perform(state.machine.received(message, now: clock.now), state: &state)
        }
    }

    func connectionClosed(_ generation: UInt64) {
        state.withLock { state in
            guard generation == state.generation else { return }
            state.channel = nil
            state.lastWrite = nil
            state.outbox.removeAll()
            state.drainScheduled = false
            perform(state.machine.connectionClosed(now: clock.now, jitter: .random(in: 0...1)), state: &state)
        }
    }

    func writabilityChanged(_ generation: UInt64, isWritable: Bool) {
        state.withLock { state in
            guard generation == state.generation else { return }
            state.channelWritable = isWritable
            updateWritability(state: &state)
        }
    }

    /// Writes handed to the event loop have reached the channel.
    func handedOff(_ count: Int, generation: UInt64) {
        state.withLock { state in
            guard generation == state.generation else { return }
            state.inFlight -= count
            updateWritability(state: &state)
        }
    }

    /// Tells the machine it may write only while the channel is writable and the event loop is
    /// not behind by `maximumInFlight` messages, so a fast training loop cannot grow NIO's task
    /// queue without bound: past it, reports wait in (and drop from) the machine's bounded queue.
    func updateWritability(state: inout State) {
        let writable = state.channelWritable && state.inFlight < configuration.maximumInFlight
        guard writable != state.machineWritable else { return }
        state.machineWritable = writable
        perform(state.machine.writabilityChanged(isWritable: writable), state: &state)
    }

    /// Performs the machine's actions in order. Called with the lock held.
    func perform(_ actions: [WorkerStateMachine.Action], state: inout State) {
        for action in actions {
            switch action {
            case .connect:
                state.generation += 1
                let generation = state.generation
                eventLoop.execute { self.connect(generation: generation) }
            case .send(let messages):
                guard let channel = state.channel, !messages.isEmpty else { continue }
                state.outbox.append(contentsOf: messages)
                state.inFlight += messages.count
                if !state.drainScheduled {
                    // One drain per event-loop turn writes everything sent meanwhile and flushes
                    // once: a fast training loop costs one syscall per batch, not one per step.
                    state.drainScheduled = true
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    let generation = state.generation
                    state.lastWrite = promise.futureResult
                    channel.eventLoop.execute { self.drainOutbox(to: channel, generation: generation, completing: promise) }
                }
                updateWritability(state: &state)
            case .close:
                guard let channel = state.channel else { continue }
                let lastWrite = state.lastWrite
                channel.eventLoop.execute {
                    if let lastWrite {
                        lastWrite.whenComplete { _ in channel.close(promise: nil) }
                        channel.eventLoop.scheduleTask(in: Self.closeGrace) { channel.close(promise: nil) }
                    } else {
                        channel.close(promise: nil)
                    }
                }
            case .scheduleReconnect(let at):
                let delay = max(.zero, at - clock.now)
                eventLoop.scheduleTask(in: .nanoseconds(Int64(delay / .nanoseconds(1)))) { self.tick() }
            case .joined(let welcome):
                logger.debug("coordinator: joined the group", metadata: ["group": "\(welcome.groupName)"])
                eventSink.yield(.joined(welcome))
            case .leaderLost:
                logger.warning("coordinator: lost the leader; logging continues and the worker retries")
                eventSink.yield(.leaderLost)
            case .rejected(let reason):
                logger.error("coordinator: the leader refused this worker", metadata: ["reason": "\(reason)"])
                eventSink.yield(.rejected(reason: reason))
            case .finished(let outcome):
                state.outcome = outcome
                state.timer?.cancel()
                state.timer = nil
                eventSink.yield(.finished(outcome))
                eventSink.finish()
                let waiters = state.finishWaiters
                state.finishWaiters.removeAll()
                // The finish message is written on the event loop; a caller that exits the process
                // as soon as `finish` returns must not cut it off, so wait for the last write.
                if outcome.delivered, let lastWrite = state.lastWrite {
                    lastWrite.whenComplete { _ in
                        for waiter in waiters { waiter.resume(returning: outcome) }
                    }
                } else {
                    for waiter in waiters { waiter.resume(returning: outcome) }
                }
            }
        }
    }

    /// Writes every message of the outbox to `channel` in order and flushes once, completing
    /// `promise` with the last write. Runs on the channel's event loop.
    private func drainOutbox(to channel: any Channel, generation: UInt64, completing promise: EventLoopPromise<Void>) {
        let messages: [CoordinatorMessage] = state.withLock { state in
            guard generation == state.generation else { return [] }
            state.drainScheduled = false
            var taken: [CoordinatorMessage] = []
            swap(&taken, &state.outbox)
            return taken
        }
        guard let last = messages.last else {
            promise.succeed()
            return
        }
        for message in messages.dropLast() { channel.write(message, promise: nil) }
        channel.writeAndFlush(last, promise: promise)
        handedOff(messages.count, generation: generation)
    }

    private func connect(generation: UInt64) {
        let codec = self.codec
        let endpoint: LeaderEndpoint
        if let resolve = configuration.resolveAddress {
            guard let resolved = resolve() else {
                eventLoop.execute { self.connectFailed(generation, error: LeaderAddressUnknown()) }
                return
            }
            endpoint = resolved
        } else {
            endpoint = LeaderEndpoint(host: configuration.host, port: configuration.port)
        }
        CoordinatorSockets.connect(
            host: endpoint.host, port: endpoint.port, eventLoop: eventLoop, timeout: configuration.connectTimeout
        ) { channel in
            CoordinatorSockets.addCodec(to: channel, codec: codec, handler: { WorkerConnectionHandler(worker: self, generation: generation) })
        }.whenFailure { error in
            self.connectFailed(generation, error: error)
        }
    }

    /// Seconds since 1970, carried in heartbeats for the leader's log (it judges liveness on its own clock).
    private func wallTime() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}

/// The worker's address resolver had no leader address yet.
struct LeaderAddressUnknown: Error, CustomStringConvertible {
    var description: String { "the leader's address is not known yet" }
}

/// Feeds one connection's decoded messages and lifecycle to its worker.
final class WorkerConnectionHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = CoordinatorMessage

    let worker: CoordinatorWorker
    let generation: UInt64

    init(worker: CoordinatorWorker, generation: UInt64) {
        self.worker = worker
        self.generation = generation
    }

    func channelActive(context: ChannelHandlerContext) {
        worker.connectionOpened(generation, channel: context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        worker.received(Self.unwrapInboundIn(data), generation: generation)
    }

    func channelInactive(context: ChannelHandlerContext) {
        worker.connectionClosed(generation)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        worker.writabilityChanged(generation, isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        worker.logger.warning("coordinator: closing the link after an error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
