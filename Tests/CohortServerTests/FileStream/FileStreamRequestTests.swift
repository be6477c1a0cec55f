@testable import CohortServer
import Testing

@Suite("file_stream request bodies")
struct FileStreamRequestTests {
    private func parse(_ text: String) throws(FileStreamParseError) -> FileStreamRequest.Parsed {
        try FileStreamRequest.parse(Array(text.utf8))
    }

    @Test("every body of the trace's long scenario parses, with offsets, lines and flags")
    func traceLong() throws {
        let parsed = try TraceBodies.long.map { try parse($0) }
        #expect(parsed.allSatisfy { $0.ignoredFiles.isEmpty })
        #expect(parsed[0].batch.events == .init(offset: 0, lines: [parsed[0].batch.events!.lines[0]]))
        #expect(parsed[1].batch.history?.offset == 0)
        #expect(parsed[1].batch.history?.lines.count == 6)
        #expect(parsed[1].batch.uploaded == ["requirements.txt", "wandb-metadata.json"])
        #expect(parsed[2].batch.preempting)
        #expect(parsed[2].batch.history?.offset == 6)
        #expect(parsed[2].batch.summary?.offset == 0)
        let last = try #require(parsed.last)
        #expect(last.batch.complete)
        #expect(last.batch.exitCode == 0)
        #expect(last.batch.history?.offset == 15)
        #expect(last.batch.console?.offset == 3)
        #expect(parsed.dropLast().allSatisfy { !$0.batch.complete && $0.batch.exitCode == nil })
    }

    @Test("the final request of a failed run, the console rewrite and the heartbeat")
    func traceOthers() throws {
        let final = try parse(TraceBodies.mainFinal[0]).batch
        #expect(final.complete && final.exitCode == 3)
        #expect(final.summary?.lines == [#"{"_wandb":{"runtime":0},"_runtime":0}"#])
        #expect(final.uploaded.count == 5)
        let rewrite = try parse(TraceBodies.console[2]).batch
        #expect(rewrite.console == .init(offset: 1, lines: [
            "2026-11-29T01:59:30.074475 progress 100%", "ERROR 2026-11-29T01:59:47.075731 line B",
        ]))
        #expect(try parse(TraceBodies.heartbeat[0]).batch == FileStreamBatch())
    }

    @Test("null counts as absent, unknown keys and unknown files are ignored")
    func lenient() throws {
        let parsed = try parse(#"""
            {"files": {"other.txt": {"offset": 2, "content": ["x"]}, "wandb-history.jsonl": {"content": ["{}"]}},
             "exitcode": null, "complete": null, "dropped": 4, "future": {"a": 1}}
            """#)
        #expect(parsed.ignoredFiles == ["other.txt"])
        #expect(parsed.batch.history == .init(offset: 0, lines: ["{}"]))
        #expect(parsed.batch.exitCode == nil && !parsed.batch.complete)
    }

    @Test("garbage is malformed JSON", arguments: ["", "{", "not json", "{\"files\": }", "{} {}", "\u{0}"])
    func garbage(_ text: String) {
        #expect {
            try parse(text)
        } throws: { error in
            if case .malformedJSON = error as? FileStreamParseError { return true }
            return false
        }
    }

    @Test("JSON of the wrong shape is refused with a reason", arguments: [
        "[]", "3", #""files""#, #"{"files": []}"#, #"{"files": {"wandb-history.jsonl": 3}}"#,
        #"{"files": {"wandb-history.jsonl": {"offset": -1, "content": []}}}"#,
        #"{"files": {"wandb-history.jsonl": {"offset": 1.5, "content": []}}}"#,
        #"{"files": {"wandb-history.jsonl": {"offset": "0", "content": []}}}"#,
        #"{"files": {"output.log": {"offset": 0, "content": "line"}}}"#,
        #"{"files": {"output.log": {"offset": 0, "content": [1, 2]}}}"#,
        #"{"uploaded": "a.txt"}"#, #"{"uploaded": [1]}"#, #"{"complete": "yes"}"#, #"{"complete": 1}"#,
        #"{"exitcode": "0"}"#, #"{"exitcode": 1e20}"#, #"{"preempting": 1}"#,
    ])
    func wrongShape(_ text: String) {
        #expect {
            try parse(text)
        } throws: { error in
            if case .wrongShape(let reason) = error as? FileStreamParseError { return !reason.isEmpty }
            return false
        }
    }
}
