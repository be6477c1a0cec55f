@testable import Cohort
import CohortModel
import CohortTestSupport
import CohortTransport
import Foundation
import Testing

extension Media {
    /// Every logged table is also a version of the run's `run_table` artifact, as with W&B: the form
    /// W&B's UI and `wandb.Api().artifact(…).get(key)` read.
    @Suite("Table artifacts")
    struct TableArtifactTests {
        /// The table of `media_offline.py tables`, built from the files it leaves in `directory`.
        static func referenceTable(directory: String) throws -> Table {
            let rgb = (0..<(4 * 5 * 3)).map { UInt8($0 % 256) }
            var boxed = BoxesAndMasksTests.detection()
            boxed.caption = "det"
            var table = try Table(columns: ["n", "s", "b", "none", "lst", "mixed", "empty", "dct", "img", "boxed", "clip", "page", "video", "cloud"])
            try table.addData(
                1, "x", true, JSONValue.null, [1, 2], [JSONValue.int(1), .null], [Int](), ["a": JSONValue.int(1), "b": "z"],
                Image(pixels: rgb, width: 5, height: 4, channels: 3), boxed, try Audio(contentsOfFile: directory + "/clip.wav", caption: "beep"),
                Html("<b>hi</b>"), try Video(contentsOfFile: directory + "/anim.gif"), Object3D(points: [[0, 0, 0], [1, 2, 3]]))
            try table.addData(
                2.5, JSONValue.null, false, JSONValue.null, [3], [JSONValue.null], [Int](), ["a": JSONValue.int(2), "b": "y"],
                JSONValue.null, boxed, JSONValue.null, JSONValue.null, JSONValue.null, JSONValue.null)
            return table
        }

        static func artifactRecords(_ run: Run) throws -> [ArtifactRecord] {
            try RunJournal.read(path: run.journalPath).records.filter { $0.kind == .artifact }.map { ArtifactRecord(json: $0.payload) }
        }

        /// `media/audio/<hash20>/clip.wav` and `media/audio/<hash20>.wav` → `media/audio/*.wav`.
        static func withoutNames(_ path: String) -> String {
            guard path.hasPrefix("media/") else { return path }
            let parts = path.split(separator: "/" as Character)
            let folder = parts.dropLast().filter { !$0.allSatisfy(\.isHexDigit) || $0.count < 20 }.joined(separator: "/")
            let name = parts.last.map(String.init) ?? ""
            let extensions = name.split(separator: "." as Character).dropFirst().suffix(name.hasSuffix(".mask.png") || name.hasSuffix(".classes.json") || name.hasSuffix(".pts.json") ? 2 : 1)
            return folder + "/*." + extensions.joined(separator: ".")
        }

