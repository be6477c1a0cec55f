import CohortCharts
import Foundation
import Testing

@Suite struct ChartAssetsTests {
    static let node = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `node` with `arguments`, returns its exit status and standard output.
    static func runNode(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(node))
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Writes `text` to a new temporary file and returns its path.
    static func temporaryFile(_ text: String, suffix: String) throws -> String {
        let path = NSTemporaryDirectory() + "cohort-charts-\(UUID().uuidString)\(suffix)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(.enabled(if: node != nil, "node is not installed"))
    func theScriptIsValidJavaScript() throws {
        let path = try Self.temporaryFile(ChartAssets.javascript, suffix: ".js")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runNode(["--check", path])
        #expect(result.status == 0, "\(result.output)")
    }

    /// The script on a page without charts (a minimal DOM stand-in) runs without throwing, its
    /// smoothing equals `Smoothing.timeWeightedEMA`, and its hover labels are compact.
    @Test(.enabled(if: node != nil, "node is not installed"))
    func theScriptRunsOnAPageWithoutChartsAndSmoothsLikeSwift() throws {
        let x: [Double] = [0, 1, 2, 5, 6, 9, 10]
        let y: [Double] = [3, 1, 4, 1, 5, 9, 2]
        let harness = """
            var window = {};
            var document = { readyState: "complete", querySelectorAll: function () { return []; },
              getElementById: function () { return null; }, addEventListener: function () {} };
            \(ChartAssets.javascript)
            console.log(JSON.stringify(window.CohortCharts.twema(\(x), \(y), 0.6)));
            console.log(JSON.stringify([45, 90, 5400, 7200, 180000, 1234567, 0.002].map(window.CohortCharts.formatDuration)));
            console.log(JSON.stringify([0, 0.25, 1234, 3e-5, -2500000].map(window.CohortCharts.format)));
            """
        let path = try Self.temporaryFile(harness, suffix: ".js")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runNode([path])
        #expect(result.status == 0, "\(result.output)")
        let lines = result.output.split(separator: "\n").map { Data($0.utf8) }
        try #require(lines.count == 3)
        let fromScript = try #require(try JSONSerialization.jsonObject(with: lines[0]) as? [Double])
        #expect(try JSONSerialization.jsonObject(with: lines[1]) as? [String]
            == ["45s", "1m30s", "1h30m", "2h", "2d2h", "14d6h", "0.002s"])
        #expect(try JSONSerialization.jsonObject(with: lines[2]) as? [String] == ["0", "0.25", "1.234k", "3e-5", "-2.5M"])
        let fromSwift = Smoothing.timeWeightedEMA(x: x, y: y, weight: 0.6)
        #expect(fromScript.count == fromSwift.count)
        #expect(zip(fromScript, fromSwift).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func theStyleSheetStylesTheChartFigure() {
        #expect(ChartAssets.css.contains(".cohort-chart"))
        #expect(ChartAssets.css.contains(".cc-tip"))
    }
}
