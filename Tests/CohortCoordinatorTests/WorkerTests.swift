import CohortCoordinator
import Testing

extension CoordinatorProtocol {
    @Suite("Worker")
    struct WorkerTests {
        static let hello = CoordinatorMessage.Hello(rank: 1, worldSize: 4, runID: "run-1", host: "h", pid: 9, groupToken: "t")
        static let welcome = CoordinatorMessage.Welcome(groupName: "g", leaderRunID: "agg")
        let t0 = ContinuousClock.now

        static func worker(_ configure: (inout WorkerStateMachine.Configuration) -> Void = { _ in }) -> WorkerStateMachine {
            var configuration = WorkerStateMachine.Configuration(hello: hello)
            configure(&configuration)
            return WorkerStateMachine(configuration: configuration)
        }

        static func step(_ step: Int64) -> CoordinatorMessage {
            .step(.init(rank: 1, step: step, metrics: ["loss": Double(step)]))
        }

        /// Drives a worker from idle to connected.
        func connect(_ worker: inout WorkerStateMachine) {
            _ = worker.start(now: t0)
            _ = worker.connectSucceeded(now: t0)
            _ = worker.received(.welcome(Self.welcome), now: t0)
        }

        @Test("a worker connects, says hello, is welcomed, then sends reports at once")
        func lifecycle() {
            var worker = Self.worker()
            #expect(worker.connectionState == .idle)
            #expect(worker.start(now: t0) == [.connect])
            #expect(worker.connectionState == .connecting)
            #expect(worker.connectSucceeded(now: t0) == [.send([.hello(Self.hello)])])
            #expect(worker.connectionState == .handshaking)
            #expect(worker.report(step: 0, metrics: ["loss": 0]).isEmpty)  // queued until welcomed
            #expect(worker.received(.welcome(Self.welcome), now: t0) == [.joined(Self.welcome), .send([Self.step(0)])])
            #expect(worker.connectionState == .connected)
            #expect(worker.report(step: 1, metrics: ["loss": 1]) == [.send([Self.step(1)])])
        }

        static let backoffs: [(Double, [Double])] = [
            (1, [0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 10, 10, 10]),
            (0, [0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5]),
            (0.5, [0.075, 0.15, 0.3, 0.6, 1.2, 2.4, 4.8, 7.5, 7.5, 7.5]),
        ]

