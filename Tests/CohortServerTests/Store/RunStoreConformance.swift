import CohortModel
import Foundation
import Testing

@testable import CohortServer

/// What every `RunStore` must do, run against each backend in `StoreBackend.all`. Each test gets a
/// fresh store; the rules are those of `RunStore.swift` and `wandb-protocol.md` §4.
@Suite("RunStore conformance")
struct RunStoreConformance {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let key = RunKey(entity: "alice", project: "mnist", name: "r1")

    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @discardableResult
    static func create(_ store: any RunStore, _ key: RunKey = key, at seconds: Double = 0) async throws -> RunRecord {
        try await store.upsertRun(RunUpsert(key: key), at: at(seconds)).run
    }

    static func history(_ offset: Int, _ lines: [String]) -> FileStreamBatch {
        FileStreamBatch(history: .init(offset: offset, lines: lines))
    }

    static func expectStoreError(
        _ code: StoreError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected StoreError(.\(code)), got success", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected StoreError(.\(code)), got \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: Migrations

    @Test("migrate() again is a no-op and keeps the data", arguments: StoreBackend.all)
    func migrateTwice(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            try await store.migrate()
            try await store.migrate()
            #expect(try await store.run(Self.key) != nil)
        }
    }

    // MARK: API keys

    @Test("API keys: insert, look up by hash, list oldest first, duplicates conflict, revoke", arguments: StoreBackend.all)
    func apiKeys(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.apiKeys().isEmpty)
            let admin = APIKeyRecord(id: "k1", secretHash: "h1", label: "admin", entity: "admin", isAdmin: true, createdAt: Self.at(0))
            let ci = APIKeyRecord(id: "k2", secretHash: "h2", label: "ci", entity: "alice", isAdmin: false, createdAt: Self.at(5))
            try await store.insertAPIKey(ci)
            try await store.insertAPIKey(admin)
            #expect(try await store.apiKeys() == [admin, ci])
            #expect(try await store.apiKey(secretHash: "h2") == ci)
            #expect(try await store.apiKey(secretHash: "nope") == nil)

            await Self.expectStoreError(.conflict) {
                try await store.insertAPIKey(APIKeyRecord(id: "k1", secretHash: "h3", label: "x", entity: "alice", isAdmin: false, createdAt: Self.at(6)))
            }
            await Self.expectStoreError(.conflict) {
                try await store.insertAPIKey(APIKeyRecord(id: "k3", secretHash: "h1", label: "x", entity: "alice", isAdmin: false, createdAt: Self.at(6)))
            }
            #expect(try await store.apiKeys().count == 2)

