import Cohort
import CohortTestSupport
import Foundation
import Testing

@Suite("save(): files copied into the run by policy", .serialized)
struct SaveTests {
    /// `save` resolves relative globs against the current directory, which is process-wide: these tests
    /// use absolute paths and explicit base paths only.
    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("now copies at once and keeps that copy when the source changes later")
    func now() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = directory.appending("work/notes.txt")
        try Self.write("version 1", to: source)
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        let saved = try run.save(source, basePath: directory.appending("work"), policy: .now)
        #expect(saved == [run.dir + "/notes.txt"])
        #expect(Self.read(run.dir + "/notes.txt") == "version 1")
        try Self.write("version 2", to: source)
        await run.finish()
        #expect(Self.read(run.dir + "/notes.txt") == "version 1")
    }

    @Test("end copies nothing until the run finishes, then the final content")
    func end() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = directory.appending("work/model.bin")
        try Self.write("epoch 1", to: source)
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        _ = try run.save(source, basePath: directory.appending("work"), policy: .end)
        #expect(Self.read(run.dir + "/model.bin") == nil)
        try Self.write("epoch 9", to: source)
        await run.finish()
        #expect(Self.read(run.dir + "/model.bin") == "epoch 9")
    }

    @Test("live copies now, again when the file changes, and once more at finish")
    func live() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = directory.appending("work/log.txt")
        try Self.write("a", to: source)
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        _ = try run.save(source, basePath: directory.appending("work"), policy: .live)
        #expect(Self.read(run.dir + "/log.txt") == "a")
        try Self.write("ab", to: source)
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.read(run.dir + "/log.txt") != "ab" && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(Self.read(run.dir + "/log.txt") == "ab")
        try Self.write("abc", to: source)
        await run.finish()
        #expect(Self.read(run.dir + "/log.txt") == "abc")
        let records = try RunJournal.read(path: run.journalPath).records.filter { $0.kind == .file }
        #expect(records.count >= 3)
        #expect(records.allSatisfy { $0.payload["path"] == "log.txt" && $0.payload["policy"] == "live" })
    }

    @Test("a glob is expanded when save is called; files created later are not picked up")
    func globAtCallTime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write("1", to: directory.appending("work/ckpt/a.pt"))
        try Self.write("2", to: directory.appending("work/ckpt/b.pt"))
        try Self.write("x", to: directory.appending("work/ckpt/c.txt"))
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        let saved = try run.save(directory.appending("work/ckpt/*.pt"), basePath: directory.appending("work"), policy: .now)
        #expect(saved == [run.dir + "/ckpt/a.pt", run.dir + "/ckpt/b.pt"])
        try Self.write("3", to: directory.appending("work/ckpt/d.pt"))
        await run.finish()
        #expect(!FileManager.default.fileExists(atPath: run.dir + "/ckpt/d.pt"))
    }

    @Test("an absolute glob without a base keeps one parent directory, as W&B does")
    func absoluteWithoutBase() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Self.write("w", to: directory.appending("a/run123/weights.txt"))
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        let saved = try run.save(directory.appending("a/run123/*.txt"), policy: .now)
        #expect(saved == [run.dir + "/run123/weights.txt"])
        await run.finish()
    }

    @Test("globs that leave their base, equal it, or start with a bare * are refused", arguments: [
        ("../outside/*.txt", "work"), ("work", "work"), ("work/*/x.txt", "work"),
    ])
    func refused(glob: String, base: String) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.appending("runs"), settings: RunTestEnvironment.settings())
        let pattern = glob.hasPrefix("..") ? directory.appending("work/" + glob) : directory.appending(glob)
        #expect(throws: CohortError.self) { try run.save(pattern, basePath: directory.appending(base), policy: .now) }
        await run.finish()
        let names = try FileManager.default.contentsOfDirectory(atPath: run.dir)
        #expect(Set(names).isSubset(of: ["config.yaml", "wandb-summary.json", "wandb-metadata.json", "output.log"]))
    }

    @Test("cloud storage paths are not files: save returns nothing")
    func cloudPath() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try await Run.start(project: "p", dir: directory.path, settings: RunTestEnvironment.settings())
        #expect(try run.save("s3://bucket/model.pt") == [])
        await run.finish()
    }
}
