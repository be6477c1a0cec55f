import Cohort
import Foundation

/// Image encoding and histogram computation, on the same arrays as `wandb_media_bench.py`.
///
/// - Images: `run.log(["img": Image(pixels:…)])` per image, which checks the pixels, encodes the PNG
///   (zlib level 6), hashes it (SHA-256) and writes the file; reported as MB/s of raw pixels.
/// - Histograms: `Histogram(values)` with 64 bins over 1,000,000 doubles; values/s.
/// - Media check: what `run.log` pays to look for media in a row without any (`containsMedia` over
///   the row's values, as `Run.log` does before choosing the plain path), against the whole `log`
///   call, for three scalars and for one `[Double]` of 1,000 and of 100,000 values.
/// Each figure is the median of `--repeat` measurements.
enum MediaBenchmark {
    /// Height, width and count of the logged RGB images.
    static let imageSizes: [(height: Int, width: Int, count: Int)] = [(64, 64, 200), (256, 256, 40), (1024, 1024, 6)]
    static let histogramValues = 1_000_000

    static func run(_ options: BenchOptions) async throws -> JSONValue {
        var images: [String: JSONValue] = [:]
        let run = try await BenchRun.start(in: options.directory + "/media")
        for size in imageSizes {
            let pixels = rgbPixels(height: size.height, width: size.width)
            try run.log(["warmup": Image(pixels: pixels, width: size.width, height: size.height, channels: 3)])
            var rates: [Double] = []
            for _ in 0..<options.repetitions {
                let start = Monotonic.nanoseconds()
                for _ in 0..<size.count {
                    try run.log(["img": Image(pixels: pixels, width: size.width, height: size.height, channels: 3)])
                }
                let seconds = Monotonic.seconds(since: start)
                rates.append(Double(pixels.count * size.count) / seconds / 1e6)
            }
            images["\(size.height)x\(size.width)x3"] = ["mb_per_s": .double(median(rates)), "images": .int(Int64(size.count))]
        }
        await run.finish()

        let values = histogramData(count: histogramValues)
        _ = try Histogram(values)
        var histogramRates: [Double] = []
        for _ in 0..<max(options.repetitions, 3) {
            let start = Monotonic.nanoseconds()
            let histogram = try Histogram(values)
            let seconds = Monotonic.seconds(since: start)
            precondition(histogram.values.reduce(0, +) == values.count)
            histogramRates.append(Double(values.count) / seconds)
        }
        let check = try await mediaCheck(options)
        return ["media": [
            "media_check": check,
            "images": .object(images),
            "histogram": ["values_per_s": .double(median(histogramRates)), "values": .int(Int64(histogramValues)), "bins": 64],
        ]]
    }

    /// Nanoseconds per call of the media check alone and of `log`, for rows without media.
    static func mediaCheck(_ options: BenchOptions) async throws -> JSONValue {
        let run = try await BenchRun.start(in: options.directory + "/media-check")
        let shapes: [(name: String, rows: [[String: any Loggable]], calls: Int)] = [
            ("scalars3", Workload.scalars3.makePool(), 200_000),
            ("doubles_1k", (0..<64).map { row in ["w": (0..<1_000).map { Double($0 + row) }] }, 5_000),
            ("doubles_100k", (0..<4).map { row in ["w": (0..<100_000).map { Double($0 + row) }] }, 50),
        ]
        var results: [String: JSONValue] = [:]
        for shape in shapes {
            try BenchRun.logUntimed(run, pool: shape.rows, count: min(shape.calls, 1_000))
            var checkTimes: [Double] = []
            var logTimes: [Double] = []
            var loopTimes: [Double] = []
            for _ in 0..<options.repetitions {
                // The loop alone (fetching each row's values), to tell it from the check.
                var entries = 0
                var start = Monotonic.nanoseconds()
                for index in 0..<shape.calls { entries += shape.rows[index % shape.rows.count].values.count }
                loopTimes.append(Double(Monotonic.nanoseconds() - start) / Double(shape.calls))
                precondition(entries > 0)
                var found = 0
                start = Monotonic.nanoseconds()
                for index in 0..<shape.calls where shape.rows[index % shape.rows.count].values.contains(where: { $0.containsMedia }) {
                    found += 1
                }
                checkTimes.append(Double(Monotonic.nanoseconds() - start) / Double(shape.calls))
                precondition(found == 0)
                start = Monotonic.nanoseconds()
                for index in 0..<shape.calls { try run.log(shape.rows[index % shape.rows.count]) }
                logTimes.append(Double(Monotonic.nanoseconds() - start) / Double(shape.calls))
            }
            let (check, log, loop) = (median(checkTimes), median(logTimes), median(loopTimes))
            results[shape.name] = [
                "check_ns_per_call": .double(check), "log_ns_per_call": .double(log), "check_share": .double(check / log),
                "loop_ns_per_call": .double(loop),
                "calls": .int(Int64(shape.calls)),
            ]
        }
        await run.finish()
        return .object(results)
    }

    /// `(x + 2y + 60c + (i * 7919) % 17) % 256` for index `i` of pixel (y, x), channel c; the same
    /// formula as `wandb_media_bench.py`.
    static func rgbPixels(height: Int, width: Int) -> [UInt8] {
        (0..<(height * width * 3)).map { (index: Int) -> UInt8 in
            let channel = index % 3
            let x = (index / 3) % width
            let y = index / (3 * width)
            return UInt8((x + 2 * y + 60 * channel + (index * 7919) % 17) % 256)
        }
    }

    /// `3 sin(0.001 i) + (i * 7919 % 1000) / 1000`, as `wandb_media_bench.py`.
    static func histogramData(count: Int) -> [Double] {
        (0..<count).map { (index: Int) -> Double in
            let wave: Double = 3 * sin(0.001 * Double(index))
            let jitter = Double((index * 7919) % 1000) / 1000
            return wave + jitter
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}
