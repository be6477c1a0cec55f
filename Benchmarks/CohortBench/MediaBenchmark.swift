import Cohort
import Foundation

/// Image encoding and histogram computation, on the same arrays as `wandb_media_bench.py`.
///
/// - Images: `run.log(["img": Image(pixels:…)])` per image, which checks the pixels, encodes the PNG
///   (zlib level 6), hashes it (SHA-256) and writes the file; reported as MB/s of raw pixels.
/// - Histograms: `Histogram(values)` with 64 bins over 1,000,000 doubles; values/s.
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
        return ["media": [
            "images": .object(images),
            "histogram": ["values_per_s": .double(median(histogramRates)), "values": .int(Int64(histogramValues)), "bins": 64],
        ]]
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
