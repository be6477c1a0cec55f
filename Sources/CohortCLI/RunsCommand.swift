import ArgumentParser
import Cohort
import Foundation

/// `cohort runs`: the runs recorded under a directory.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the local runs under a directory (id, name, group, job type, state, last step, start time, summary)."
    )

    @Option(name: .long, help: "The directory that holds cohort/ (default: COHORT_DIR, WANDB_DIR, or the current directory).")
    var dir: String?

    @Flag(name: .long, help: "Print one JSON array for scripts.")
    var json = false

    func run() throws {
        let directory = dir ?? Settings.fromEnvironment().dir ?? FileManager.default.currentDirectoryPath
        let runs = LocalRun.list(under: directory)
        if json {
            print(RunListing.json(runs))
        } else if runs.isEmpty {
            FileHandle.standardError.write(Data("no runs under \(directory)/cohort\n".utf8))
        } else {
            print(RunListing.table(runs), terminator: "")
        }
    }
}

/// Renders local runs for `cohort runs`.
enum RunListing {
    static func json(_ runs: [LocalRun]) -> String {
        JSONWriter.string(.array(runs.map(object)))
    }

    static func object(_ run: LocalRun) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            "id": .string(run.id), "name": optional(run.name), "project": optional(run.project),
            "entity": optional(run.entity), "group": optional(run.group), "job_type": optional(run.jobType),
            "state": .string(run.state.rawValue), "last_step": run.lastStep.map(JSONValue.int) ?? .null,
            "start_time": run.startTime.map { .string(iso8601($0)) } ?? .null,
            "exit_code": run.exitCode.map { .int(Int64($0)) } ?? .null, "runtime": .double(run.runtime),
            "history_rows": .int(Int64(run.historyRowCount)), "tags": .array(run.tags.map(JSONValue.string)),
            "summary": .object(run.summary), "directory": .string(run.directory),
            "journal_tail": .string(tailDescription(run.journalTail)),
        ])
    }

    static func table(_ runs: [LocalRun]) -> String {
        let header = ["ID", "NAME", "GROUP", "JOB TYPE", "STATE", "LAST STEP", "STARTED", "SUMMARY"]
        let rows = runs.map { run in
            [
                run.id, run.name ?? "-", run.group ?? "-", run.jobType ?? "-", run.state.rawValue,
                run.lastStep.map(String.init) ?? "-", run.startTime.map(iso8601) ?? "-", summaryText(run.summary),
            ]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < header.count - 1 { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// The user's summary keys (not the `_` ones), flattened, shortest form, at most 80 characters.
    static func summaryText(_ summary: [String: JSONValue]) -> String {
        var parts: [String] = []
        func walk(_ object: [String: JSONValue], _ prefix: String?) {
            for key in object.keys.sorted() where !key.hasPrefix("_") {
                let name = prefix.map { $0 + "." + key } ?? key
                let value = object[key]!  // key comes from object.keys
                if case .object(let nested) = value, nested["_type"] == nil {
                    walk(nested, name)
                } else if case .double(let number) = value, number.isFinite {
                    parts.append("\(name)=\(String(format: "%.4g", number))")
                } else {
                    parts.append("\(name)=\(value)")
                }
            }
        }
        walk(summary, nil)
        let text = parts.joined(separator: " ")
        return text.count > 80 ? String(text.prefix(77)) + "..." : (text.isEmpty ? "-" : text)
    }

    static func iso8601(_ seconds: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
    }

    static func tailDescription(_ tail: JournalTail) -> String {
        switch tail {
        case .clean: "clean"
        case .torn(let offset, let dropped): "torn at byte \(offset) (\(dropped) bytes unreadable)"
        case .corrupt(let offset, let dropped, let reason): "corrupt at byte \(offset): \(reason) (\(dropped) bytes unreadable)"
        }
    }
}
