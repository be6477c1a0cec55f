import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    /// The official client (wandb 0.31.0, offline) and Cohort log the same media; the descriptors in
    /// the history rows must have the same keys and value types, paths and hashes aside.
    @Suite("Parity with wandb", .enabled(if: MediaHarness.pythonAvailable, "needs wandb==0.31.0 in \(WandbClient.venv)"))
    struct MediaParityTests {
        /// The same data as `media_offline.py log`, one row each, in the same order.
        static func logReference(_ run: Run, directory: String) throws {
            let rgb = (0..<(4 * 5 * 3)).map { UInt8($0 % 256) }
            let gray = (0..<(4 * 5)).map { UInt8($0 * 12) }
            let rgba = (0..<(4 * 5 * 4)).map { UInt8($0 % 256) }
            try run.log(["img": Image(pixels: rgb, width: 5, height: 4, channels: 3, caption: "ramp")])
            try run.log(["gray": Image(pixels: gray, width: 5, height: 4, channels: 1)])
            try run.log(["rgba": Image(pixels: rgba, width: 5, height: 4, channels: 4)])
            try run.log(["hist": Histogram([1, 2, 3, 4, 5.5])])
            try run.log(["tbl": Table(columns: ["a", "b", "c", "d"], data: [[1, "x", true, JSONValue.null], [2.5, "y", false, 3]])])
            try run.log(["imgs": [
                Image(pixels: rgb, width: 5, height: 4, channels: 3, caption: "one"),
                Image(pixels: rgb, width: 5, height: 4, channels: 3, caption: "two"),
            ]])
            try run.log(["page": Html("<b>hi</b>")])
            try run.log(["nested": ["img": Image(pixels: rgb, width: 5, height: 4, channels: 3)]])
            try run.log(["clip": Audio(contentsOfFile: directory + "/clip.wav", caption: "beep")])
            try run.log(["anim": Video(contentsOfFile: directory + "/anim.gif", caption: "flash")])
        }

        @Test("each descriptor has wandb's keys and value types; the files have wandb's names; table and HTML bytes are identical")
        func descriptorsMatch() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-parity")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["log"], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirFiles = MediaHarness.files(of: reference)
            try #require(theirRows.count == 10)

            try await MediaHarness.withRun { run, _ in
                try Self.logReference(run, directory: directory.path)
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                try #require(ourRows.count == theirRows.count)
                for (ours, theirs) in zip(ourRows, theirRows) {
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    for key in theirs.keys {
                        #expect(MediaHarness.shape(ours[key] ?? .null) == MediaHarness.shape(theirs[key] ?? .null), "\(key)")
                    }
                }
                #expect(ourRows[4]["tbl"]?["sha256"] == theirRows[4]["tbl"]?["sha256"], "table JSON bytes differ")
                #expect(ourRows[6]["page"]?["sha256"] == theirRows[6]["page"]?["sha256"], "HTML bytes differ")
                #expect(ourRows[8]["clip"]?["sha256"] == theirRows[8]["clip"]?["sha256"])
                #expect(ourRows[9]["anim"]?["sha256"] == theirRows[9]["anim"]?["sha256"])
                #expect(ourRows[3]["hist"]?["values"] == theirRows[3]["hist"]?["values"])
                let ourEdges = ourRows[3]["hist"]?["bins"]?.arrayValue?.compactMap(\.number)
                #expect(ourEdges == theirRows[3]["hist"]?["bins"]?.arrayValue?.compactMap(\.number))
                #expect(Self.withoutHashes(MediaHarness.mediaFiles(run)) == Self.withoutHashes(theirFiles))
            }
        }

        @Test("lists of point clouds, HTML pages and videos under one key have wandb's object3D, html and videos descriptors")
        func listsMatch() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-lists")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["lists"], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirFiles = MediaHarness.files(of: reference)
            try #require(theirRows.count == 4)
            try await MediaHarness.withRun { run, _ in
                try run.log(["clouds": [Object3D(points: [[0, 0, 0]]), Object3D(points: [[1, 2, 3]])]])
                try run.log(["pages": [Html("<b>a</b>"), Html("<b>b</b>")]])
                let gif = directory.path + "/anim.gif"
                try run.log(["clips": [Video(contentsOfFile: gif, caption: "one"), Video(contentsOfFile: gif, caption: "two")]])
                try run.log(["silent": [Video(contentsOfFile: gif), Video(contentsOfFile: gif)]])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                try #require(ourRows.count == theirRows.count)
                for (ours, theirs) in zip(ourRows, theirRows) {
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    for key in theirs.keys {
                        #expect(MediaHarness.shape(ours[key] ?? .null) == MediaHarness.shape(theirs[key] ?? .null), "\(key)")
                        for member in ["_type", "count", "captions"] { #expect(ours[key]?[member] == theirs[key]?[member], "\(key).\(member)") }
                    }
                }
                let filenames = ourRows[0]["clouds"]?["filenames"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let paths = ourRows[0]["clouds"]?["objects"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
                #expect(filenames.count == 2 && filenames.map { "media/object3D/" + $0 } == paths)
                #expect(ourRows[1]["pages"]?["html"] == theirRows[1]["pages"]?["html"], "HTML list: same files, same bytes")
                #expect(Self.withoutHashes(MediaHarness.mediaFiles(run)) == Self.withoutHashes(theirFiles))
            }
        }

        /// `media/images/img_0_<hash20>.png` → `media/images/img_0_H.png`.
        static func withoutHashes(_ paths: [String]) -> [String] {
            paths.map { path in
                path.replacing(/_[0-9a-f]{20}\./, with: "_H.")
            }.sorted()
        }
    }
}
