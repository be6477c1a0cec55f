import CohortModel
import Testing

@testable import Cohort

/// Journal records as the run writes them, for driving the sender's machine.
private enum Records {
    static func start(id: String = "r1", project: String = "p", group: String? = "g") -> JournalRecord {
        record(.runStart, ["id": .string(id), "project": .string(project), "entity": "e", "group": group.map(JSONValue.string) ?? .null,
                           "job_type": "train", "name": "first", "notes": .null, "tags": ["a"], "host": "h"])
    }
    static func history(_ step: Int64, _ loss: Double = 0.5) -> JournalRecord {
        record(.history, ["_step": .int(step), "loss": .double(loss)])
    }
    static func summary(_ loss: Double) -> JournalRecord { record(.summary, ["summary": ["loss": .double(loss)]]) }
    static func config(_ values: [String: JSONValue]) -> JournalRecord { record(.config, ["config": .object(values)]) }
    static func finish(_ code: Int64 = 0) -> JournalRecord { record(.finish, ["exit_code": .int(code), "time": 1]) }
    static func resume(id: String = "r1") -> JournalRecord { record(.resume, ["id": .string(id), "project": "p", "starting_step": 3]) }
    static func file(_ path: String, _ policy: String) -> JournalRecord { record(.file, ["path": .string(path), "policy": .string(policy)]) }
    static func output(_ text: String, stream: String = "stdout", time: Double = 1_795_917_527.814976) -> JournalRecord {
        record(.output, ["text": .string(text), "stream": .string(stream), "time": .double(time)])
    }
    static func record(_ kind: JournalRecordKind, _ payload: [String: JSONValue]) -> JournalRecord {
        JournalRecord(kind: kind, payload: .object(payload), offset: 0)
    }
}

private extension [SenderStateMachine.Action] {
    var posts: [FileStreamRequest] { compactMap { if case .post(let request) = $0 { request } else { nil } } }
    var uploads: [String] { flatMap { action -> [String] in if case .upload(let paths) = action { paths } else { [] } } }
}

@Suite("Sender state machine")
struct SenderStateMachineTests {
    let t0 = ContinuousClock.now

    func machine(cursor: SenderCursor = .init(), runCreated: Bool = true, _ configure: (inout SenderStateMachine.Configuration) -> Void = { _ in }) -> SenderStateMachine {
        var configuration = SenderStateMachine.Configuration()
        configure(&configuration)
        return SenderStateMachine(configuration: configuration, cursor: cursor, runCreated: runCreated)
    }

    @Test("a synced run: upsert first, then history and summary, then the final request once uploads are done")
    func syncedRun() throws {
        var sender = machine(runCreated: false)
        sender.consume([Records.start(), Records.config(["lr": 0.1]), Records.history(0), Records.history(1), Records.history(2), Records.summary(0.1), Records.finish(3)])
        sender.caughtUpWithJournal()
        let first = sender.tick(now: t0)
        let upsert = try #require(first.first { if case .upsertRun = $0 { true } else { false } })
        guard case .upsertRun(let run) = upsert else { return }
        #expect(run.runID == "r1" && run.project == "p" && run.group == "g" && run.config?["lr"] == 0.1 && run.tags == ["a"])
        #expect(first.posts.isEmpty, "nothing is streamed before the run exists")

        sender.upsertSucceeded()
        let second = sender.tick(now: t0)
        #expect(second.uploads == SenderStateMachine.runFiles.sorted())
        let batch = try #require(second.posts.first)
        #expect(batch.history == .init(offset: 0, lines: [#"{"_step":0,"loss":0.5}"#, #"{"_step":1,"loss":0.5}"#, #"{"_step":2,"loss":0.5}"#]))
        #expect(batch.summary == .init(offset: 0, lines: [#"{"loss":0.1}"#]))
        #expect(!batch.complete, "uploads are still running")
        #expect(sender.postSucceeded(stopped: false) == [.persist(sender.cursor)])
        #expect(sender.cursor.historyLines == 3)

        for path in SenderStateMachine.runFiles where path != "config.yaml" { sender.uploadSkipped(path) }
        _ = sender.uploadFinished("config.yaml", fingerprint: "12:34")
        let final = try #require(sender.tick(now: t0 + .seconds(1)).posts.first)
        #expect(final.complete && final.exitCode == 3 && final.uploaded == ["config.yaml"] && final.history == nil)
        let done = sender.postSucceeded(stopped: false)
        #expect(done.last == .finished && sender.isDone && sender.cursor.completedFinishes == 1)
        #expect(sender.tick(now: t0 + .seconds(60)).isEmpty)
    }