        @Test("reconnect delays grow exponentially to the cap, shortened by the injected jitter", arguments: backoffs)
        func backoffSequence(jitter: Double, seconds: [Double]) {
            var worker = Self.worker { $0.maximumBackoff = .seconds(10) }
            var now = t0
            _ = worker.start(now: now)
            var delays: [Double] = []
            for _ in seconds {
                guard case .scheduleReconnect(let at) = worker.connectFailed(now: now, jitter: jitter).first else {
                    Issue.record("expected a scheduled reconnect")
                    return
                }
                delays.append((at - now) / .seconds(1))
                #expect(worker.tick(now: at - .milliseconds(1), wallTime: 0, jitter: jitter).isEmpty)
                #expect(worker.tick(now: at, wallTime: 0, jitter: jitter) == [.connect])
                now = at
            }
            for (delay, expected) in zip(delays, seconds) { #expect(abs(delay - expected) < 1e-9) }
        }

        @Test("a welcome resets the backoff to the initial delay")
        func backoffResets() {
            var worker = Self.worker()
            _ = worker.start(now: t0)
            _ = worker.connectFailed(now: t0, jitter: 1)
            _ = worker.tick(now: t0 + .seconds(1), wallTime: 0, jitter: 1)
            _ = worker.connectFailed(now: t0 + .seconds(1), jitter: 1)
            _ = worker.tick(now: t0 + .seconds(2), wallTime: 0, jitter: 1)
            _ = worker.connectSucceeded(now: t0 + .seconds(2))
            _ = worker.received(.welcome(Self.welcome), now: t0 + .seconds(2))
            let actions = worker.connectionClosed(now: t0 + .seconds(3), jitter: 1)
            #expect(actions == [.leaderLost, .scheduleReconnect(at: t0 + .seconds(3) + .milliseconds(100))])
        }

        @Test("a full queue drops the oldest step reports, counts them, and the next hello reports the count")
        func overflow() {
            var worker = Self.worker { $0.queueCapacity = 3 }
            _ = worker.start(now: t0)
            for step in Int64(0)..<5 { #expect(worker.report(step: step, metrics: ["loss": Double(step)]).isEmpty) }
            #expect(worker.droppedReports == 2)
            #expect(worker.queuedMessages == 3)
            var hello = Self.hello
            hello.droppedReports = 2
            #expect(worker.connectSucceeded(now: t0) == [.send([.hello(hello)])])
            let actions = worker.received(.welcome(Self.welcome), now: t0)
            #expect(actions == [.joined(Self.welcome), .send([Self.step(2), Self.step(3), Self.step(4)])])
        }

        @Test("a summary is kept when the queue overflows, and merges with a queued one")
        func summariesSurvive() {
            var worker = Self.worker { $0.queueCapacity = 2 }
            _ = worker.start(now: t0)
            _ = worker.summary(values: ["best": 1], strings: ["a": "x"])
            _ = worker.summary(values: ["best": 2, "last": 3])
            for step in Int64(0)..<4 { _ = worker.report(step: step, metrics: ["loss": Double(step)]) }
            _ = worker.connectSucceeded(now: t0)
            let actions = worker.received(.welcome(Self.welcome), now: t0)
            let summary = CoordinatorMessage.summary(.init(rank: 1, values: ["best": 2, "last": 3], strings: ["a": "x"]))
            #expect(actions == [.joined(Self.welcome), .send([summary, Self.step(3)])])
            #expect(worker.droppedReports == 3)
        }

        @Test("when the leader goes away the worker says leaderLost once, keeps queueing, and rejoins")
        func leaderLost() {
            var worker = Self.worker()
            connect(&worker)
            let lost = worker.connectionClosed(now: t0, jitter: 1)
            #expect(lost == [.leaderLost, .scheduleReconnect(at: t0 + .milliseconds(100))])
            #expect(worker.isLeaderLost)
            #expect(worker.report(step: 7, metrics: ["loss": 7]).isEmpty)
            #expect(worker.tick(now: t0 + .milliseconds(100), wallTime: 0, jitter: 1) == [.connect])
            #expect(worker.connectFailed(now: t0 + .milliseconds(100), jitter: 1) == [.scheduleReconnect(at: t0 + .milliseconds(300))])
            _ = worker.tick(now: t0 + .milliseconds(300), wallTime: 0, jitter: 1)
            _ = worker.connectSucceeded(now: t0 + .milliseconds(300))
            #expect(worker.received(.welcome(Self.welcome), now: t0) == [.joined(Self.welcome), .send([Self.step(7)])])
            #expect(!worker.isLeaderLost)
        }

        @Test("a rejected worker closes, says why, and never retries")
        func rejected() {
            var worker = Self.worker()
            _ = worker.start(now: t0)
            _ = worker.connectSucceeded(now: t0)
            let actions = worker.received(.reject(.init(reason: "wrong group token")), now: t0)
            #expect(actions == [.close, .rejected(reason: "wrong group token")])
            #expect(worker.connectionClosed(now: t0, jitter: 1).isEmpty)
            #expect(worker.tick(now: t0 + .seconds(60), wallTime: 0, jitter: 1).isEmpty)
            #expect(worker.report(step: 1, metrics: [:]).isEmpty && worker.queuedMessages == 0)
            #expect(worker.finish(exitCode: 0, finalStep: 1, now: t0) == [.finished(.init(delivered: false, undeliveredMessages: 0, droppedReports: 0))])
        }

        @Test("while the connection is not writable reports wait in the queue, and flush when it is")
        func writability() {
            var worker = Self.worker()
            connect(&worker)
            #expect(worker.writabilityChanged(isWritable: false).isEmpty)
            #expect(worker.report(step: 1, metrics: ["loss": 1]).isEmpty)
            #expect(worker.writabilityChanged(isWritable: true) == [.send([Self.step(1)])])
        }

        @Test("a connected worker sends a heartbeat each interval with its dropped count")
        func heartbeats() {
            var worker = Self.worker()
            connect(&worker)
            #expect(worker.tick(now: t0 + .seconds(4), wallTime: 1, jitter: 0).isEmpty)
            let beat = worker.tick(now: t0 + .seconds(5), wallTime: 2, jitter: 0)
            #expect(beat == [.send([.heartbeat(.init(rank: 1, time: 2, droppedReports: 0))])])
            #expect(worker.tick(now: t0 + .seconds(6), wallTime: 3, jitter: 0).isEmpty)
        }

        @Test("a handshake without an answer times out into backoff")
        func handshakeTimeout() {
            var worker = Self.worker()
            _ = worker.start(now: t0)
            _ = worker.connectSucceeded(now: t0)
            let actions = worker.tick(now: t0 + .seconds(10), wallTime: 0, jitter: 1)
            #expect(actions == [.close, .scheduleReconnect(at: t0 + .seconds(10) + .milliseconds(100))])
            #expect(worker.connectionState == .backoff)
        }

        @Test("finish while connected flushes the queue and the finish message, then closes")
        func finishConnected() {
            var worker = Self.worker()
            connect(&worker)
            _ = worker.writabilityChanged(isWritable: false)
            _ = worker.report(step: 3, metrics: ["loss": 3])
            #expect(worker.finish(exitCode: 0, finalStep: 3, now: t0).isEmpty)
            #expect(worker.report(step: 4, metrics: ["loss": 4]).isEmpty)  // ignored after finish
            let actions = worker.writabilityChanged(isWritable: true)
            #expect(actions == [
                .send([Self.step(3), .heartbeat(.init(rank: 1, time: 0, droppedReports: 0)), .finish(.init(rank: 1, exitCode: 0, finalStep: 3))]),
                .close,
                .finished(.init(delivered: true, undeliveredMessages: 0, droppedReports: 0)),
            ])
            #expect(worker.connectionState == .finished)
        }

