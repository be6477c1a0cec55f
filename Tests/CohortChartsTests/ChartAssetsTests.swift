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

    /// The script on a page without charts (a minimal DOM stand-in) runs without throwing, and its
    /// smoothing equals `Smoothing.timeWeightedEMA`.
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
            """
        let path = try Self.temporaryFile(harness, suffix: ".js")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Self.runNode([path])
        #expect(result.status == 0, "\(result.output)")
        let fromScript = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [Double]
        )
        let fromSwift = Smoothing.timeWeightedEMA(x: x, y: y, weight: 0.6)
        #expect(fromScript.count == fromSwift.count)
        #expect(zip(fromScript, fromSwift).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func theStyleSheetStylesTheChartFigure() {
        #expect(ChartAssets.css.contains(".cohort-chart"))
        #expect(ChartAssets.css.contains(".cc-tip"))
    }
}
