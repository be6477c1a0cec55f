// cohort-fixture: small programs that the tests run as child processes, for behaviour that needs a
// real process: SIGKILL, signals, process exit, console capture. Settings come from the environment
// (COHORT_DIR, COHORT_RUN_ID, COHORT_RESUME, COHORT_CONSOLE, …) exactly as for a user's program.
//
//   cohort-fixture kill-after-flush FLUSHED UNFLUSHED MARKER   log, flush, log more, write MARKER, wait
//   cohort-fixture wait-for-signal ROWS MARKER                  log, flush, write MARKER, wait
//   cohort-fixture console                                       print to stdout and stderr, exit normally
//   cohort-fixture exit-pending                                  leave a pending row and return from main
//   cohort-fixture log ROWS [EXIT_CODE]                          log and finish with an exit code
import Cohort
import Foundation

func writeMarker(_ path: String, _ text: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

func waitForever() -> Never {
    while true { sleep(60) }
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else {
    FileHandle.standardError.write(Data("cohort-fixture: missing command\n".utf8))
    exit(2)
}
func number(_ index: Int) -> Int { arguments.count > index ? Int(arguments[index]) ?? 0 : 0 }

let run = try await Run.start(project: "fixture")
switch command {
case "kill-after-flush":
    for step in 0..<number(1) { try run.log(["loss": Double(step), "step_name": "s\(step)"]) }
    try await run.flush()
    for step in number(1)..<(number(1) + number(2)) { try run.log(["loss": Double(step), "step_name": "s\(step)"]) }
    writeMarker(arguments[3], "ready \(run.id)")
    waitForever()
case "wait-for-signal":
    for step in 0..<number(1) { try run.log(["loss": Double(step)]) }
    try await run.flush()
    writeMarker(arguments[2], "ready \(run.id)")
    waitForever()
case "console":
    print("hello from stdout")
    FileHandle.standardError.write(Data("hello from stderr\n".utf8))
    print("progress 50%")
    try run.log(["loss": 1.0])
    print("last line before exit")
case "exit-pending":
    try run.log(["a": 1])
    try run.log(["b": 2], commit: false)
case "log":
    for step in 0..<number(1) { try run.log(["loss": 1.0 / Double(step + 1)]) }
    await run.finish(exitCode: Int32(number(2)))
default:
    FileHandle.standardError.write(Data("cohort-fixture: unknown command \(command)\n".utf8))
    exit(2)
}
