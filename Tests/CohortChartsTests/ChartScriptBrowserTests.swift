import CohortCharts
import Foundation
import Testing

/// The chart script in a real headless Chromium (Debian's `chromium`): hover, smoothing and the log
/// toggle on real charts, and a page without charts, with every uncaught error collected.
@Suite struct ChartScriptBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs after the page's load event: drives each chart and writes what happened to
    /// `<body data-probe>`, which `--dump-dom` prints.
    static let probe = """
        <script>
        var errors = [];
        window.addEventListener("error", function (e) { errors.push(String(e.message)); });
        window.addEventListener("load", function () {
          var out = {}, refreshed = null;
          try {
            Array.prototype.forEach.call(document.querySelectorAll("figure.cohort-chart"), function (fig) {
              var svg = fig.querySelector("svg"), r = svg.getBoundingClientRect(), o = {};
              svg.dispatchEvent(new MouseEvent("mousemove", { clientX: r.left + r.width * 0.6, clientY: r.top + r.height / 2 }));
              var tip = fig.querySelector(".cc-tip");
              o.tip = tip && !tip.hidden ? tip.textContent : null;
              var slider = fig.querySelector("input[type=range]"), log = fig.querySelector("input[type=checkbox]");
              if (slider) { slider.value = "0.9"; slider.dispatchEvent(new Event("input")); }
              o.raw = fig.querySelectorAll("path.cc-raw").length;
              if (log) { log.checked = !log.checked; log.dispatchEvent(new Event("change")); }
              o.yticks = Array.prototype.map.call(fig.querySelectorAll(".cc-yticks text"), function (t) { return t.textContent; });
              var line = fig.querySelector("path.cc-line");
              o.line = line ? line.getAttribute("d") : null;
              out[fig.id] = o;
            });
            var again = document.getElementById("again");
            if (again) {
              var old = document.getElementById("loss-chart");
              old.parentNode.replaceChild(again.content.cloneNode(true), old);
              var fresh = document.getElementById("loss-chart");
              window.CohortCharts.setup(fresh);
              refreshed = {
                smoothing: fresh.querySelector("input[type=range]").value,
                log: fresh.querySelector("input[type=checkbox]").checked
              };
            }
          } catch (e) { errors.push("probe: " + e.message); }
          document.body.setAttribute("data-probe", JSON.stringify({ charts: out, refreshed: refreshed, errors: errors }));
        });
        </script>
        """

    /// Loads `body` (with the chart style and script) in Chromium and returns the probe's report.
    static func load(_ body: String) throws -> [String: Any] {
        let directory = NSTemporaryDirectory() + "cohort-charts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let page = "<!doctype html><html><head><meta charset=\"utf-8\"><title>charts</title><style>"
            + ChartAssets.css + "</style></head><body>" + body + probe
            + "<script>" + ChartAssets.javascript + "</script></body></html>"
        try page.write(toFile: directory + "/page.html", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory)/profile",
            "--window-size=800,1200", "--virtual-time-budget=5000", "--dump-dom",
            "file://\(directory)/page.html",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let dom = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let start = try #require(dom.range(of: "data-probe=\""))
        let end = try #require(dom[start.upperBound...].firstIndex(of: "\""))
        let json = String(dom[start.upperBound..<end])
            .replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed"))
    func hoverSmoothingAndTheLogToggleWorkWithoutErrors() throws {
        let x = (0..<10_000).map(Double.init)
        let spec = LineChartSpec(
            title: "loss", xLabel: "step", yLabel: "loss",
            series: [
                ChartSeries(name: "run <1>", x: x, y: x.map { 2 / (1 + $0 / 100) }),
                ChartSeries(name: "run 2", x: x, y: x.map { $0.truncatingRemainder(dividingBy: 500) - 100 }),
            ],
            bands: [ChartBand(name: "band", x: [0, 5000, 9999], low: [0.5, 0.2, 0.1], high: [2, 1, 0.5])],
            id: "loss-chart"
        )
        let histogram = HistogramChart.svg(
            title: "h", id: "hist", steps: [HistogramStep(step: 0, edges: [0, 1, 2], counts: [1, 2])]
        )
        let empty = LineChart.svg(LineChartSpec(title: "e", xLabel: "x", yLabel: "y", series: [], id: "empty"))
        let chart = LineChart.svg(spec)
        let report = try Self.load(chart + histogram + empty + "<template id=\"again\">\(chart)</template>")
        #expect((report["errors"] as? [String]) == [])
        let drawn = try #require((report["charts"] as? [String: Any])?["loss-chart"] as? [String: Any])
        let tip = try #require(drawn["tip"] as? String)
        #expect(tip.hasPrefix("step 5.7"))  // 60% across the drawing is near step 5,700
        #expect(tip.contains("run <1>: "))
        #expect(drawn["raw"] as? Int == 2)  // the smoothing slider added the faint raw lines
        #expect((drawn["yticks"] as? [String])?.contains("0.01") == true)  // now a log axis
        #expect((drawn["line"] as? String)?.hasPrefix("M") == true)
        // A live refresh that replaces the chart keeps the reader's smoothing and scale.
        let refreshed = try #require(report["refreshed"] as? [String: Any])
        #expect(refreshed["smoothing"] as? String == "0.9")
        #expect(refreshed["log"] as? Bool == true)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed"))
    func aPageWithoutChartsHasNoErrors() throws {
        let report = try Self.load("<p>no charts here</p>")
        #expect((report["errors"] as? [String]) == [])
        #expect((report["charts"] as? [String: Any])?.isEmpty == true)
    }
}
