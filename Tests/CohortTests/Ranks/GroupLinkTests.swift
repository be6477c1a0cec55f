import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("The group leader on rank 0 logs the group's aggregate run")
struct GroupLinkTests {
    @Test("cohort launch -n 3 -- example-train: the aggregate run's mean, min and max at each step equal what the ranks logged")
    func aggregateMatchesRanks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["launch", "-n", "3", "--group", "agg1", "--", ChildProcess.product("example-train"), "--steps", "20"],
            environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off"],
            timeout: .seconds(120))
        #expect(result.status == 0, "\(result.standardError)")

        let runs = LocalRun.list(under: directory.path)
        let aggregate = try #require(runs.first { $0.jobType == "group" })
        let ranks = runs.filter { $0.jobType == "train" }.sorted { $0.id < $1.id }
        #expect(ranks.count == 3)
        #expect(aggregate.group == "agg1" && aggregate.name == "agg1-aggregate" && aggregate.state == .finished)
        #expect(aggregate.summary["group_state"] == "finished")
        for rank in 0..<3 {
            #expect(aggregate.summary["ranks"]?["rank\(rank)"]?["state"] == "finished")
        }

        let rankRows = try ranks.map { try RunJournal.read(path: $0.directory + "/run-\($0.id).journal").historyRows }
        let aggregateRows = try RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows
        #expect(aggregateRows.count >= 20)
        for row in aggregateRows {
            guard let step = row["_step"]?.intValue, let mean = row["train/loss/mean"]?.number else { continue }
            let values = rankRows.compactMap { rows in rows.first { $0["_step"]?.intValue == step }?["train/loss"]?.number }
            try #require(values.count == 3, "step \(step)")
            #expect(abs(mean - values.reduce(0, +) / 3) < 1e-9, "step \(step)")
            #expect(row["train/loss/min"]?.number == values.min())
            #expect(row["train/loss/max"]?.number == values.max())
            #expect(row["train/loss/count"]?.number == 3)
        }
    }

    @Test("2 ranks logging 20,000 steps as fast as they can: one aggregate row per step, every report in a row or counted")
    func fastRanksLoseNoAggregate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let steps = 20_000
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["launch", "-n", "2", "--group", "fast", "--", ChildProcess.product("example-train"), "--steps", "\(steps)"],
            environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off"],
            timeout: .seconds(300))
        #expect(result.status == 0, "\(result.standardError)")

        let aggregate = try #require(LocalRun.list(under: directory.path).first { $0.jobType == "group" })
        #expect(aggregate.summary["group_state"] == "finished")
        let rows = try RunJournal.read(path: aggregate.directory + "/run-\(aggregate.id).journal").historyRows
        let stepsLogged = rows.compactMap { $0["_step"]?.intValue }
        // Rows at increasing steps, one per step: none twice, none out of range.
        #expect(zip(stepsLogged, stepsLogged.dropFirst()).allSatisfy { $0 < $1 })
        // example-train's last `val/*` log (commit: false) lands in row `steps`, committed at finish.
        let reportedSteps = steps + 1
        #expect(stepsLogged.first ?? -1 >= 0 && stepsLogged.last ?? .max < Int64(reportedSteps))
        var late = 0
        var dropped = 0
        for rank in 0..<2 {
            let facts = aggregate.summary["ranks"]?["rank\(rank)"]
            late += Int(try #require(facts?["late_reports"]?.intValue))
            dropped += Int(try #require(facts?["dropped_reports"]?.intValue))
        }
        // Every report is in a row or counted: as late (its step had closed) or as dropped by its
        // worker's bounded queue (the ranks outran the leader). A step with no row lost both reports.
        let aggregated = rows.reduce(0) { $0 + Int($1["ranks/reported"]?.number ?? 0) }
        #expect(aggregated + late + dropped == 2 * reportedSteps, "\(aggregated) in rows, \(late) late, \(dropped) dropped")
        #expect(2 * (reportedSteps - stepsLogged.count) <= dropped, "\(reportedSteps - stepsLogged.count) steps without a row")
    }

    @Test("COHORT_GROUP_LINK=false runs the ranks without a leader or an aggregate run")
    func linkOff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["launch", "-n", "2", "--group", "solo", "--", ChildProcess.product("example-train"), "--steps", "5"],
            environment: ["COHORT_DIR": directory.path, "COHORT_CONSOLE": "off", "COHORT_GROUP_LINK": "false"])
        #expect(result.status == 0)
        #expect(LocalRun.list(under: directory.path).map(\.id).sorted() == ["solo-r0", "solo-r1"])
    }
}