    @Test("a saved cursor skips what the server acknowledged: the next line goes at its old offset")
    func restartFromCursor() throws {
        var cursor = SenderCursor()
        cursor.historyLines = 2
        var sender = machine(cursor: cursor)
        sender.consume([Records.start(), Records.history(0), Records.history(1), Records.history(2)])
        let batch = try #require(sender.tick(now: t0).posts.first)
        #expect(batch.history == .init(offset: 2, lines: [#"{"_step":2,"loss":0.5}"#]))
    }

    @Test("a journal that continues a run held by the server sends its lines after the server's")
    func baseOffsets() throws {
        var cursor = SenderCursor()
        cursor.historyBase = 10
        cursor.outputBase = 4
        var sender = machine(cursor: cursor)
        sender.consume([Records.start(), Records.history(10), Records.output("line\n")])
        let batch = try #require(sender.tick(now: t0).posts.first)
        #expect(batch.history?.offset == 10 && batch.output?.offset == 4)
        _ = sender.postSucceeded(stopped: false)
        sender.consume([Records.history(11)])
        #expect(try #require(sender.tick(now: t0 + .seconds(5)).posts.first).history?.offset == 11)
    }

    @Test("a cursor survives its JSON round trip")
    func cursorJSON() throws {
        var cursor = SenderCursor()
        cursor.historyLines = 7
        cursor.outputLines = 3
        cursor.uploaded = ["a.txt": "1:2"]
        cursor.completedFinishes = 1
        cursor.historyBase = 5
        cursor.alerts = 2
        #expect(SenderCursor(json: try JSONParser.parse(JSONWriter.string(cursor.json))) == cursor)
    }

