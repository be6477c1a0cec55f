import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("Group.summarize: mean ± std of a group's finished runs")
struct GroupSummarizeTests {
    /// Logs one finished fold run with the given final accuracy and loss.
    static func fold(_ index: Int, acc: Double, loss: Double, group: String, dir: String) async throws {
        let run = try await Run.start(
            project: "cv", group: group, jobType: "fold", name: "\(group)-fold\(index)", dir: dir,
            settings: RunTestEnvironment.settings())
        try run.log(["val": ["acc": acc * 0.5], "loss": loss * 2])
        try run.log(["val": ["acc": acc], "loss": loss, "note": "text is left out"])
        await run.finish()
    }

    @Test("statistics over the folds' summaries are written to a group-summary run; running it again replaces them")
    func summarize() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let accuracies = [0.80, 0.84, 0.90]
        for (index, acc) in accuracies.enumerated() {
            try await Self.fold(index, acc: acc, loss: 1 - acc, group: "cv1", dir: directory.path)
        }
        try await Self.fold(9, acc: 0.1, loss: 0.9, group: "other", dir: directory.path)

        let result = try await Group.summarize("cv1", dir: directory.path)
        #expect(result.runIDs.count == 3)
        let acc = try #require(result.metrics["val.acc"])
        let mean = accuracies.reduce(0, +) / 3
        let std = (accuracies.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(acc.mean - mean) < 1e-12)
        #expect(abs(acc.std - std) < 1e-12)
        #expect(acc.min == 0.80 && acc.max == 0.90 && acc.count == 3)
        #expect(result.metrics["note"] == nil)
        #expect(result.metrics["_step"] == nil)

        let again = try await Group.summarize("cv1", dir: directory.path)
        #expect(again.runIDs == result.runIDs)
        let summaryRuns = LocalRun.list(under: directory.path).filter { $0.jobType == Group.summaryJobType }
        #expect(summaryRuns.count == 1)
        let stored = try #require(summaryRuns.first)
        #expect(stored.group == "cv1")
        #expect(stored.summary["val"]?["acc"]?["mean"]?.number.map { abs($0 - mean) < 1e-12 } == true)
        #expect(stored.summary["loss"]?["count"] == .double(3))
        #expect(stored.config["_cohort"]?["fold_count"] == .int(3))
    }

    @Test("a group with no finished runs is a clear error")
    func emptyGroup() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        await #expect {
            _ = try await Group.summarize("nothing", dir: directory.path)
        } throws: { error in
            (error as? CohortError)?.code == .runNotFound && "\(error)".contains("nothing")
        }
    }

    @Test("cohort group summarize prints the statistics for scripts")
    func command() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (index, acc) in [0.5, 0.7].enumerated() {
            try await Self.fold(index, acc: acc, loss: 1 - acc, group: "cv2", dir: directory.path)
        }
        let result = try ChildProcess.run(
            ChildProcess.product("cohort"),
            ["group", "summarize", "cv2", "--dir", directory.path, "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let output = try JSONParser.parse(result.standardOutput)
        #expect(output["runs"]?.arrayValue?.count == 2)
        #expect(output["metrics"]?["val.acc"]?["mean"]?.number.map { abs($0 - 0.6) < 1e-12 } == true)
    }
}
