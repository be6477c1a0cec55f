import Cohort
import Foundation

// CohortBench: one benchmark per process, one JSON object on stdout (see BENCHMARKS.md).

guard let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data((BenchOptions.usage + "\n").utf8))
    exit(64)  // EX_USAGE
}

/// Runs the selected benchmark and tags its report with the client's name and version.
func report(_ options: BenchOptions) async throws -> JSONValue {
    let body: JSONValue
    switch options.command {
    case .log: body = try await LogBenchmark.run(options)
    case .start: body = try await StartBenchmark.run(options)
    case .lifecycle: body = try await LifecycleBenchmark.run(options)
    }
    var object = body.objectValue ?? [:]
    object["client"] = "cohort"
    object["version"] = .string(CohortVersion.current)
    return .object(object)
}

do {
    print(JSONWriter.string(try await report(options)))
} catch {
    FileHandle.standardError.write(Data("CohortBench: \(error)\n".utf8))
    exit(1)
}
