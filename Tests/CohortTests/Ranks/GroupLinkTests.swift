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
