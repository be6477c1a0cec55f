import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("log() takes plain Swift values at the call site")
struct CallSiteTests {
    @Test("variables of every supported type log without wrapping and keep their JSON kinds")
    func plainVariables() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        let loss: Double = 0.25
        let acc: Float = 0.5
        let epoch: Int = 3
        let tokens: UInt64 = 1 << 40
        let small: Int8 = -4
        let done: Bool = true
        let phase: String = "train"
        let missing: Double? = nil
        let losses: [Double] = [1, 0.5]
        let f1: Double = 0.75
        let precision: Double = 0.8
        try run.log([
            "loss": loss, "acc": acc, "epoch": epoch, "tokens": tokens, "small": small, "done": done,
            "phase": phase, "missing": missing, "losses": losses, "eval": ["f1": f1, "precision": precision],
            "mixed": ["f1": f1, "epoch": epoch, "split": "val"] as NestedLog,
        ])
        await run.finish()
        let row = try #require(try await run.history.rows().first)
        #expect(row["loss"] == .double(0.25))
        #expect(row["acc"] == .double(0.5))
        #expect(row["epoch"] == .int(3))
        #expect(row["tokens"] == .int(1 << 40))
        #expect(row["small"] == .int(-4))
        #expect(row["done"] == .bool(true))
        #expect(row["phase"] == "train")
        #expect(row["missing"] == .null)
        #expect(row["losses"] == [1.0, 0.5])
        #expect(row["eval"] == ["f1": 0.75, "precision": 0.8])
        #expect(row["mixed"] == ["f1": 0.75, "epoch": 3, "split": "val"])
    }
}
