// CohortChartsBench: how long a line chart of 1,000,000 points takes to downsample and render.
//
//   swift build -c release --product CohortChartsBench --scratch-path .build-bench
//   .build-bench/release/CohortChartsBench [--points 1000000] [--repeat 5]
//
// Prints one JSON object on stdout: the best and median wall time of `LineChart.svg` (downsampling
// included) for one noisy series, with and without smoothing, the process CPU time of the best run
// (wall time on a loaded machine includes waiting for a core), and the size of the output; and the
// same number of points as 64 series (a group page's ranks) in one chart.
import CohortCharts
import Foundation

var points = 1_000_000
var repeats = 5
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--points": points = arguments.next().flatMap(Int.init) ?? points
    case "--repeat": repeats = arguments.next().flatMap(Int.init) ?? repeats
    default:
        FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
        exit(2)
    }
}

var generator = SystemRandomNumberGenerator()
let x = (0..<points).map(Double.init)
let y = (0..<points).map { index in
    2 * exp(-Double(index) / Double(points) * 4) + Double.random(in: 0..<0.2, using: &generator)
}

/// Process CPU time (user + system) in milliseconds.
func cpuMilliseconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
}

@MainActor func measure(smoothing: Double) -> (best: Double, median: Double, cpu: Double, bytes: Int) {
    var times: [Double] = []
    var cpu = Double.infinity
    var bytes = 0
    for index in 0..<repeats {
        let spec = LineChartSpec(
            title: "loss", xLabel: "step", yLabel: "loss",
            series: [ChartSeries(name: "loss", x: x, y: y)], smoothing: smoothing, id: "bench-\(index)"
        )
        let start = ContinuousClock.now
        let cpuStart = cpuMilliseconds()
        let svg = LineChart.svg(spec)
        cpu = min(cpu, cpuMilliseconds() - cpuStart)
        let elapsed = ContinuousClock.now - start
        times.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
        bytes = svg.utf8.count
    }
    times.sort()
    return (times[0], times[times.count / 2], cpu, bytes)
}

/// One chart of 64 ranks sharing the points (a group page): 64 series of `points / 64` points each.
@MainActor func measureGroup() -> (cpu: Double, bytes: Int) {
    let perRank = points / 64
    let series = (0..<64).map { rank in
        ChartSeries(name: "rank \(rank)", x: Array(x.prefix(perRank)), y: Array(y[(rank * perRank)..<((rank + 1) * perRank)]))
    }
    let spec = LineChartSpec(title: "loss", xLabel: "step", yLabel: "loss", series: series, id: "group")
    let cpuStart = cpuMilliseconds()
    let svg = LineChart.svg(spec)
    return (cpuMilliseconds() - cpuStart, svg.utf8.count)
}

let raw = measure(smoothing: 0)
let group = measureGroup()
let smoothed = measure(smoothing: 0.6)
let minMaxStart = ContinuousClock.now
let reduced = Downsampler.minMax(x: x, y: y, buckets: 284)
let minMaxTime = ContinuousClock.now - minMaxStart
let lttbStart = ContinuousClock.now
_ = Downsampler.lttb(x: x, y: y, threshold: 1136)
let lttbTime = ContinuousClock.now - lttbStart

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
}

let result: [String: Any] = [
    "points": points,
    "repeat": repeats,
    "svg_ms_best": raw.best,
    "svg_ms_median": raw.median,
    "svg_cpu_ms_best": raw.cpu,
    "svg_bytes": raw.bytes,
    "svg_smoothed_ms_best": smoothed.best,
    "svg_smoothed_ms_median": smoothed.median,
    "svg_smoothed_cpu_ms_best": smoothed.cpu,
    "svg_smoothed_bytes": smoothed.bytes,
    "group_64_series_cpu_ms": group.cpu,
    "group_64_series_bytes": group.bytes,
    "minmax_ms": milliseconds(minMaxTime),
    "minmax_points": reduced.x.count,
    "lttb_ms": milliseconds(lttbTime),
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
