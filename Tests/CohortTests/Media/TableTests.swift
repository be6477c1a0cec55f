import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Table")
    struct TableTests {
        @Test("addData, addColumn and column(named:) keep typed cells in order")
        func building() throws {
            var table = try Table(columns: ["id", "label"])
            try table.addData(1, "cat")
            try table.addData([2, "dog"])
            try table.addColumn("score", data: [0.5, nil as Double?])
            try table.addColumn("ok", data: [true, false])
            #expect(table.columns == ["id", "label", "score", "ok"])
            #expect(table.rowCount == 2)
            #expect(table.column(named: "id") == [.int(1), .int(2)])
            #expect(table.column(named: "score") == [.double(0.5), .null])
            #expect(table.column(named: "ok") == [.bool(true), .bool(false)])
            #expect(table.column(named: "missing") == nil)
            var fresh = try Table(columns: [])
            try fresh.addColumn("x", data: [1, 2, 3])
            #expect(fresh.rowCount == 3 && fresh.column(named: "x") == [.int(1), .int(2), .int(3)])
        }

        @Test("rows and columns of the wrong length, and duplicate names, are refused")
        func badShapes() throws {
            var table = try Table(columns: ["a", "b"])
            #expect(throws: CohortError.self) { try table.addData(1) }
            try table.addData(1, 2)
            #expect(throws: CohortError.self) { try table.addColumn("c", data: [1, 2]) }
            #expect(throws: CohortError.self) { try table.addColumn("a", data: [1]) }
            #expect(throws: CohortError.self) { try Table(columns: ["a", "a"]) }
            #expect(throws: CohortError.self) { try Table(columns: ["a"], data: [[1, 2]]) }
        }

        @Test("a value that does not fit its column's W&B type is refused with the column named; the table stays as it was")
        func columnTypes() throws {
            var table = try Table(columns: ["epoch", "label", "extra"])
            try table.addData(1, JSONValue.null, ["a": 1])
            try table.addData(2.5, "cat", ["a": 2])  // integers and fractions are both numbers; null then text
            let before = table
            do {
                try table.addData("three", "dog", ["a": 3])
                Issue.record("a string in a column of numbers was accepted")
            } catch {
                #expect(error.code == .invalidArgument && error.message.contains("\"epoch\"") && error.message.contains("number"), "\(error.message)")
            }
            #expect(throws: CohortError.self) { try table.addData(3, true, ["a": 3]) }  // booleans are not strings
            #expect(throws: CohortError.self) { try table.addData(3, "dog", ["a": 3, "b": 4]) }  // a key the column never had
            #expect(throws: CohortError.self) { try table.addData(3, "dog", ["a": "x"]) }
            #expect(table == before)
            #expect(throws: CohortError.self) { try table.addColumn("mixed", data: [1, "a"]) }
            #expect(table.columns == ["epoch", "label", "extra"])
            try table.addData(3, JSONValue.null, ["a": 4])
            try table.addColumn("image", data: [JSONValue.null, JSONValue.null, Image(pixels: [UInt8(0)], width: 1, height: 1, channels: 1)])
            #expect(throws: CohortError.self) { try table.addData(4, "x", ["a": 5], 1.0) }
            #expect(table.rowCount == 3)
        }

        @Test("Table(csv:) keeps a column whose fields mix numbers and text as text")
        func csvMixedColumn() throws {
            let table = try Table(csv: "id,code\n1,7\n2,A7\n3,\n")
            #expect(table.column(named: "id") == [.int(1), .int(2), .int(3)])
            #expect(table.column(named: "code") == [.string("7"), .string("A7"), .null])
        }

        @Test("Table(csv:) reads a header and typed cells, with quoted fields and CRLF")
        func csv() throws {
            let table = try Table(csv: "name,epoch,loss,best,note\r\n\"a, b\",1,0.5,true,\r\n\"say \"\"hi\"\"\",2,1e-3,false,\"12\"\n")
            #expect(table.columns == ["name", "epoch", "loss", "best", "note"])
            #expect(table.data[0] == [.string("a, b"), .int(1), .double(0.5), .bool(true), .null])
            #expect(table.data[1] == [.string("say \"hi\""), .int(2), .double(0.001), .bool(false), .string("12")])
            #expect(throws: CohortError.self) { try Table(csv: "a,b\n1\n") }
            #expect(throws: CohortError.self) { try Table(csv: "a\n\"open\n") }
            #expect(throws: CohortError.self) { try Table(csv: "") }
        }

        @Test("a logged table is W&B's table JSON at media/table/K_S_<hash>.table.json with the table-file descriptor")
        func logged() async throws {
            try await MediaHarness.withRun { run, _ in
                let table = try Table(columns: ["a", "b", "c", "d"], data: [[1, "x", true, JSONValue.null], [2.5, "y", false, 3]])
                try run.log(["tbl": table], step: 3)
                try run.log(["loss": 1.0], step: 4)
                let rows = try await MediaHarness.rows(run)
                let descriptor = try #require(rows.first?["tbl"]?.objectValue)
                let path = try #require(descriptor["path"]?.stringValue)
                let sha = try #require(descriptor["sha256"]?.stringValue)
                #expect(path == "media/table/tbl_3_\(sha.prefix(20)).table.json")
                #expect(descriptor["_type"] == "table-file" && descriptor["log_mode"] == "IMMUTABLE")
                #expect(descriptor["ncols"]?.intValue == 4 && descriptor["nrows"]?.intValue == 2)
                let bytes = MediaHarness.bytes(run.dir + "/" + path)
                #expect(descriptor["size"]?.intValue == Int64(bytes.count))
                let contents = try JSONParser.parse(bytes)
                #expect(contents == ["columns": ["a", "b", "c", "d"], "data": [[1, "x", true, nil], [2.5, "y", false, 3]]])
                let records = try MediaHarness.fileRecords(run)
                #expect(records.contains { $0.path == path && $0.policy == "now" })
            }
        }

        @Test("media in cells (images, audio, video, HTML, 3D) are written once by content and appear in the table as their descriptors")
        func mediaCells() async throws {
            try await MediaHarness.withRun { run, _ in
                let page = Html("<b>cell</b>")
                let cloud = Object3D(points: [[0, 0, 0], [1, 1, 1]])
                let clip = Audio(samples: [0, 0.5, -0.5, 0], sampleRate: 8000)
                let video = Video(frames: [UInt8](repeating: 7, count: 2 * 2 * 2 * 3), count: 2, width: 2, height: 2)
                let table = try Table(columns: ["page", "cloud", "clip", "video"], data: [[page, cloud, clip, video], [page, cloud, clip, video]])
                try run.log(["media": table])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["media"]?["path"]?.stringValue)
                let contents = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + path))
                let cells = try #require(contents["data"]?.arrayValue?.first?.arrayValue)
                let expected: [(type: String, folder: String, suffix: String)] = [
                    ("html-file", "media/html/", ".html"), ("object3D-file", "media/object3D/", ".pts.json"),
                    ("audio-file", "media/audio/", ".wav"), ("video-file", "media/videos/", ".gif"),
                ]
                for (cell, want) in zip(cells, expected) {
                    #expect(cell["_type"]?.stringValue == want.type)
                    let cellPath = try #require(cell["path"]?.stringValue)
                    #expect(cellPath.hasPrefix(want.folder) && cellPath.hasSuffix(want.suffix), "\(cellPath)")
                    #expect(MediaHarness.bytes(run.dir + "/" + cellPath).count == Int(cell["size"]?.intValue ?? -1))
                }
                #expect(contents["data"]?.arrayValue?.last == contents["data"]?.arrayValue?.first)
                #expect(MediaHarness.mediaFiles(run).count == 5, "the table and one file per distinct cell")
            }
        }

        @Test("images in cells are written to media/images and appear in the table as image-file descriptors")
        func imageCells() async throws {
            try await MediaHarness.withRun { run, _ in
                let image = Image(pixels: [UInt8]([10, 20, 30, 40]), width: 2, height: 2, channels: 1, caption: "c")
                let table = try Table(columns: ["id", "img"], data: [[1, image], [2, image]])
                try run.log(["preds": table])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["preds"]?["path"]?.stringValue)
                let contents = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + path))
                let cell = try #require(contents["data"]?.arrayValue?.first?.arrayValue?.last)
                #expect(cell["_type"] == "image-file" && cell["width"]?.intValue == 2 && cell["caption"] == "c")
                let imagePath = try #require(cell["path"]?.stringValue)
                #expect(imagePath.hasPrefix("media/images/") && imagePath.hasSuffix(".png"))
                #expect(MediaHarness.bytes(run.dir + "/" + imagePath).count == Int(cell["size"]?.intValue ?? -1))
                #expect(Set(MediaHarness.mediaFiles(run)) == [path, imagePath])
            }
        }

        @Test("the run file holds at most 10,000 rows (W&B's limit) while nrows counts all; over 200,000 rows log throws")
        func rowLimits() async throws {
            try await MediaHarness.withRun { run, _ in
                var table = try Table(columns: ["i"])
                for index in 0..<10_005 { try table.addData(index) }
                try run.log(["big": table])
                let rows = try await MediaHarness.rows(run)
                #expect(rows.first?["big"]?["nrows"]?.intValue == 10_005)
                let path = try #require(rows.first?["big"]?["path"]?.stringValue)
                let contents = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + path))
                #expect(contents["data"]?.arrayValue?.count == Table.maximumLoggedRows)

                var huge = try Table(columns: ["i"])
                for index in 0...Table.maximumRows { try huge.addData(index) }
                let error = #expect(throws: CohortError.self) { try run.log(["huge_table": huge]) }
                #expect(error?.description.contains("\"huge_table\"") == true)
                #expect(MediaHarness.mediaFiles(run) == [path])
            }
        }
    }
}
