import Cohort
import Foundation

// CohortBench: one benchmark per process, one JSON object on stdout (see BENCHMARKS.md).

guard let options = BenchOptions.parse(Array(CommandLine.arguments.dropFirst())) else {
    FileHandle.standardError.write(Data((BenchOptions.usage + "\n").utf8))
    exit(64)  // EX_USAGE
}

/// Runs the selected benchmark and tags its report with the client's name and version.
func report(_ options: BenchOptions) async throws -> JSONValue? {
    let body: JSONValue
    switch options.command {
    case .rank:
        // Only rank 0 reports (for the whole group).
        guard let group = try await RankBenchmark.run(options) else { return nil }
        body = .object(["rank": group])
    case .log: body = try await LogBenchmark.run(options)
    case .start: body = try await StartBenchmark.run(options)
    case .lifecycle: body = try await LifecycleBenchmark.run(options)
    case .online: body = try await OnlineBenchmark.run(options)
    case .media: body = try await MediaBenchmark.run(options)
    case .artifact: body = try await ArtifactBenchmark.run(options)
    }
    var object = body.objectValue ?? [:]
    object["client"] = "cohort"
    object["version"] = .string(CohortVersion.current)
    return .object(object)
}

do {
    if let result = try await report(options) { print(JSONWriter.string(result)) }
} catch {
    FileHandle.standardError.write(Data("CohortBench: \(error)\n".utf8))
    exit(1)
}
