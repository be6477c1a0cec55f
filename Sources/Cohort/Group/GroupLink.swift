import CohortCoordinator
import CohortModel
import Foundation
import Logging
import Synchronization

/// A rank's link to its group's leader: every rank reports each committed row's numbers to the
/// leader; rank 0 also runs the leader, which aligns steps across ranks and logs the group's
/// aggregate run (`<metric>/mean|min|max|std|count` per step, per-rank lag and step time, dead ranks,
/// and at finish the group summary).
///
/// Reports are sent from the journal writer's thread after a row is committed, so `log()` pays
/// nothing for the link; when the leader cannot be reached the run goes on alone.
final class GroupLink: Sendable {
    private let worker: CoordinatorWorker
    private let leader: LeaderSide?
    private let logger: Logger
    private let finishTimeout: Duration

    private init(worker: CoordinatorWorker, leader: LeaderSide?, logger: Logger, finishTimeout: Duration) {
        self.worker = worker
        self.leader = leader
        self.logger = logger
        self.finishTimeout = finishTimeout
    }

    /// Connects the rank (and on rank 0 starts the leader and the aggregate run), or returns `nil`
    /// with a warning when nothing can find the leader.
    static func start(for run: Run, launch: LaunchInfo, settings: Settings, plan: LeaderPlan?) async -> GroupLink? {
        let logger = settings.logger
        guard launch.isDistributed, let rank = launch.rank, let worldSize = launch.worldSize, !run.group.isEmpty else {
            return nil
        }
        guard let plan else {
            logger.warning(
                "group link off: no leader address can be found; set COHORT_LEADER=host:port (or MASTER_ADDR and COHORT_LEADER_PORT) on every rank",
                metadata: ["run.id": "\(run.id)"])
            return nil
        }
        if plan.host == nil && rank != 0 {
            logger.notice(
                "no leader host in the environment: waiting for rank 0 to publish its address in the rendezvous directory; on several hosts set COHORT_LEADER or COHORT_RENDEZVOUS_DIR on a shared filesystem",
                metadata: ["rendezvous": "\(plan.rendezvous.path)"])
        }
        let options = settings.groupLinkOptions
        let token = options.token ?? run.group
        var leaderSide: LeaderSide?
        if rank == 0 {
            do {
                leaderSide = try await LeaderSide.start(
                    for: run, plan: plan, worldSize: worldSize, token: token, settings: settings)
            } catch {
                logger.warning(
                    "group leader not started; ranks run alone",
                    metadata: ["error": "\(error)", "leader.port": "\(plan.port)"])
            }
        }
        let hello = CoordinatorMessage.Hello(
            rank: rank, worldSize: worldSize, runID: run.id, host: ProcessInfo.processInfo.hostName,
            pid: getpid(), groupToken: token, groupName: run.group)
        var machine = WorkerStateMachine.Configuration(hello: hello)
        machine.heartbeatInterval = options.heartbeatInterval
        machine.finishDeadline = options.workerFinishTimeout
        var configuration = CoordinatorWorker.Configuration(protocol: machine, host: "127.0.0.1", port: plan.port)
        if let leaderSide {
            configuration.port = leaderSide.port
        } else {
            let group = run.group
            configuration.resolveAddress = { plan.endpoint(group: group) }
        }
        let worker = CoordinatorWorker(configuration: configuration, logger: logger)
        worker.start()
        let link = GroupLink(worker: worker, leader: leaderSide, logger: logger, finishTimeout: options.workerFinishTimeout)
        run.writer.setRowObserver { step, row in link.report(step: step, row: row) }
        return link
    }

    /// Sends a committed row's numeric leaves (not `_` keys; nested names joined with `.`).
    func report(step: Int64, row: [String: JSONValue]) {
        let metrics = NumericLeaves.of(row, countingBooleans: true)
        if !metrics.isEmpty { worker.report(step: step, metrics: metrics) }
    }

    /// Tells the leader this rank finished and, on rank 0, waits for the group and writes its summary.
    func finish(exitCode: Int32, finalStep: Int64) async {
        let outcome = await worker.finish(exitCode: exitCode, finalStep: finalStep, deadline: finishTimeout)
        if !outcome.delivered {
            logger.warning("group leader did not get this rank's finish", metadata: ["undelivered": "\(outcome.undeliveredMessages)"])
        }
        await leader?.finish()
    }
}
