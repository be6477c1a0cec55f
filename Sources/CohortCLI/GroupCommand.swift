import ArgumentParser
import Cohort
import Foundation

/// `cohort group`: commands about groups of runs.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Work with groups of runs.",
        subcommands: [GroupSummarizeCommand.self]
    )
}

/// `cohort group summarize`: mean ± std of a group's finished runs (cross-validation folds).
struct GroupSummarizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Write mean, std, min, max and count of every summary metric of a group's finished runs into the group's summary run."
    )

    @Argument(help: "The group (for a Slurm array: its array job id).")
    var group: String

    @Option(name: .long, help: "The directory that holds cohort/ (default: COHORT_DIR, WANDB_DIR, or the current directory).")
    var dir: String?

    @Option(name: .long, help: "The project of the summary run (default: the runs' project).")
    var project: String?

    @Flag(name: .long, help: "Print the statistics as JSON.")
    var json = false

    func run() throws {
        let directory = dir ?? Settings.fromEnvironment().dir ?? FileManager.default.currentDirectoryPath
        let result = try BlockingAwait.run { [group, project] () async throws(CohortError) -> Group.Result in
            try await Group.summarize(group, dir: directory, project: project)
        }
        if json {
            var metrics: [String: JSONValue] = [:]
            for (name, value) in result.metrics {
                metrics[name] = [
                    "mean": .double(value.mean), "std": .double(value.std), "min": .double(value.min),
                    "max": .double(value.max), "count": .int(Int64(value.count)),
                ]
            }
            print(JSONWriter.string([
                "group": .string(group), "runs": .array(result.runIDs.map(JSONValue.string)),
                "summary_run": .string(result.summaryRunID), "metrics": .object(metrics),
            ]))
            return
        }
        print("group \(group): \(result.runIDs.count) runs (\(result.runIDs.joined(separator: ", "))) -> run \(result.summaryRunID)")
        for name in result.metrics.keys.sorted() {
            let value = result.metrics[name]!  // name comes from the keys
            print(String(format: "  %@  %.6g ± %.3g  (min %.6g, max %.6g, n=%d)", name, value.mean, value.std, value.min, value.max, value.count))
        }
    }
}

/// Runs async work from the synchronous CLI (whose main thread must stay able to take signals).
enum BlockingAwait {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws(CohortError) -> T) throws(CohortError) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            do throws(CohortError) {
                box.result = .success(try await body())
            } catch {
                box.result = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try box.result!.get()  // set before the signal
    }
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // SAFETY: written once by the task before it signals the semaphore the reader waits on.
    var result: Result<T, CohortError>?
}
