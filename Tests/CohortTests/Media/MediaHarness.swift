import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

/// Media tests: what Cohort writes for images, histograms, tables and HTML, checked by independent
/// decoders (Pillow) and against the official client (offline). `swift test --filter Media`.
@Suite("Media (issue 6)")
enum Media {}

/// Runs, the Python reference (`Tests/WandbCompat/media_offline.py`) and the run directory, for the
/// media tests.
enum MediaHarness {
    static let script = WandbClient.scripts + "/media_offline.py"

    /// The tests that need Pillow, numpy or wandb run when the virtualenv exists (always in CI).
    static var pythonAvailable: Bool { WandbClient.isInstalled || WandbClient.required }

    /// Runs `media_offline.py` with `arguments` in `directory`; returns its standard output.
    static func python(_ arguments: [String], directory: String) throws -> String {
        let environment = [
            "WANDB_MODE": "offline", "WANDB_DIR": directory, "WANDB_CACHE_DIR": directory + "/cache",
            "WANDB_CONFIG_DIR": directory + "/config", "WANDB_DATA_DIR": directory + "/data", "WANDB_SILENT": "true",
            "WANDB__DISABLE_STATS": "true", "HOME": directory,
        ]
        // As WandbClient.run: the test runner blocks signals and wandb stops its service with them.
        let bootstrap = "import runpy, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, set()); "
            + "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
        let result = try ChildProcess.run(
            WandbClient.python, ["-c", bootstrap, script] + arguments, environment: environment, directory: directory,
            timeout: .seconds(120))
        guard result.status == 0 else {
            throw CohortError(.invalidArgument, "media_offline.py \(arguments.first ?? "") failed: \(result.standardError)")
        }
        return result.standardOutput
    }

    /// Pillow's reading of an image file.
    struct Decoded {
        var mode: String
        var width: Int
        var height: Int
        var pixels: [UInt8]
    }

    static func decode(_ path: String, directory: String) throws -> Decoded {
        let json = try JSONParser.parse(try python(["decode", path], directory: directory))
        return Decoded(
            mode: json["mode"]?.stringValue ?? "", width: Int(json["width"]?.intValue ?? 0),
            height: Int(json["height"]?.intValue ?? 0),
            pixels: (json["pixels"]?.arrayValue ?? []).map { UInt8($0.intValue ?? 0) })
    }

    /// Starts an offline run in a temporary directory, runs `body`, finishes the run, removes it.
    static func withRun(_ body: (Run, TemporaryDirectory) async throws -> Void) async throws {
        let directory = try TemporaryDirectory(prefix: "cohort-media")
        defer { directory.remove() }
        let run = try await Run.start(project: "media", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
        do {
            try await body(run, directory)
        } catch {
            await run.finish()
            throw error
        }
        await run.finish()
    }

    /// The files under the run's `files/media/`, relative to `files/`, sorted.
    static func mediaFiles(_ run: Run) -> [String] {
        let root = run.dir + "/media"
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append("media/" + path)
            }
        }
        return files.sorted()
    }

    /// The history rows of a `media_offline.py` answer, with their user keys.
    static func rows(of reference: JSONValue) -> [[String: JSONValue]] {
        (reference["rows"]?.arrayValue ?? []).compactMap(\.objectValue).map(SemanticsHarness.userKeys(keepingStep: false))
    }

    /// The files under `media/` of a `media_offline.py` answer.
    static func files(of reference: JSONValue) -> [String] {
        (reference["files"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// The committed history rows with their user keys.
    static func rows(_ run: Run) async throws -> [[String: JSONValue]] {
        try await run.flush()
        return try await SemanticsHarness.rows(run)
    }

    /// The journal's `.file` records: path and policy.
    static func fileRecords(_ run: Run) throws -> [(path: String, policy: String)] {
        try RunJournal.read(path: run.journalPath).records.filter { $0.kind == .file }.map {
            ($0.payload["path"]?.stringValue ?? "", $0.payload["policy"]?.stringValue ?? "")
        }
    }

    static func bytes(_ path: String) -> [UInt8] { FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? [] }

    /// The shape of a descriptor: each key with the JSON type of its value (nested objects
    /// recursively), leaving out `keys`.
    static func shape(_ value: JSONValue, ignoring keys: Set<String> = []) -> JSONValue {
        switch value {
        case .object(let members):
            var shape: [String: JSONValue] = [:]
            for (key, member) in members where !keys.contains(key) { shape[key] = Self.shape(member, ignoring: keys) }
            return .object(shape)
        case .array(let elements): return .string("array of " + Set(elements.map(typeName)).sorted().joined(separator: "|"))
        default: return .string(typeName(value))
        }
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double(let number): number == number.rounded() && abs(number) < 1e15 ? "int" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
