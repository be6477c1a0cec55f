import CohortModel
import CohortTestSupport
import Foundation
import Testing

/// Headless Chromium (Debian's `chromium`, driven by Playwright from `$COHORT_BROWSER_VENV`, which
/// `scripts/setup.sh` creates) loads every kind of page from a real `cohort server` populated by
/// the official wandb client, on a laptop-sized and a phone-sized screen. It fails on console
/// errors, charts without a line, broken images, pages wider than the phone, and a segmentation
/// mask whose classes are not drawn in their colours. Then a running run's open page must show rows
/// logged after it loaded (without a reload), and finished runs' pages must not poll. Screenshots go to
/// `$COHORT_UI_SCREENSHOTS` (default `.build/ui-screenshots`).
@Suite(
    "web UI in a real browser",
    .enabled(
        if: (WandbClient.isInstalled && Browser.isInstalled) || WandbClient.required,
        "needs wandb in \(WandbClient.venv), playwright in \(Browser.venv) and /usr/bin/chromium"))
struct WebBrowserTests {
    @Test("every kind of page loads in Chromium without console errors, empty charts or broken images")
    func pages() throws {
        let directory = try TemporaryDirectory(prefix: "cohort-browser")
        let server = try CohortServerProcess(dataDirectory: directory.appending("server"))
        defer { _ = try? server.stop() }
        let client = directory.appending("client")
        try FileManager.default.createDirectory(atPath: client, withIntermediateDirectories: true)
        let populated = try WandbClient.run(
            "../Browser/populate.py", server: server, directory: client, timeout: .seconds(400))
        #expect(populated.status == 0, "populating failed:\n\(populated.standardError)\n\(populated.standardOutput)\nserver:\n\(server.output.suffix(4000))")
        let line = try #require(populated.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") }.map(String.init))
        let pages = try #require(try JSONParser.parse(line)["pages"])
        #expect(pages.objectValue?.count == 8)

        let result = try ChildProcess.run(
            Browser.python, [Browser.script, server.baseURL, server.adminKey, Browser.screenshots, pages.description],
            environment: ["HOME": directory.path], timeout: .seconds(300))
        let verdict = try #require(
            result.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") }.map { try JSONParser.parse(String($0)) },
            "no verdict:\n\(result.standardError)\n\(result.standardOutput)")
        let failures = verdict["failures"]?.arrayValue?.compactMap(\.stringValue) ?? ["no failures list"]
        #expect(failures.isEmpty, "browser checks failed:\n\(failures.joined(separator: "\n"))\nserver:\n\(server.output.suffix(3000))")
        #expect(result.status == 0)
        #expect((verdict["checked"]?.arrayValue?.count ?? 0) == 11, "8 pages on a laptop screen, 3 on a phone")
        let run = verdict["checked"]?.arrayValue?.first { $0["page"]?.stringValue == "desktop:run" }
        #expect((run?["charts"]?.intValue ?? 0) >= 2, "loss and acc charted")

        let live = try ChildProcess.run(
            Browser.python, [Browser.liveScript, server.baseURL, server.adminKey, Browser.screenshots, pages.description],
            environment: ["HOME": directory.path], timeout: .seconds(180))
        let liveVerdict = try #require(
            live.standardOutput.split(separator: "\n").last { $0.hasPrefix("{") }.map { try JSONParser.parse(String($0)) },
            "no verdict from the live check:\n\(live.standardError)\n\(live.standardOutput)")
        let liveFailures = liveVerdict["failures"]?.arrayValue?.compactMap(\.stringValue) ?? ["no failures list"]
        #expect(liveFailures.isEmpty, "live refresh checks failed:\n\(liveFailures.joined(separator: "\n"))\nserver:\n\(server.output.suffix(3000))")
        #expect(live.status == 0)
        #expect((liveVerdict["checked"]?.arrayValue?.count ?? 0) == 4, "before, refreshed, finished while open, finished")
        directory.remove()
    }
}

/// Where the browser test finds Playwright and Chromium, and where it puts screenshots.
enum Browser {
    static var venv: String { ProcessInfo.processInfo.environment["COHORT_BROWSER_VENV"] ?? "/opt/cohort-browser-venv" }
    static var python: String { venv + "/bin/python" }
    static var isInstalled: Bool {
        FileManager.default.isExecutableFile(atPath: python) && FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")
    }
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static var script: String { root.appendingPathComponent("Tests/Browser/check_pages.py").path }
    static var liveScript: String { root.appendingPathComponent("Tests/Browser/check_live.py").path }
    static var screenshots: String {
        ProcessInfo.processInfo.environment["COHORT_UI_SCREENSHOTS"] ?? root.appendingPathComponent(".build/ui-screenshots").path
    }
}