    @Test("a request that failed for good is sent again with the same lines and offsets after the retry delay")
    func failedRequestIsResent() throws {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0), Records.history(1)])
        let first = try #require(sender.tick(now: t0).posts.first)
        sender.postFailed(now: t0)
        sender.consume([Records.history(2)])
        #expect(sender.tick(now: t0 + .seconds(1)).posts.isEmpty, "waits for the retry delay")
        let again = try #require(sender.tick(now: t0 + .seconds(11)).posts.first)
        #expect(again.history?.offset == 0)
        #expect(again.history?.lines == (first.history?.lines ?? []) + [#"{"_step":2,"loss":0.5}"#])
    }

    @Test("the first request goes at once; later lines wait for the batch interval and go together")
    func batching() throws {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0)])
        #expect(sender.tick(now: t0).posts.count == 1)
        _ = sender.postSucceeded(stopped: false)
        sender.consume([Records.history(1), Records.history(2)])
        #expect(sender.tick(now: t0 + .seconds(1)).posts.isEmpty)
        let merged = try #require(sender.tick(now: t0 + .seconds(5)).posts.first)
        #expect(merged.history?.offset == 1 && merged.history?.lines.count == 2)
    }

    @Test("one request in flight at a time")
    func oneInFlight() {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0)])
        #expect(sender.tick(now: t0).posts.count == 1)
        sender.consume([Records.history(1)])
        #expect(sender.tick(now: t0 + .seconds(30)).posts.isEmpty)
    }

    @Test("a heartbeat goes out after the heartbeat interval without a request")
    func heartbeat() throws {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0)])
        _ = sender.tick(now: t0)
        _ = sender.postSucceeded(stopped: false)
        #expect(sender.tick(now: t0 + .seconds(29)).posts.isEmpty)
        let beat = try #require(sender.tick(now: t0 + .seconds(30)).posts.first)
        #expect(beat.isHeartbeat && beat.body() == Array("{}".utf8))
    }

    @Test("requests stay under the size limit; the lines continue in the next one at the right offset")
    func sizeLimit() throws {
        var sender = machine { $0.maximumRequestBytes = 100 }
        sender.consume([Records.start()] + (0..<10).map { Records.history($0) })
        let first = try #require(sender.tick(now: t0).posts.first)
        let count = try #require(first.history?.lines.count)
        #expect(count > 0 && count < 10)
        _ = sender.postSucceeded(stopped: false)
        let second = try #require(sender.tick(now: t0 + .seconds(1)).posts.first, "a full batch does not wait for the interval")
        #expect(second.history?.offset == count)
    }

    @Test("reading stops past the pending limit and resumes as requests drain")
    func backPressure() {
        var sender = machine { $0.maximumPendingBytes = 200 }
        sender.consume([Records.start()])
        #expect(sender.wantsRecords)
        sender.consume((0..<20).map { Records.history($0) })
        #expect(!sender.wantsRecords)
        _ = sender.tick(now: t0)
        #expect(sender.wantsRecords)
    }

    @Test("the server's stop answer is passed on once")
    func stop() {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0)])
        _ = sender.tick(now: t0)
        #expect(sender.postSucceeded(stopped: true).contains(.stopRequested))
        sender.consume([Records.history(1)])
        _ = sender.tick(now: t0 + .seconds(5))
        #expect(!sender.postSucceeded(stopped: true).contains(.stopRequested))
    }

    @Test("a journal that finished, resumed and finished again completes once, with the last exit code")
    func resumedJournal() throws {
        var sender = machine()
        sender.consume([Records.start(), Records.history(0), Records.finish(1), Records.resume(), Records.history(1)])
        sender.caughtUpWithJournal()
        let batch = try #require(sender.tick(now: t0).posts.first)
        #expect(!batch.complete && batch.history?.lines.count == 2)
        _ = sender.postSucceeded(stopped: false)
        sender.consume([Records.finish(0)])
        sender.caughtUpWithJournal()
        let uploads = sender.tick(now: t0 + .seconds(1)).uploads
        for path in uploads { sender.uploadSkipped(path) }
        let final = try #require(sender.tick(now: t0 + .seconds(1)).posts.first)
        #expect(final.complete && final.exitCode == 0)
        _ = sender.postSucceeded(stopped: false)
        #expect(sender.cursor.completedFinishes == 2)
    }

    @Test("a run completed before is not completed again when its journal is read again")
    func alreadyComplete() {
        var cursor = SenderCursor()
        cursor.historyLines = 1
        cursor.completedFinishes = 1
        var sender = machine(cursor: cursor)
        sender.consume([Records.start(), Records.history(0), Records.finish(0)])
        sender.caughtUpWithJournal()
        #expect(sender.tick(now: t0).posts.isEmpty)
    }

    @Test("save policies: now once, live now and on each check and at the end, end only at the end")
    func savePolicies() {
        var sender = machine()
        sender.consume([Records.start(), Records.file("now.txt", "now"), Records.file("live.txt", "live"), Records.file("end.txt", "end")])
        let first = sender.tick(now: t0).uploads
        #expect(first == ["live.txt", "now.txt"])
        sender.uploadSkipped("live.txt")
        _ = sender.uploadFinished("now.txt", fingerprint: "1:1")
        #expect(sender.tick(now: t0 + .seconds(1)).uploads.isEmpty)
        #expect(sender.tick(now: t0 + .seconds(5)).uploads == ["live.txt"])
        sender.uploadSkipped("live.txt")
        sender.consume([Records.finish(0)])
        sender.caughtUpWithJournal()
        let end = sender.tick(now: t0 + .seconds(6)).uploads
        #expect(Set(end) == Set(["end.txt", "live.txt"] + SenderStateMachine.runFiles))
    }

    @Test("a failed upload is asked for again after the retry delay, and the final request waits for it")
    func failedUpload() {
        var sender = machine()
        sender.consume([Records.start(), Records.finish(0)])
        sender.caughtUpWithJournal()
        let uploads = sender.tick(now: t0).uploads
        for path in uploads where path != "config.yaml" { sender.uploadSkipped(path) }
        sender.uploadFailed("config.yaml", now: t0)
        #expect(sender.tick(now: t0 + .seconds(1)).isEmpty)
        let again = sender.tick(now: t0 + .seconds(10))
        #expect(again.uploads == ["config.yaml"] && again.posts.allSatisfy { !$0.complete })
    }

    @Test("console chunks become W&B output lines: split anywhere, carriage returns, stderr marked, the last line flushed at the end")
    func console() throws {
        var sender = machine()
        sender.consume([Records.start(), Records.output("epoch 1 lo"), Records.output("ss 0.5\nprogress 10%\rprogress 100%\n"),
                        Records.output("warning\n", stream: "stderr"), Records.output("no newline")])
        let batch = try #require(sender.tick(now: t0).posts.first)
        #expect(batch.output == .init(offset: 0, lines: [
            "2026-11-29T01:58:47.814976 epoch 1 loss 0.5", "2026-11-29T01:58:47.814976 progress 100%",
            "ERROR 2026-11-29T01:58:47.814976 warning",
        ]))
        _ = sender.postSucceeded(stopped: false)
        sender.consume([Records.finish(0)])
        sender.caughtUpWithJournal()
        let finishing = sender.tick(now: t0 + .seconds(1))
        let last = try #require(finishing.posts.first)
        #expect(last.output == .init(offset: 3, lines: ["2026-11-29T01:58:47.814976 no newline"]))
    }

    @Test("the identity and config changes of a live run update it on the server")
    func liveUpdates() throws {
        var sender = machine()
        sender.consume([Records.start()])
        #expect(sender.tick(now: t0).isEmpty, "the live run's owner created it already")
        sender.consume([Records.config(["lr": 0.2]), Records.record(.runUpdate, ["tags": ["a", "b"]])])
        let actions = sender.tick(now: t0 + .seconds(1))
        guard case .upsertRun(let run)? = actions.first else { Issue.record("no upsert"); return }
        #expect(run.config?["lr"] == 0.2 && run.tags == ["a", "b"])
    }
}

