import Cohort
import Foundation

/// One file uploaded as an artifact, the two phases timed apart: `Artifact.addFile` (reading and
/// hashing the file: the manifest needs every MD5 before the server hands out upload URLs) and the
/// upload (`logArtifact` until `finish()` returned: CreateArtifact, the PUT, the manifest, commit).
/// `Benchmarks/artifacts/artifact_bench.py` times the official client's `add_file` and
/// `log_artifact(...).wait()` the same way.
enum ArtifactBenchmark {
    struct MissingFile: Error, CustomStringConvertible {
        var description: String { "artifact needs --file PATH" }
    }

    static func run(_ options: BenchOptions) async throws -> JSONValue {
        guard let file = options.artifactFile else { throw MissingFile() }
        let settings = BenchRun.onlineSettings(directory: options.directory, finishTimeout: .seconds(3600))
        let run = try await Run.start(project: "artifact-bench", jobType: "upload", settings: settings)
        let clock = ContinuousClock()
        let started = clock.now
        var artifact = try Artifact(name: "big", type: "dataset")
        try artifact.addFile(file)
        let hashed = clock.now
        try run.logArtifact(artifact)
        await run.finish()
        let uploaded = clock.now
        return .object([
            "artifact": .object([
                "bytes": .int(artifact.size), "hash_seconds": .double(seconds(hashed - started)),
                "upload_seconds": .double(seconds(uploaded - hashed)),
            ]),
        ])
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
