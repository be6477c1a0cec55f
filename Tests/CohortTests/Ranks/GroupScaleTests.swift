import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension GroupProcessTests {
    @Suite("Many rank processes on one machine")
    struct GroupScaleTests {
        @Test("cohort launch -n 64 -- example-train: 64 rank runs and the aggregate, 64 reports at every step",
              .timeLimit(.minutes(6)),
              arguments: [(steps: 10, stepDelay: 0.0), (steps: 30, stepDelay: 0.1)])
        func sixtyFourRanks(steps: Int, stepDelay: Double) throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let worldSize = 64
            let started = ContinuousClock.now
            let result = try ChildProcess.run(
                ChildProcess.product("cohort"),
                ["launch", "-n", "\(worldSize)", "--group", "big", "--", ChildProcess.product("example-train"),
                 "--steps", "\(steps)", "--step-delay", "\(stepDelay)"],
                environment: ["COHORT_DIR": directory.path, "COHORT_MODE": "offline", "COHORT_CONSOLE": "off"],
                timeout: .seconds(300))
            let wall = ContinuousClock.now - started
            print("sixtyFourRanks: cohort launch -n \(worldSize) -- example-train --steps \(steps) --step-delay \(stepDelay) took \(wall)")
            #expect(result.status == 0 && !result.signaled, "\(result.standardError.suffix(4000))")

            let runs = LocalRun.list(under: directory.path).filter { $0.group == "big" }
            let ranks = runs.filter { $0.jobType == "train" }
            #expect(Set(ranks.map(\.id)) == Set((0..<worldSize).map { "big-r\($0)" }))
            #expect(ranks.allSatisfy { $0.state == .finished && $0.exitCode == 0 })
            let aggregate = try #require(runs.first { $0.jobType == "group" })
            #expect(aggregate.name == "big-aggregate" && aggregate.state == .finished)
            #expect(aggregate.summary["group_state"] == "finished")
            #expect(aggregate.summary["deadline_exceeded"] == false)
            #expect(rankKeys(aggregate) == Set((0..<worldSize).map { "rank\($0)" }))
            let unfinished = (0..<worldSize).filter { aggregate.summary["ranks"]?["rank\($0)"]?["state"] != "finished" }
            #expect(unfinished.isEmpty, "ranks not finished in the group summary: \(unfinished)")
            // The final step is the rank's last journal row: when --steps is a multiple of 10, example-train's
            // last validation metrics (logged with commit: false after the step's row) land in a row of
            // their own at step `steps`.
            let lastStep = Int64(steps % 10 == 0 ? steps : steps - 1)
            var wrongFinal: [Int] = []
            for run in ranks {
                let rank = try #require(Int(run.id.dropFirst("big-r".count)))
                let rows = try RunJournal.read(path: run.directory + "/run-\(run.id).journal").historyRows
                #expect(rows.filter { $0["train/loss"] != nil }.count == steps, "rank \(rank)")
                let last = rows.last?["_step"]?.intValue
                #expect(last == lastStep, "rank \(rank)")
                if aggregate.summary["ranks"]?["rank\(rank)"]?["final_step"]?.intValue != last { wrongFinal.append(rank) }
            }
            #expect(wrongFinal.isEmpty, "ranks whose summary final step is not their journal's last step: \(wrongFinal.sorted())")

            let counts = try aggregateCounts(of: aggregate)
            #expect(counts.keys.sorted() == Array(0..<Int64(steps)))
            for step in 0..<Int64(steps) {
                #expect(counts[step] == worldSize, "step \(step)")
            }
        }
    }
}