@Suite("Sender state machine: alerts")
struct SenderAlertTests {
    let t0 = ContinuousClock.now

    static func alert(_ title: String) -> JournalRecord {
        Records.record(.alert, ["title": .string(title), "text": "t", "level": "WARN", "wait_duration_ms": 300_000])
    }

    @Test("alerts go out one at a time in journal order, and a saved cursor does not send them again")
    func alerts() throws {
        var sender = SenderStateMachine(runCreated: true)
        sender.consume([Records.start(), Self.alert("a"), Self.alert("b")])
        let first = sender.tick(now: t0)
        #expect(first.contains(.sendAlert(.init(title: "a", text: "t", level: "WARN", waitDurationMilliseconds: 300_000))))
        #expect(!first.contains { if case .sendAlert(let alert) = $0 { alert.title == "b" } else { false } })
        #expect(sender.alertDone() == [.persist(sender.cursor)])
        #expect(sender.tick(now: t0).contains { if case .sendAlert(let alert) = $0 { alert.title == "b" } else { false } })
        _ = sender.alertDone()

        var again = SenderStateMachine(cursor: sender.cursor, runCreated: true)
        again.consume([Records.start(), Self.alert("a"), Self.alert("b")])
        #expect(!again.tick(now: t0).contains { if case .sendAlert = $0 { true } else { false } })
    }
}

@Suite("Sender state machine: cohort sync")
struct SenderSyncTests {
    let t0 = ContinuousClock.now

    @Test("syncing a completed run again sends nothing and ends")
    func syncTwice() {
        var cursor = SenderCursor()
        cursor.historyLines = 1
        cursor.completedFinishes = 1
        var sender = SenderStateMachine(cursor: cursor, runCreated: false)
        sender.consume([Records.start(), Records.history(0), Records.finish(0)])
        sender.caughtUpWithJournal()
        sender.journalIsFinal()
        let first = sender.tick(now: t0)
        #expect(first.count == 1, "only the upsert: \(first)")
        sender.upsertSucceeded()
        let second = sender.tick(now: t0)
        #expect(second == [.finished] && sender.isDone)
    }

    @Test("a crashed run's journal is sent whole and the sync ends without completing the run")
    func crashedRun() throws {
        var sender = SenderStateMachine(runCreated: true)
        sender.consume([Records.start(), Records.history(0), Records.output("partial line")])
        sender.caughtUpWithJournal()
        sender.journalIsFinal()
        let actions = sender.tick(now: t0)
        for path in actions.uploads { sender.uploadSkipped(path) }
        let batch = try #require(actions.posts.first)
        #expect(!batch.complete && batch.history?.lines.count == 1 && batch.output?.lines.count == 1)
        _ = sender.postSucceeded(stopped: false)
        #expect(sender.tick(now: t0 + .seconds(1)) == [.finished])
    }
}
