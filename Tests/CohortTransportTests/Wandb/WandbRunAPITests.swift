import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation
import Testing

/// The run half of ``WandbAPIClient`` against a real `cohort server` on loopback.
@Suite("W&B API: runs, file_stream, run files, alerts")
struct WandbRunAPITests {
    @Test("Viewer answers the admin key's entity, and the server's features can be read")
    func viewerWithAdminKey() async throws {
        try await LiveServer.with { live in
            let viewer = try await live.api.viewer()
            #expect(!viewer.entity.isEmpty)
            #expect(!viewer.id.isEmpty)
            let features = try await live.api.serverFeatures()
            #expect(!features.isEnabled("FILESTREAM_GZIP"))
        }
    }

    @Test("A wrong key is an unauthorized error that says to run cohort login and never shows the key")
    func wrongKeyIsUnauthorized() async throws {
        try await LiveServer.with { live in
            let wrongKey = "wrong-" + String(repeating: "z9y8x7w6", count: 6)
            let api = live.client(apiKey: wrongKey)
            let error = try await #require(throws: WandbAPIError.self) { _ = try await api.viewer() }
            #expect(error.kind == .unauthorized)
            #expect(error.status == 401)
            #expect(error.description.contains("cohort login"))
            #expect(!error.description.contains(wrongKey))
            #expect(!String(reflecting: error).contains(wrongKey))
            #expect(!"\(api.credentials)".contains(wrongKey))
            // file_stream refuses it the same way.
            let streamError = try await #require(throws: WandbAPIError.self) {
                _ = try await api.postFileStream(entity: "e", project: "p", run: "r", FileStreamRequest())
            }
            #expect(streamError.kind == .unauthorized)
        }
    }

    @Test("Upsert creates a run; a second upsert updates its tags and config")
    func upsertCreatesThenUpdates() async throws {
        try await LiveServer.with { live in
            let viewer = try await live.api.viewer()
            #expect(try await live.api.runResumeStatus(entity: nil, project: "upserts", run: "r1") == nil)

            var upsert = RunUpsert(
                runID: "r1", project: "upserts", notes: "first", group: "g", jobType: "train", tags: ["a"],
                config: ["lr": 0.1, "layers": 3, "opt": ["name": "adam"]])
            let created = try await live.api.upsertRun(upsert)
            #expect(created.inserted)
            #expect(created.runID == "r1")
            #expect(created.project == "upserts")
            #expect(created.entity == viewer.entity)
            #expect(created.historyLineCount == 0)
            #expect(created.displayName?.isEmpty == false)

            upsert.tags = ["a", "b"]
            upsert.config = ["lr": 0.2, "layers": 3, "opt": ["name": "adam"]]
            let updated = try await live.api.upsertRun(upsert, storageID: created.storageID)
            #expect(!updated.inserted)
            #expect(updated.storageID == created.storageID)

            let state = try #require(try await live.api.runResumeStatus(entity: viewer.entity, project: "upserts", run: "r1"))
            #expect(state.storageID == created.storageID)
            #expect(state.tags == ["a", "b"])
            #expect(state.config["lr"] == 0.2)
            #expect(state.config["opt"] == ["name": "adam"])
            #expect(state.notes == "first")

            // The stored config has W&B's {key: {"value": v}} shape.
            let raw = try await live.api.execute(
                GraphQLOperation(
                    name: "RunConfig",
                    document: "query RunConfig($e: String, $p: String, $r: String!) { project(name: $p, entityName: $e) { run(name: $r) { config } } }",
                    variables: ["e": .string(viewer.entity), "p": "upserts", "r": "r1"]))
            let config = try JSONParser.parse(try #require(raw["project"]?["run"]?["config"]?.stringValue))
            #expect(config["lr"] == ["value": 0.2])
        }
    }

    @Test("file_stream appends history at offsets, a re-sent request adds nothing, complete sets the exit code")
    func fileStreamOffsets() async throws {
        try await LiveServer.with { live in
            let run = try await live.run("fs1")
            var first = FileStreamRequest()
            first.history = .init(offset: 0, lines: [#"{"_step":0,"loss":1.5}"#, #"{"_step":1,"loss":1.2}"#])
            first.summary = .init(offset: 0, lines: [#"{"loss":1.2}"#])
            #expect(try await live.api.postFileStream(entity: run.entity, project: run.project, run: run.runID, first) == false)

            var second = FileStreamRequest()
            second.history = .init(offset: 2, lines: [#"{"_step":2,"loss":0.9}"#])
            second.summary = .init(offset: 0, lines: [#"{"loss":0.9}"#])
            second.output = .init(offset: 0, lines: ["2026-01-01T00:00:00.000000 epoch 1"])
            _ = try await live.api.postFileStream(entity: run.entity, project: run.project, run: run.runID, second)
            // The same request again, as after a lost answer: nothing is duplicated.
            _ = try await live.api.postFileStream(entity: run.entity, project: run.project, run: run.runID, second)

            let state = try #require(try await live.api.runResumeStatus(entity: run.entity, project: run.project, run: run.runID))
            #expect(state.historyLineCount == 3)
            #expect(state.logLineCount == 1)
            #expect(state.summary["loss"] == 0.9)
            #expect(state.lastHistoryRow?["_step"] == 2)
            let again = try await live.api.upsertRun(RunUpsert(runID: run.runID, project: run.project))
            #expect(again.historyLineCount == 3)

            var last = FileStreamRequest()
            last.complete = true
            last.exitCode = 3
            _ = try await live.api.postFileStream(entity: run.entity, project: run.project, run: run.runID, last)
            let data = try await live.api.execute(
                GraphQLOperation(
                    name: "RunState",
                    document: "query RunState($e: String, $p: String, $r: String!) { project(name: $p, entityName: $e) { run(name: $r) { state exitcode } } }",
                    variables: ["e": .string(run.entity), "p": .string(run.project), "r": .string(run.runID)]))
            #expect(data["project"]?["run"]?["exitcode"] == 3)
            #expect(data["project"]?["run"]?["state"]?.stringValue != "running")
        }
    }

    @Test("A run file goes up with CreateRunFiles and PUT, and downloads with the same bytes")
    func runFileRoundTrip() async throws {
        try await LiveServer.with { live in
            let run = try await live.run("files1")
            let bytes = patternBytes(count: 200_000)
            let path = try live.file("weights.bin", bytes)
            let paths = ["media/weights.bin", "notes.txt"]
            let uploads = try await live.api.createRunFiles(entity: run.entity, project: run.project, run: run.runID, paths: paths)
            #expect(uploads.files.map(\.name) == paths)
            #expect(uploads.runID == run.storageID)
            let urls = uploads.files.compactMap(\.uploadURL)
            #expect(urls.count == 2)
            // Signed URLs carry no key.
            #expect(urls.allSatisfy { !$0.contains(live.server.adminKey) })
            try await live.api.upload(.file(path: path), to: urls[0], headers: uploads.uploadHeaders)
            try await live.api.upload(.bytes(Array("hello\n".utf8)), to: urls[1], headers: uploads.uploadHeaders)

            let stored = try await live.api.runFileURLs(entity: run.entity, project: run.project, run: run.runID)
            #expect(Set(stored.keys) == Set(paths))
            let downloaded = try await live.api.download(from: try #require(stored["media/weights.bin"]))
            #expect(downloaded == bytes)
            let target = live.directory.appending("notes-copy.txt")
            try await live.api.download(from: try #require(stored["notes.txt"]), to: target)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("hello\n".utf8))
        }
    }

    @Test("An alert is accepted at every level")
    func alertAccepted() async throws {
        try await LiveServer.with { live in
            let run = try await live.run("alert1")
            for level in AlertLevel.allCases {
                let success = try await live.api.notifyAlert(
                    entity: run.entity, project: run.project, run: run.runID, title: "loss \(level.rawValue)", text: "loss is NaN",
                    level: level, waitDuration: .seconds(1))
                #expect(success)
            }
            let error = try await #require(throws: WandbAPIError.self) {
                try await live.api.notifyAlert(entity: run.entity, project: run.project, run: "no-such-run", title: "t", text: "x")
            }
            #expect(error.kind == .graphQL)
        }
    }
}
