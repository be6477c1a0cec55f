import CohortCoordinator
import CohortModel
import Foundation
import Logging

/// Rank 0's part of a group: the leader that aligns steps across ranks, and the group's aggregate
/// run (job type `group`, name `<group>-aggregate`) that its events are logged to.
final class LeaderSide: Sendable {
    private let leader: CoordinatorLeader
    private let aggregate: Run
    private let rendezvous: LeaderRendezvous
    /// The documented bridge from the leader's event stream to the aggregate run; stored here and
    /// awaited (after the stream ends) in `finish()`.
    private let bridge: Task<Void, Never>
    private let finishTimeout: Duration

    /// The port the leader listens on.
    var port: Int { leader.port }

    private init(
        leader: CoordinatorLeader, aggregate: Run, rendezvous: LeaderRendezvous, bridge: Task<Void, Never>,
        finishTimeout: Duration
    ) {
        self.leader = leader
        self.aggregate = aggregate
        self.rendezvous = rendezvous
        self.bridge = bridge
        self.finishTimeout = finishTimeout
    }

    /// Listens (on the plan's port; on a free one when a derived port is taken), publishes the
    /// address in the rendezvous file, and starts the aggregate run.
    static func start(for run: Run, plan: LeaderPlan, worldSize: Int, token: String, settings: Settings) async throws -> LeaderSide {
        let options = settings.groupLinkOptions
        var machine = LeaderStateMachine.Configuration(
            worldSize: worldSize, groupToken: token, groupName: run.group, leaderRunID: RankIdentity.safeID("\(run.group)-agg"))
        machine.alignmentWindow = options.alignmentWindow
        machine.heartbeatTimeout = options.rankTimeout
        machine.joinTimeout = options.joinTimeout
        machine.finishDeadline = options.finishTimeout
        if let steps = options.maximumOpenSteps { machine.maximumOpenSteps = steps }
        var configuration = CoordinatorLeader.Configuration(protocol: machine)
        configuration.port = plan.port
        let leader: CoordinatorLeader
        do {
            leader = try await CoordinatorLeader.start(configuration: configuration, logger: settings.logger)
        } catch where !plan.portIsExplicit {
            settings.logger.notice(
                "group leader: derived port busy, listening on a free port and publishing it",
                metadata: ["leader.port": "\(plan.port)", "error": "\(error)"])
            configuration.port = 0
            leader = try await CoordinatorLeader.start(configuration: configuration, logger: settings.logger)
        }
        var aggregateSettings = settings
        aggregateSettings.launch = nil
        aggregateSettings.captureConsole = false
        aggregateSettings.handleSignals = false
        aggregateSettings.finishAtExit = false
        let aggregate: Run
        do {
            aggregate = try await Run.start(
                project: run.project, entity: run.entity.isEmpty ? nil : run.entity, group: run.group, jobType: "group",
                name: "\(run.group)-aggregate", config: ["world_size": worldSize],
                id: RankIdentity.safeID("\(run.group)-agg"), resume: .allow,
                dir: (((run.syncDir as NSString).deletingLastPathComponent) as NSString).deletingLastPathComponent,
                settings: aggregateSettings)
        } catch {
            await leader.shutdown()
            throw error
        }
        let events = leader.events
        let logger = settings.logger
        let bridge = Task {
            // Steps close in order, so rows arrive at increasing steps; the stream never drops
            // (the leader pauses reading from workers while this loop is behind).
            for await event in events { Self.record(event, in: aggregate, logger: logger) }
        }
        do {
            try plan.rendezvous.publish(.init(host: plan.advertisedHost, port: leader.port, group: run.group, pid: getpid()))
        } catch {
            settings.logger.warning(
                "group leader: cannot write the rendezvous file; ranks find the leader only through the environment",
                metadata: ["rendezvous": "\(plan.rendezvous.path)", "error": "\(error)"])
        }
        return LeaderSide(
            leader: leader, aggregate: aggregate, rendezvous: plan.rendezvous, bridge: bridge,
            finishTimeout: options.finishTimeout)
    }

    /// Waits for every rank's finish (or death, or the deadline), writes the group summary, and
    /// finishes the aggregate run.
    func finish() async {
        do {
            _ = try await leader.requestFinish(deadline: finishTimeout)
        } catch {
            aggregate.summary.set("group_state", "leader stopped before the group finished")
        }
        rendezvous.remove()
        await leader.shutdown()  // ends the event stream, so the bridge drains and returns
        await bridge.value
        await aggregate.finish()
    }

    private static func record(_ event: LeaderEvent, in run: Run, logger: Logger) {
        switch event {
        case .aggregate(let step):
            var row: [String: any Loggable] = [:]
            for (name, aggregate) in step.metrics {
                for (key, value) in aggregate.entries(prefix: name) { row[key] = value }
            }
            for (rank, progress) in step.ranks {
                if let lag = progress.lag { row["ranks/rank\(rank)/lag"] = lag }
                if let time = progress.stepTime { row["ranks/rank\(rank)/step_time"] = time.seconds }
            }
            row["ranks/reported"] = step.reportedRanks.count
            do {
                try run.log(row, step: Int(step.step))
            } catch {
                // Only after the aggregate run finished, which `finish()` does after the stream ended.
                logger.warning("group leader: aggregate row not logged", metadata: ["step": "\(step.step)", "error": "\(error)"])
            }
        case .rankDead(let rank):
            run.summary.set(path: ["ranks", "rank\(rank)", "state"], "dead")
        case .rankMissing(let rank):
            run.summary.set(path: ["ranks", "rank\(rank)", "state"], "missing")
        case .groupSummary(let summary):
            writeSummary(summary, to: run)
        }
    }

    private static func writeSummary(_ summary: GroupSummary, to run: Run) {
        run.summary.set("group_state", summary.state.rawValue)
        run.summary.set("deadline_exceeded", summary.deadlineExceeded)
        for rank in summary.ranks {
            var facts: [String: JSONValue] = ["state": .string(rank.state.rawValue)]
            if let code = rank.exitCode { facts["exit_code"] = .int(Int64(code)) }
            if let step = rank.finalStep { facts["final_step"] = .int(step) }
            if let id = rank.runID { facts["run_id"] = .string(id) }
            facts["dropped_reports"] = .int(Int64(rank.droppedReports))
            facts["late_reports"] = .int(Int64(rank.lateReports))
            run.summary.set(path: ["ranks", "rank\(rank.rank)"], JSONValue.object(facts))
        }
        for (name, aggregate) in summary.metrics {
            run.summary.set(path: ["ranks_summary", name], JSONValue.object([
                "mean": .double(aggregate.mean), "min": .double(aggregate.min), "max": .double(aggregate.max),
                "std": .double(aggregate.std), "count": .int(Int64(aggregate.count)),
            ]))
        }
    }
}
