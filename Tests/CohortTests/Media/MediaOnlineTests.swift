import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Online")
    struct MediaOnlineTests {
        @Test("online, the sender uploads media files to the server; wandb.Api() lists them and reads the descriptors", .enabled(if: MediaHarness.pythonAvailable))
        func uploads() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
            defer { _ = try? server.stop() }  // the server may already be gone; nothing to do then
            let run = try await Run.start(project: "media-online", dir: directory.path, settings: OnlineRunTests.settings(server: server))
            let path = try OnlineRunTests.path(of: run.url)
            try run.log([
                "img": Image(pixels: [UInt8](repeating: 200, count: 4 * 4 * 3), width: 4, height: 4, channels: 3, caption: "grey"),
                "tbl": try Table(columns: ["a"], data: [[1], [2]]),
                "hist": try Histogram([1, 2, 3]),
            ])
            await run.finish()
            let local = MediaHarness.mediaFiles(run)
            try #require(local.count == 2)

            let read = try OnlineRunTests.read(path, server: server, directory: directory)
            let files = read["files"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for file in local { #expect(files.contains(file), "\(file) in \(files)") }
            let row = try #require(read["history"]?.arrayValue?.first)
            #expect(row["img"]?["_type"] == "image-file" && row["img"]?["caption"] == "grey")
            #expect(local.contains(row["img"]?["path"]?.stringValue ?? ""))
            #expect(row["tbl"]?["_type"] == "table-file" && row["hist"]?["_type"] == "histogram")
            #expect(read["summary"]?["img"]?["_type"] == "image-file")
        }
    }
}