        @Test("finish without a leader gives up at the deadline and says what was not delivered")
        func finishDeadline() {
            var worker = Self.worker()
            connect(&worker)
            _ = worker.connectionClosed(now: t0, jitter: 1)
            _ = worker.report(step: 1, metrics: ["loss": 1])
            _ = worker.report(step: 2, metrics: ["loss": 2])
            #expect(worker.finish(exitCode: 1, finalStep: 2, now: t0) == [.connect])  // one attempt at once
            #expect(worker.tick(now: t0 + .seconds(1), wallTime: 0, jitter: 1).isEmpty)  // it hangs
            let actions = worker.tick(now: t0 + .seconds(10), wallTime: 0, jitter: 1)
            #expect(actions == [.close, .finished(.init(delivered: false, undeliveredMessages: 2, droppedReports: 0))])
            #expect(worker.tick(now: t0 + .seconds(20), wallTime: 0, jitter: 1).isEmpty)
        }

        @Test("finish while the leader is away is delivered when the worker reconnects before the deadline")
        func finishAfterReconnect() {
            var worker = Self.worker()
            connect(&worker)
            _ = worker.connectionClosed(now: t0, jitter: 1)
            _ = worker.report(step: 1, metrics: ["loss": 1])
            #expect(worker.finish(exitCode: 0, finalStep: 1, now: t0) == [.connect])  // no backoff wait
            _ = worker.connectSucceeded(now: t0 + .seconds(1))
            let actions = worker.received(.welcome(Self.welcome), now: t0 + .seconds(1))
            #expect(actions == [
                .joined(Self.welcome),
                .send([Self.step(1), .heartbeat(.init(rank: 1, time: 0, droppedReports: 0)), .finish(.init(rank: 1, exitCode: 0, finalStep: 1))]),
                .close,
                .finished(.init(delivered: true, undeliveredMessages: 0, droppedReports: 0)),
            ])
        }

        @Test("finish of a worker whose leader is gone ends as soon as the reconnect is refused")
        func finishLeaderGone() {
            var worker = Self.worker()
            connect(&worker)
            _ = worker.connectionClosed(now: t0, jitter: 1)  // leader died: backoff
            _ = worker.report(step: 1, metrics: ["loss": 1])
            #expect(worker.finish(exitCode: 0, finalStep: 1, now: t0) == [.connect])
            let actions = worker.connectFailed(now: t0 + .milliseconds(1), jitter: 1)
            #expect(actions == [.finished(.init(delivered: false, undeliveredMessages: 1, droppedReports: 0))])
            #expect(worker.connectionState == .finished)
        }

        @Test("a leader that drops the connection during finish gets one immediate retry, then the finish ends")
        func finishConnectionLostDuringFinish() {
            var worker = Self.worker()
            connect(&worker)
            _ = worker.writabilityChanged(isWritable: false)
            _ = worker.report(step: 2, metrics: ["loss": 2])
            #expect(worker.finish(exitCode: 0, finalStep: 2, now: t0).isEmpty)  // waits for writability
            #expect(worker.connectionClosed(now: t0, jitter: 1) == [.leaderLost, .connect])
            #expect(worker.connectFailed(now: t0, jitter: 1) == [.finished(.init(delivered: false, undeliveredMessages: 1, droppedReports: 0))])
        }

        @Test("a worker that never joined keeps retrying during finish: its leader may still be starting")
        func finishNeverJoined() {
            var worker = Self.worker()
            _ = worker.start(now: t0)
            #expect(worker.connectFailed(now: t0, jitter: 1) == [.scheduleReconnect(at: t0 + .milliseconds(100))])
            #expect(worker.finish(exitCode: 0, finalStep: 0, now: t0).isEmpty)
            #expect(worker.tick(now: t0 + .milliseconds(100), wallTime: 0, jitter: 1) == [.connect])
            #expect(worker.connectFailed(now: t0 + .milliseconds(100), jitter: 1) == [.scheduleReconnect(at: t0 + .milliseconds(300))])
        }

        @Test("finish sends the final dropped count before the finish message")
        func finishCarriesDroppedCount() {
            var worker = Self.worker { $0.queueCapacity = 1 }
            connect(&worker)
            _ = worker.writabilityChanged(isWritable: false)
            for step in Int64(1)...3 { _ = worker.report(step: step, metrics: ["loss": Double(step)]) }
            _ = worker.finish(exitCode: 0, finalStep: 3, now: t0)
            #expect(worker.writabilityChanged(isWritable: true) == [
                .send([Self.step(3), .heartbeat(.init(rank: 1, time: 0, droppedReports: 2)), .finish(.init(rank: 1, exitCode: 0, finalStep: 3))]),
                .close,
                .finished(.init(delivered: true, undeliveredMessages: 0, droppedReports: 2)),
            ])
        }
    }
}
