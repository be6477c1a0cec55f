import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Journal")
    struct MediaJournalTests {
        @Test("lists and dictionaries of numbers, flags and text hold no media; those holding images, even nested, do; such rows log as plain rows")
        func listsWithAndWithoutMedia() async throws {
            let image = Image(pixels: [UInt8](repeating: 90, count: 12), width: 2, height: 2, channels: 3)
            #expect(![1.0, 2.0].containsMedia && ![Float(1)].containsMedia && ![1, 2].containsMedia && !["a"].containsMedia)
            #expect(![Double?.none, 2.0].containsMedia && ![[1.0], [2.0]].containsMedia && !["loss": 1.0, "acc": 0.5].containsMedia)
            #expect(["sample": image].containsMedia && ["eval": ["sample": image]].containsMedia)
            #expect([image].containsMedia && [[image]].containsMedia && [Optional(image)].containsMedia)
            try await MediaHarness.withRun { run, _ in
                try run.log(["weights": (0..<1_000).map { Double($0) / 8 }, "flags": [true, false]])
                let rows = try await MediaHarness.rows(run)
                #expect(rows.first?["weights"]?.arrayValue?.count == 1_000 && rows.first?["weights"]?.arrayValue?[3] == 0.375)
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }

        @Test("media found while a row is copied: a ContiguousArray of images, an image in a nested NestedLog or Optional, go the media path; a dropped step writes nothing")
        func mediaFoundWhileCopying() async throws {
            let image = Image(pixels: [UInt8](repeating: 90, count: 12), width: 2, height: 2, channels: 3)
            #expect(ContiguousArray([image]).containsMedia && !ContiguousArray([1.0]).containsMedia)
            try await MediaHarness.withRun { run, _ in
                try run.log(["loss": 0.5, "samples": ContiguousArray([image, image])])
                try run.log(["eval": ["sample": Optional(image)], "acc": 0.25])
                try run.log(["late": image], step: 0)  // behind the current step: dropped, as W&B drops it
                try run.log(["loss": 0.25])
                let rows = try await MediaHarness.rows(run)
                try #require(rows.count == 3)
                #expect(rows[0]["samples"]?["_type"] == "images/separated" && rows[0]["loss"] == 0.5 && rows[0]["_step"] == 0)
                #expect(rows[1]["eval"]?["sample"]?["_type"] == "image-file" && rows[1]["acc"] == 0.25 && rows[1]["_step"] == 1)
                #expect(rows[2]["loss"] == 0.25 && rows[2]["_step"] == 2 && rows[2]["late"] == nil)
                #expect(MediaHarness.mediaFiles(run).count == 2 && !MediaHarness.mediaFiles(run).contains { $0.contains("late") })  // equal images under one key and step are one file
            }
        }

        @Test("a run logging every media type keeps each descriptor in its journal's history and summary, each file under files/media and recorded for upload")
        func everyType() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-journal")
            defer { directory.remove() }
            let run = try await Run.start(project: "media", mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
            let image = Image(pixels: [UInt8](repeating: 90, count: 12), width: 2, height: 2, channels: 3)
            var table = try Table(columns: ["id", "img"])
            try table.addData(1, image)
            let values: [String: any Loggable] = [
                "image": image, "images": [image, image], "histogram": try Histogram([1, 2, 3]), "table": table,
                "page": Html("<p>x</p>"), "clip": Audio(samples: [0, 0.5], sampleRate: 8_000),
                "video": Video(frames: [UInt8](repeating: 7, count: 24), count: 2, width: 2, height: 2),
            ]
            for step in 0..<2 { try run.log(values.merging(["loss": Double(step)]) { $1 }) }
            await run.finish()

            let journal = try RunJournal.read(path: run.journalPath)
            let rows = journal.historyRows
            try #require(rows.count == 2)
            let expected = [
                "image": "image-file", "images": "images/separated", "histogram": "histogram", "table": "table-file",
                "page": "html-file", "clip": "audio-file", "video": "video-file",
            ]
            for row in rows {
                for (key, type) in expected { #expect(row[key]?["_type"]?.stringValue == type, "\(key)") }
            }
            let summary = run.summary.values
            for (key, type) in expected { #expect(summary[key]?["_type"]?.stringValue == type, "summary \(key)") }

            let recorded = Set(journal.records.filter { $0.kind == .file }.compactMap { $0.payload["path"]?.stringValue })
            let files = Set(MediaHarness.mediaFiles(run))
            #expect(recorded == files)
            for row in rows {
                for key in ["image", "table", "page", "clip", "video"] {
                    let path = try #require(row[key]?["path"]?.stringValue)
                    #expect(files.contains(path), "\(path)")
                }
            }
            #expect(files.contains { $0.hasPrefix("media/images/image_1_") })
            #expect(files.contains { $0.hasPrefix("media/table/table_0_") && $0.hasSuffix(".table.json") })
        }
    }
}