        /// Arrays of scalars sorted (W&B writes Python sets in hash order), everything else as is.
        static func canonical(_ value: JSONValue) -> JSONValue {
            switch value {
            case .object(let members): return .object(members.mapValues(canonical))
            case .array(let items) where items.allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }):
                return .array(items.sorted { JSONWriter.string($0) < JSONWriter.string($1) })
            case .array(let items): return .array(items.map(canonical))
            default: return value
            }
        }

        @Test("the run_table artifact has wandb's name, entries, column types and cells; the descriptor links to it", .enabled(if: MediaHarness.pythonAvailable))
        func matchesWandb() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-table-artifact")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["tables"], directory: directory.path))
            let theirArtifacts = reference["artifacts"]?.arrayValue ?? []
            let theirRows = MediaHarness.rows(of: reference)
            try #require(theirArtifacts.count == 3 && theirRows.count == 3)

            try await MediaHarness.withRun { run, _ in
                try run.log(["eval/preds": Self.referenceTable(directory: directory.path)])
                try run.log(["nest": ["inner": try Table(columns: ["q"], data: [[1]])]])
                try run.log(["plain": try Table(columns: ["a"], data: [[1], [2]])])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                let ours = try Self.artifactRecords(run)
                try #require(ours.count == 3)

                for (index, (record, theirs)) in zip(ours, theirArtifacts).enumerated() {
                    // The name, with wandb's sanitizing: their run id in theirs, ours in ours.
                    let theirName = try #require(theirs["name"]?.stringValue)
                    let theirID = try #require(theirName.split(separator: "-").dropFirst().first.map(String.init))
                    let key = ["eval/preds", "inner", "plain"][index]
                    #expect(TableArtifact.sanitizedName("run-\(theirID)-\(key)") == theirName, "our sanitizing of \(key)")
                    #expect(record.name == TableArtifact.sanitizedName("run-\(run.id)-\(key)"))
                    #expect(record.type == theirs["type"]?.stringValue && record.aliases == ["latest"])
                    #expect(record.clientID?.count == 128 && record.sequenceClientID?.count == 128)
                    let theirPaths = Set((theirs["paths"]?.arrayValue ?? []).compactMap(\.stringValue).map(Self.withoutNames))
                    #expect(Set(record.entries.map { Self.withoutNames($0.path) }) == theirPaths, "\(key) entries")
                    for entry in record.entries {
                        let bytes = MediaHarness.bytes(try #require(entry.localPath))
                        #expect(MD5.hash(bytes).base64 == entry.digest && Int64(bytes.count) == entry.size, "\(entry.path) staged as recorded")
                    }

                    // The table entry: same keys, the same column types, cells of the same shape.
                    let entry = try #require(record.entries.first { $0.path.hasSuffix(".table.json") })
                    let table = try JSONParser.parse(MediaHarness.bytes(try #require(entry.localPath)))
                    let theirTable = try #require(theirs["table"])
                    #expect(Set(table.objectValue?.keys ?? [:].keys) == Set(theirTable.objectValue?.keys ?? [:].keys))
                    #expect(Self.canonical(table["column_types"] ?? .null) == Self.canonical(theirTable["column_types"] ?? .null), "\(key) column types")
                    for member in ["columns", "ncols", "nrows", "log_mode", "_type"] { #expect(table[member] == theirTable[member], "\(key).\(member)") }
                    let ourData = table["data"]?.arrayValue ?? []
                    let theirData = theirTable["data"]?.arrayValue ?? []
                    try #require(ourData.count == theirData.count)
                    for (ourRow, theirRow) in zip(ourData, theirData) {
                        for (ourCell, theirCell) in zip(ourRow.arrayValue ?? [], theirRow.arrayValue ?? []) {
                            if theirCell["_type"] != nil {
                                #expect(MediaHarness.shape(ourCell) == MediaHarness.shape(theirCell), "\(key): \(theirCell["_type"] ?? .null)")
                            } else {
                                #expect(ourCell == theirCell, "\(key) cell")
                            }
                        }
                    }

                    // The history descriptor: wandb's keys, linking to this version.
                    let row = index == 1 ? ourRows[index]["nest"]?["inner"] : ourRows[index][key]
                    let theirRow = index == 1 ? theirRows[index]["nest"]?["inner"] : theirRows[index][key]
                    #expect(MediaHarness.shape(row ?? .null) == MediaHarness.shape(theirRow ?? .null), "\(key) descriptor")
                    let entryName = key + ".table.json"
                    #expect(row?["artifact_path"]?.stringValue == "wandb-client-artifact://\(record.clientID ?? "")/\(entryName)")
                    #expect(row?["_latest_artifact_path"]?.stringValue == "wandb-client-artifact://\(record.sequenceClientID ?? ""):latest/\(entryName)")
                }
            }
        }

        @Test("an equal table logged again keeps its version and links; a changed one is a new version")
        func versions() async throws {
            try await MediaHarness.withRun { run, _ in
                var table = try Table(columns: ["epoch", "loss"], data: [[1, 0.5]])
                try run.log(["t": table])
                try run.log(["t": table])
                try table.addData(2, 0.25)
                try run.log(["t": table])
                let rows = try await MediaHarness.rows(run)  // flushes the journal
                let records = try Self.artifactRecords(run)
                try #require(records.count == 2)
                #expect(records[0].name == "run-\(run.id)-t" && records[1].name == records[0].name)
                #expect(records[0].clientID != records[1].clientID && records[0].digest != records[1].digest)
                #expect(rows[0]["t"]?["artifact_path"] == rows[1]["t"]?["artifact_path"])
                #expect(rows[2]["t"]?["artifact_path"]?.stringValue?.contains(records[1].clientID ?? "-") == true)
                #expect(rows[2]["t"]?["nrows"] == 2)
            }
        }

        @Test("online, wandb.Api().artifact('run-<id>-<key>:latest').get(key) reads the Swift run's table with its media", .enabled(if: MediaHarness.pythonAvailable))
        func readByWandbApi() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
            defer { _ = try? server.stop() }  // the server may already be gone; nothing to do then
            let run = try await Run.start(project: "tables", dir: directory.path, settings: OnlineRunTests.settings(server: server))
            let path = try OnlineRunTests.path(of: run.url)
            var table = try Table(columns: ["id", "label", "score", "image", "page"])
            try table.addData(1, "cat", 0.5, BoxesAndMasksTests.detection(), Html("<b>one</b>"))
            try table.addData(2, "dog", JSONValue.null, JSONValue.null, Html("<i>two</i>"))
            try run.log(["eval/preds": table])
            await run.finish()

            let project = path.split(separator: "/").prefix(2).joined(separator: "/")
            let name = TableArtifact.sanitizedName("run-\(run.id)-eval/preds")
            let result = try WandbClient.run(
                "read_swift_table.py", arguments: ["\(project)/\(name):latest", "eval/preds"], server: server, directory: directory.path)
            try #require(result.status == 0, "read_swift_table.py failed: \(result.standardError.suffix(3000))")
            let read = try JSONParser.parse(String(try #require(result.standardOutput.split(separator: "\n").last)))
            #expect(read["type"] == "run_table")
            #expect(read["columns"] == ["id", "label", "score", "image", "page"])
            let rows = (read["rows"]?.arrayValue ?? []).map { $0.arrayValue ?? [] }
            try #require(rows.count == 2 && rows.allSatisfy { $0.count == 5 })
            #expect(rows[0][0] == 1 && rows[0][1] == "cat" && rows[0][2] == 0.5)
            #expect(rows[0][3]["type"] == "image" && rows[0][3]["decoded"] == [5, 4])
            #expect(rows[0][3]["boxes"] == ["predictions"] && rows[0][3]["masks"] == ["truth"])
            #expect(rows[0][4]["type"] == "Html" && rows[1][4]["type"] == "Html")
            #expect(rows[1][2] == .null && rows[1][3] == .null)
        }
    
        @Test(
            "the server's run page shows a table's image cells from its run_table artifact, for the official client and for Swift",
            .enabled(if: MediaHarness.pythonAvailable))
        func runPageShowsTableMedia() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
            defer { _ = try? server.stop() }  // the server may already be gone; nothing to do then
            let run = try await Run.start(project: "tables", dir: directory.path, settings: OnlineRunTests.settings(server: server))
            try run.log(["preds": try Table(columns: ["id", "image"], data: [[1, BoxesAndMasksTests.detection()], [2, JSONValue.null]])])
            let swiftPath = try OnlineRunTests.path(of: run.url)
            await run.finish()
            let result = try WandbClient.run("log_table.py", arguments: ["tables"], server: server, directory: directory.path)
            try #require(result.status == 0, "log_table.py failed: \(result.standardError.suffix(3000))")
            let line = try #require(result.standardOutput.split(separator: "\n").last)
            let wandbPath = try #require(try JSONParser.parse(String(line))["path"]?.stringValue)

            let client = HTTPClient()
            let authorization = "Basic " + Data("api:\(server.adminKey)".utf8).base64EncodedString()
            for path in [swiftPath, wandbPath] {
                let parts = path.split(separator: "/").map(String.init)
                try #require(parts.count == 3)
                let page = try await client.execute(HTTPRequest(
                    url: server.baseURL + "/\(parts[0])/\(parts[1])/runs/\(parts[2])", headers: [HTTPHeader("Authorization", authorization)]))
                try #require(page.status == 200, "\(path): \(page.status)")
                let artifactName = TableArtifact.sanitizedName("run-\(parts[2])-preds")
                let prefix = "/\(parts[0])/\(parts[1])/artifacts/run_table/\(artifactName)/v0/files/media/images/"
                let html = page.bodyText
                let start = try #require(html.range(of: "<img src=\"" + prefix), "\(path): no image cell from the artifact in the page")
                let source = String(html[html.index(start.lowerBound, offsetBy: 10)...].prefix { $0 != "\"" })
                let image = try await client.execute(HTTPRequest(url: server.baseURL + source, headers: [HTTPHeader("Authorization", authorization)]))
                #expect(image.status == 200 && image.body.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(path): \(source) is not a PNG")
            }
        }

        @Test("an offline run's table artifact arrives with cohort sync and downloads with its cells' files")
        func offlineSync() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
            defer { _ = try? server.stop() }
            var offline = RunTestEnvironment.settings()
            offline.mode = .offline
            let run = try await Run.start(project: "synced-tables", dir: directory.path, settings: offline)
            let table = try Table(columns: ["id", "image"], data: [[1, BoxesAndMasksTests.detection()]])
            try run.log(["tab": table])
            await run.finish()
            let staged = try #require(try Self.artifactRecords(run).first)

            let sync = try ChildProcess.run(
                ChildProcess.product("cohort"), ["sync", run.syncDir, "--base-url", server.baseURL, "--api-key", server.adminKey],
                environment: ["HOME": directory.path])
            #expect(sync.status == 0, "\(sync.standardError)")
            var online = OnlineArtifactTests.settings(server, cache: directory.appending("cache"))
            online.project = "synced-tables"
            let (used, root) = try await UsedArtifact.download("run-\(run.id)-tab:latest", to: directory.appending("got"), settings: online)
            #expect(used.type == "run_table" && used.version == "v0")
            let files = try OnlineArtifactTests.read(root)
            #expect(Set(files.keys) == Set(staged.entries.map(\.path)))
            let json = try JSONParser.parse(try #require(files["tab.table.json"]))
            #expect(json["_type"] == "table" && json["nrows"] == 1)
            let imagePath = try #require(json["data"]?.arrayValue?.first?.arrayValue?.last?["path"]?.stringValue)
            #expect(files[imagePath]?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        }
}
}