            #expect(try await store.revokeAPIKey(id: "k2", at: Self.at(10)))
            #expect(try await store.apiKey(secretHash: "h2") == nil)
            #expect(try await !store.revokeAPIKey(id: "k2", at: Self.at(11)), "already revoked")
            #expect(try await !store.revokeAPIKey(id: "unknown", at: Self.at(11)))
            var revoked = ci
            revoked.revokedAt = Self.at(10)
            #expect(try await store.apiKeys() == [admin, revoked], "revoked keys are still listed, with their date")
            #expect(try await store.apiKey(secretHash: "h1") == admin)
        }
    }

    // MARK: Upsert

    @Test("a new run: inserted, generated name, defaults; an upsert again keeps its storage id", arguments: StoreBackend.all)
    func upsertInsert(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (run, inserted) = try await store.upsertRun(RunUpsert(key: Self.key), at: Self.at(0))
            #expect(inserted)
            #expect(!run.storageID.isEmpty)
            #expect(run.key == Self.key)
            #expect(run.displayName.wholeMatch(of: /[a-z]+-[a-z]+-1/) != nil, "\(run.displayName)")
            #expect(run.state == .running)
            #expect(run.config == "{}")
            #expect(run.summary == "{}")
            #expect(run.tags == [])
            #expect(run.exitCode == nil)
            #expect(!run.preempting)
            #expect(run.historyLineCount == 0 && run.eventsLineCount == 0 && run.logLineCount == 0)
            #expect(run.createdAt == Self.at(0) && run.updatedAt == Self.at(0) && run.heartbeatAt == Self.at(0))
            #expect(try await store.run(Self.key) == run)

            let (again, insertedAgain) = try await store.upsertRun(RunUpsert(key: Self.key), at: Self.at(3))
            #expect(!insertedAgain)
            #expect(again.storageID == run.storageID)
            #expect(again.displayName == run.displayName)
            #expect(again.createdAt == Self.at(0))
            #expect(again.heartbeatAt == Self.at(3))
            #expect(try await store.run(Self.key) == again)
        }
    }

    @Test("upsert merge rules: nil keeps, values replace, config replaces, summary merges key by key", arguments: StoreBackend.all)
    func upsertMerge(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var first = RunUpsert(key: Self.key)
            first.displayName = "baseline"
            first.groupName = "g"
            first.jobType = "train"
            first.notes = "n"
            first.description = "d"
            first.host = "h"
            first.program = "train.py"
            first.commit = "abc"
            first.repo = "git@x:y"
            first.sweep = "s1"
            first.tags = ["a", "b"]
            first.config = #"{"lr":{"value":0.1},"bs":{"value":32}}"#
            first.summaryMetrics = #"{"loss":1.5,"acc":0.1}"#
            _ = try await store.upsertRun(first, at: Self.at(0))

            var second = RunUpsert(key: Self.key)
            second.notes = "new notes"
            second.tags = ["c"]
            second.config = #"{"lr":{"value":0.2}}"#
            second.summaryMetrics = #"{"loss":0.5,"best":{"x":1}}"#
            let (run, inserted) = try await store.upsertRun(second, at: Self.at(1))
            #expect(!inserted)
            #expect(run.displayName == "baseline")
            #expect(run.groupName == "g" && run.jobType == "train" && run.description == "d")
            #expect(run.host == "h" && run.program == "train.py" && run.commit == "abc" && run.repo == "git@x:y")
            #expect(run.sweep == "s1")
            #expect(run.notes == "new notes")
            #expect(run.tags == ["c"])
            #expect(try JSONParser.parse(run.config) == JSONParser.parse(#"{"lr":{"value":0.2}}"#), "config replaced")
            #expect(
                try JSONParser.parse(run.summary) == JSONParser.parse(#"{"loss":0.5,"acc":0.1,"best":{"x":1}}"#),
                "summary merged")
            #expect(try await store.run(Self.key) == run)

            var state = RunUpsert(key: Self.key)
            state.state = .finished
            #expect(try await store.upsertRun(state, at: Self.at(2)).run.state == .finished)
        }
    }

    @Test("generated names are readable, numbered by run count in the project, and unique", arguments: StoreBackend.all)
    func generatedNames(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var names: [String] = []
            for index in 0..<20 {
                let run = try await Self.create(store, RunKey(entity: "alice", project: "p", name: "r\(index)"), at: Double(index))
                names.append(run.displayName)
                #expect(run.displayName.hasSuffix("-\(index + 1)"), "\(run.displayName)")
            }
            #expect(Set(names).count == 20)
            let other = try await Self.create(store, RunKey(entity: "alice", project: "q", name: "r0"))
            #expect(other.displayName.hasSuffix("-1"))
            var named = RunUpsert(key: RunKey(entity: "alice", project: "p", name: "named"))
            named.displayName = "my run"
            #expect(try await store.upsertRun(named, at: Self.at(30)).run.displayName == "my run")
            let storageIDs = try await store.runs(entity: "alice", project: "p").map(\.storageID)
            #expect(Set(storageIDs).count == 21, "storage ids are unique")
        }
    }

    @Test("invalid JSON in config or summary is rejected and stores nothing", arguments: StoreBackend.all)
    func invalidJSON(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var bad = RunUpsert(key: Self.key)
            bad.config = "{not json"
            await Self.expectStoreError(.invalid) { _ = try await store.upsertRun(bad, at: Self.at(0)) }
            #expect(try await store.run(Self.key) == nil)
            #expect(try await store.projects(entity: "alice").isEmpty)

            var good = RunUpsert(key: Self.key)
            good.config = #"{"a":{"value":1}}"#
            good.summaryMetrics = #"{"loss":1}"#
            let stored = try await store.upsertRun(good, at: Self.at(0)).run

            var badSummary = RunUpsert(key: Self.key)
            badSummary.notes = "should not be stored"
            badSummary.summaryMetrics = "[1,2]"
            await Self.expectStoreError(.invalid) { _ = try await store.upsertRun(badSummary, at: Self.at(1)) }
            var badConfig = RunUpsert(key: Self.key)
            badConfig.config = #"{"a":"#
            await Self.expectStoreError(.invalid) { _ = try await store.upsertRun(badConfig, at: Self.at(1)) }
            #expect(try await store.run(Self.key) == stored)

            await Self.expectStoreError(.invalid) {
                _ = try await store.applyFileStream(
                    FileStreamBatch(history: .init(offset: 0, lines: ["{}"]), summary: .init(offset: 0, lines: ["{oops"])),
                    to: Self.key, at: Self.at(2))
            }
            #expect(try await store.run(Self.key) == stored)
            #expect(try await store.history(Self.key, from: 0, to: nil).isEmpty)
        }
    }

    // MARK: Projects and runs

    @Test("runs newest first, projects with run counts and last activity, entities apart", arguments: StoreBackend.all)
    func projectsAndRuns(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.run(Self.key) == nil)
            #expect(try await store.runs(entity: "alice", project: "mnist").isEmpty)
            #expect(try await store.projects(entity: "alice").isEmpty)

            try await Self.create(store, RunKey(entity: "alice", project: "mnist", name: "a"), at: 0)
            try await Self.create(store, RunKey(entity: "alice", project: "mnist", name: "b"), at: 10)
            try await Self.create(store, RunKey(entity: "alice", project: "mnist", name: "c"), at: 20)
            try await Self.create(store, RunKey(entity: "alice", project: "cifar", name: "a"), at: 5)
            try await Self.create(store, RunKey(entity: "bob", project: "mnist", name: "z"), at: 30)
            _ = try await store.applyFileStream(FileStreamBatch(), to: RunKey(entity: "alice", project: "mnist", name: "a"), at: Self.at(40))

            #expect(try await store.runs(entity: "alice", project: "mnist").map(\.key.name) == ["c", "b", "a"])
            #expect(try await store.runs(entity: "bob", project: "mnist").map(\.key.name) == ["z"])
            let projects = try await store.projects(entity: "alice")
            #expect(projects.count == 2)
            let mnist = try #require(projects.first { $0.name == "mnist" })
            #expect(mnist == ProjectRecord(entity: "alice", name: "mnist", runCount: 3, lastActivity: Self.at(40)))
            let cifar = try #require(projects.first { $0.name == "cifar" })
            #expect(cifar == ProjectRecord(entity: "alice", name: "cifar", runCount: 1, lastActivity: Self.at(5)))
            #expect(try await store.projects(entity: "bob").map(\.runCount) == [1])
            #expect(try await store.projects(entity: "carol").isEmpty)
        }
    }

    // MARK: file_stream

    @Test("history: a retried chunk stores nothing twice, an overlapping one only its new lines", arguments: StoreBackend.all)
    func historyRetry(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            let lines = (0..<5).map { #"{"_step":\#($0)}"# }
            var run = try await store.applyFileStream(Self.history(0, Array(lines[0..<3])), to: Self.key, at: Self.at(1))
            #expect(run.historyLineCount == 3)
            run = try await store.applyFileStream(Self.history(0, Array(lines[0..<3])), to: Self.key, at: Self.at(2))
            #expect(run.historyLineCount == 3, "a retry")
            run = try await store.applyFileStream(Self.history(2, Array(lines[2..<5])), to: Self.key, at: Self.at(3))
            #expect(run.historyLineCount == 5, "overlap: lines 3 and 4 are new")
            run = try await store.applyFileStream(Self.history(1, [lines[1]]), to: Self.key, at: Self.at(4))
            #expect(run.historyLineCount == 5, "an old line alone")
            #expect(try await store.history(Self.key, from: 0, to: nil) == lines)
            #expect(try await store.history(Self.key, from: 1, to: 3) == Array(lines[1..<3]))
            #expect(try await store.history(Self.key, from: 4, to: 100) == [lines[4]])
            #expect(try await store.history(Self.key, from: 5, to: nil) == [])
            #expect(try await store.run(Self.key)?.historyLineCount == 5)
        }
    }

    @Test("history and events: a gap past the stored lines is rejected and the request stores nothing", arguments: StoreBackend.all)
    func historyGap(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            _ = try await store.applyFileStream(Self.history(0, ["{}", "{}"]), to: Self.key, at: Self.at(1))
            let before = try #require(try await store.run(Self.key))
            await Self.expectStoreError(.invalid) {
                _ = try await store.applyFileStream(
                    FileStreamBatch(
                        history: .init(offset: 3, lines: ["{}"]), console: .init(offset: 0, lines: ["hello"]),
                        complete: true, exitCode: 0),
                    to: Self.key, at: Self.at(2))
            }
            await Self.expectStoreError(.invalid) {
                _ = try await store.applyFileStream(
                    FileStreamBatch(events: .init(offset: 1, lines: ["{}"])), to: Self.key, at: Self.at(2))
            }
            await Self.expectStoreError(.invalid) {
                _ = try await store.applyFileStream(Self.history(-1, ["{}"]), to: Self.key, at: Self.at(2))
            }
            #expect(try await store.run(Self.key) == before)
            #expect(try await store.console(Self.key) == [])
            #expect(try await store.history(Self.key, from: 0, to: nil).count == 2)
        }
    }

    @Test("events follow the history rules, on their own count", arguments: StoreBackend.all)
    func events(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            let batch = FileStreamBatch(
                history: .init(offset: 0, lines: ["h0"]), events: .init(offset: 0, lines: ["e0", "e1"]))
            _ = try await store.applyFileStream(batch, to: Self.key, at: Self.at(1))
            let run = try await store.applyFileStream(batch, to: Self.key, at: Self.at(2))
            #expect(run.eventsLineCount == 2 && run.historyLineCount == 1)
            let more = try await store.applyFileStream(
                FileStreamBatch(events: .init(offset: 1, lines: ["e1", "e2"])), to: Self.key, at: Self.at(3))
            #expect(more.eventsLineCount == 3)
            #expect(try await store.events(Self.key, from: 0, to: nil) == ["e0", "e1", "e2"])
            #expect(try await store.events(Self.key, from: 2, to: nil) == ["e2"])
            #expect(try await store.history(Self.key, from: 0, to: nil) == ["h0"])
        }
    }

    @Test("summary: the last line of the chunk replaces the summary", arguments: StoreBackend.all)
    func summaryReplace(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var upsert = RunUpsert(key: Self.key)
            upsert.summaryMetrics = #"{"old":1}"#
            _ = try await store.upsertRun(upsert, at: Self.at(0))
            var run = try await store.applyFileStream(
                FileStreamBatch(summary: .init(offset: 0, lines: [#"{"loss":2}"#, #"{"loss":1,"acc":0.5}"#])),
                to: Self.key, at: Self.at(1))
            #expect(try JSONParser.parse(run.summary) == JSONParser.parse(#"{"loss":1,"acc":0.5}"#))
            run = try await store.applyFileStream(
                FileStreamBatch(summary: .init(offset: 0, lines: [#"{"loss":0.5}"#])), to: Self.key, at: Self.at(2))
            #expect(try JSONParser.parse(run.summary) == JSONParser.parse(#"{"loss":0.5}"#), "replaced, not merged")
            #expect(try await store.run(Self.key)?.summary == run.summary)
            // An upsert's summaryMetrics still merges over what file_stream stored.
            upsert.summaryMetrics = #"{"extra":true}"#
            let merged = try await store.upsertRun(upsert, at: Self.at(3)).run
            #expect(try JSONParser.parse(merged.summary) == JSONParser.parse(#"{"loss":0.5,"extra":true}"#))
        }
    }

    @Test("console: lines overwrite from the offset; the log line count is the maximum", arguments: StoreBackend.all)
    func consoleOverwrite(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            func send(_ offset: Int, _ lines: [String]) async throws -> RunRecord {
                try await store.applyFileStream(
                    FileStreamBatch(console: .init(offset: offset, lines: lines)), to: Self.key, at: Self.at(1))
            }
            #expect(try await send(0, ["start", "progress 10%", "x"]).logLineCount == 3)
            #expect(try await send(1, ["progress 100%"]).logLineCount == 3)
            #expect(try await store.console(Self.key) == ["start", "progress 100%", "x"])
            #expect(try await send(2, ["y", "z"]).logLineCount == 4)
            #expect(try await send(2, ["y", "z"]).logLineCount == 4, "a retry changes nothing")
            #expect(try await store.console(Self.key) == ["start", "progress 100%", "y", "z"])
        }
    }

    @Test("complete: exit code 0 finishes, another fails, the code is kept; preempting is recorded", arguments: StoreBackend.all)
    func complete(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let ok = RunKey(entity: "alice", project: "mnist", name: "ok")
            let bad = RunKey(entity: "alice", project: "mnist", name: "bad")
            let stopped = RunKey(entity: "alice", project: "mnist", name: "stopped")
            for key in [ok, bad, stopped] { try await Self.create(store, key) }

            let preempting = try await store.applyFileStream(FileStreamBatch(preempting: true), to: ok, at: Self.at(1))
            #expect(preempting.preempting && preempting.state == .running)
            let finished = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 0), to: ok, at: Self.at(2))
            #expect(finished.state == .finished && finished.exitCode == 0 && finished.preempting)
            #expect(try await store.run(ok) == finished)

            let failed = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 1), to: bad, at: Self.at(2))
            #expect(failed.state == .failed && failed.exitCode == 1)
            let killed = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 255), to: stopped, at: Self.at(2))
            #expect(killed.state == .failed && killed.exitCode == 255)

            let retried = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 0), to: ok, at: Self.at(3))
            #expect(retried.state == .finished)
            let heartbeat = try await store.applyFileStream(FileStreamBatch(), to: bad, at: Self.at(4))
            #expect(heartbeat.state == .failed, "a late heartbeat does not reopen a finished run")
        }
    }

    @Test("an entity named like one of the server's own routes is refused, and nothing is stored", arguments: StoreBackend.all)
    func reservedEntityNames(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for name in ["storage", "graphql", "files", "login", "static"] {
                await Self.expectStoreError(.invalid) { try await Self.create(store, RunKey(entity: name, project: "p", name: "r")) }
                #expect(try await store.projects(entity: name).isEmpty)
            }
            try await Self.create(store, RunKey(entity: "storage-team", project: "p", name: "r"))  // only exact names
        }
    }

    @Test("stop: a running run is flagged until it finishes; a finished run or an unknown one is refused", arguments: StoreBackend.all)
    func stop(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let created = try await Self.create(store)
            #expect(!created.stopRequested)
            #expect(try await store.run(storageID: created.storageID)?.key == Self.key)
            #expect(try await store.run(storageID: "no-such-id") == nil)

            let asked = try await store.requestStop(Self.key, at: Self.at(1))
            #expect(asked.stopRequested)
            #expect(try await store.run(Self.key)?.stopRequested == true, "the request is stored")
            let heartbeat = try await store.applyFileStream(Self.history(0, [#"{"_step":0}"#]), to: Self.key, at: Self.at(2))
            #expect(heartbeat.stopRequested, "every answer until the run finishes says stopped")
            #expect(try await store.requestStop(Self.key, at: Self.at(3)).stopRequested, "asking twice is harmless")

            let finished = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 255), to: Self.key, at: Self.at(4))
            #expect(!finished.stopRequested && finished.state == .failed && finished.exitCode == 255)
            #expect(try await store.run(Self.key)?.stopRequested == false, "finishing clears the request")
            await Self.expectStoreError(.conflict) { _ = try await store.requestStop(Self.key, at: Self.at(5)) }
            await Self.expectStoreError(.notFound) {
                _ = try await store.requestStop(RunKey(entity: "alice", project: "mnist", name: "missing"), at: Self.at(5))
            }
        }
    }

    @Test("an unknown run: file_stream and the run's readers say not found", arguments: StoreBackend.all)
    func unknownRun(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            let missing = RunKey(entity: "alice", project: "mnist", name: "missing")
            await Self.expectStoreError(.notFound) { _ = try await store.applyFileStream(FileStreamBatch(), to: missing, at: Self.at(1)) }
            await Self.expectStoreError(.notFound) { _ = try await store.history(missing, from: 0, to: nil) }
            await Self.expectStoreError(.notFound) { _ = try await store.events(missing, from: 0, to: nil) }
            await Self.expectStoreError(.notFound) { _ = try await store.console(missing) }
            await Self.expectStoreError(.notFound) { try await store.announceRunFile(missing, name: "a", at: Self.at(1)) }
            await Self.expectStoreError(.notFound) {
                try await store.storeRunFile(missing, name: "a", digest: "d", size: 1, at: Self.at(1))
            }
            await Self.expectStoreError(.notFound) { _ = try await store.runFiles(missing) }
            await Self.expectStoreError(.notFound) {
                _ = try await store.recordAlert(
                    AlertRecord(key: missing, title: "t", text: "x", severity: .info, createdAt: Self.at(1)), waitDuration: .zero)
            }
            await Self.expectStoreError(.notFound) { _ = try await store.alerts(missing) }
        }
    }

    @Test("heartbeats refresh a run; the crash sweep marks silent running runs crashed; data brings them back", arguments: StoreBackend.all)
    func crashSweep(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let silent = RunKey(entity: "alice", project: "mnist", name: "silent")
            let alive = RunKey(entity: "alice", project: "mnist", name: "alive")
            let done = RunKey(entity: "bob", project: "other", name: "done")
            try await Self.create(store, silent, at: 0)
            try await Self.create(store, alive, at: 0)
            try await Self.create(store, done, at: 0)
            _ = try await store.applyFileStream(FileStreamBatch(complete: true, exitCode: 0), to: done, at: Self.at(1))
            let beat = try await store.applyFileStream(FileStreamBatch(), to: alive, at: Self.at(100))
            #expect(beat.heartbeatAt == Self.at(100))

            #expect(try await store.markSilentRunsCrashed(before: Self.at(0), at: Self.at(101)) == [], "strictly before")
            #expect(try await store.markSilentRunsCrashed(before: Self.at(50), at: Self.at(101)) == [silent])
            #expect(try await store.run(silent)?.state == .crashed)
            #expect(try await store.run(alive)?.state == .running)
            #expect(try await store.run(done)?.state == .finished)
            #expect(try await store.markSilentRunsCrashed(before: Self.at(50), at: Self.at(102)) == [], "once")

            let back = try await store.applyFileStream(Self.history(0, ["{}"]), to: silent, at: Self.at(200))
            #expect(back.state == .running && back.historyLineCount == 1)
            #expect(try await store.markSilentRunsCrashed(before: Self.at(150), at: Self.at(201)) == [alive])
            let upserted = try await store.upsertRun(RunUpsert(key: alive), at: Self.at(300)).run
            #expect(upserted.state == .running, "an upsert is heard from, too")
        }
    }

    // MARK: Run files

    @Test("run files: announced, then stored; announcing again keeps the content; uploaded names are recorded", arguments: StoreBackend.all)
    func runFiles(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            #expect(try await store.runFiles(Self.key) == [])
            try await store.announceRunFile(Self.key, name: "wandb-metadata.json", at: Self.at(1))
            try await store.announceRunFile(Self.key, name: "config.yaml", at: Self.at(1))
            #expect(try await store.runFiles(Self.key) == [
                RunFileRecord(name: "config.yaml", digest: nil, size: nil, updatedAt: Self.at(1)),
                RunFileRecord(name: "wandb-metadata.json", digest: nil, size: nil, updatedAt: Self.at(1)),
            ])
            try await store.storeRunFile(Self.key, name: "config.yaml", digest: "abc", size: 10, at: Self.at(2))
            try await store.announceRunFile(Self.key, name: "config.yaml", at: Self.at(3))
            try await store.storeRunFile(Self.key, name: "media/a.png", digest: "def", size: 20, at: Self.at(4))
            _ = try await store.applyFileStream(
                FileStreamBatch(uploaded: ["output.log", "config.yaml"]), to: Self.key, at: Self.at(5))
            let files = try await store.runFiles(Self.key)
            #expect(files.map(\.name) == ["config.yaml", "media/a.png", "output.log", "wandb-metadata.json"])
            #expect(files[0] == RunFileRecord(name: "config.yaml", digest: "abc", size: 10, updatedAt: Self.at(2)))
            #expect(files[1] == RunFileRecord(name: "media/a.png", digest: "def", size: 20, updatedAt: Self.at(4)))
            try await store.storeRunFile(Self.key, name: "config.yaml", digest: "xyz", size: 11, at: Self.at(6))
            #expect(try await store.runFiles(Self.key).first == RunFileRecord(name: "config.yaml", digest: "xyz", size: 11, updatedAt: Self.at(6)))
        }
    }

    // MARK: Alerts

    @Test("alerts are throttled per run and title within the wait duration", arguments: StoreBackend.all)
    func alerts(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let other = RunKey(entity: "alice", project: "mnist", name: "r2")
            try await Self.create(store)
            try await Self.create(store, other)
            func alert(_ title: String, _ seconds: Double, _ key: RunKey = Self.key) -> AlertRecord {
                AlertRecord(key: key, title: title, text: "at \(seconds)", severity: .warn, createdAt: Self.at(seconds))
            }
            let wait = Duration.seconds(60)
            #expect(try await store.recordAlert(alert("loss", 0), waitDuration: wait))
            #expect(try await !store.recordAlert(alert("loss", 30), waitDuration: wait), "throttled")
            #expect(try await store.recordAlert(alert("nan", 30), waitDuration: wait), "another title")
            #expect(try await store.recordAlert(alert("loss", 30, other), waitDuration: wait), "another run")
            #expect(try await !store.recordAlert(alert("loss", 59.5), waitDuration: wait))
            #expect(try await store.recordAlert(alert("loss", 60), waitDuration: wait), "the wait has passed")
            #expect(try await store.recordAlert(alert("loss", 61), waitDuration: .zero), "no wait")
            let stored = try await store.alerts(Self.key)
            #expect(stored == [alert("loss", 0), alert("nan", 30), alert("loss", 60), alert("loss", 61)])
            #expect(try await store.alerts(other) == [alert("loss", 30, other)])
        }
    }

    // MARK: Concurrency

    @Test("16 concurrent writers on 16 runs: every history line stored exactly once", arguments: StoreBackend.all)
    func concurrentRuns(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let keys = (0..<16).map { RunKey(entity: "alice", project: "load", name: "rank-\($0)") }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for key in keys {
                    group.addTask {
                        _ = try await store.upsertRun(RunUpsert(key: key), at: Self.at(0))
                        for chunk in 0..<20 {
                            let lines = (0..<10).map { #"{"_step":\#(chunk * 10 + $0),"run":"\#(key.name)"}"# }
                            let batch = FileStreamBatch(
                                history: .init(offset: chunk * 10, lines: lines),
                                console: .init(offset: chunk, lines: ["line \(chunk)"]))
                            _ = try await store.applyFileStream(batch, to: key, at: Self.at(Double(chunk)))
                            if chunk % 5 == 0 {  // a retry now and then
                                _ = try await store.applyFileStream(batch, to: key, at: Self.at(Double(chunk)))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            for key in keys {
                let history = try await store.history(key, from: 0, to: nil)
                #expect(history == (0..<200).map { #"{"_step":\#($0),"run":"\#(key.name)"}"# })
                let run = try #require(try await store.run(key))
                #expect(run.historyLineCount == 200 && run.logLineCount == 20)
            }
            let names = try await store.runs(entity: "alice", project: "load").map(\.displayName)
            #expect(Set(names).count == 16, "generated names stay unique under concurrent inserts")
        }
    }

    @Test("16 concurrent copies of each request on one run (retries racing): each line stored once", arguments: StoreBackend.all)
    func concurrentRetries(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await Self.create(store)
            for chunk in 0..<10 {
                let lines = (0..<10).map { #"{"_step":\#(chunk * 10 + $0)}"# }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<16 {
                        group.addTask {
                            _ = try await store.applyFileStream(Self.history(chunk * 10, lines), to: Self.key, at: Self.at(1))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await store.history(Self.key, from: 0, to: nil) == (0..<100).map { #"{"_step":\#($0)}"# })
            #expect(try await store.run(Self.key)?.historyLineCount == 100)
        }
    }
}
