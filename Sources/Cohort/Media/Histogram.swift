public import CohortModel

/// A histogram to log, as W&B's `wandb.Histogram`: `{"_type": "histogram", "values": […], "bins": […]}`.
///
/// From a sequence, the bins are `numpy.histogram`'s: equal widths over `[min, max]` (a constant
/// sequence spans `[v - 0.5, v + 0.5]`), each bin closed on the left and the last one on both sides.
/// Values are counted in `Double`, as numpy does for Python lists and `float64` arrays.
///
/// ```swift
/// try run.log(["grads": Histogram(gradients)])                    // 64 bins
/// try run.log(["lat": Histogram(bins: [3, 5, 1], edges: [0, 1, 2, 3])])
/// ```
public struct Histogram: Loggable, Equatable {
    /// The most bins W&B accepts.
    public static let maximumBins = 512
    /// The default number of bins.
    public static let defaultBins = 64

    /// The count in each bin.
    public let values: [Int]
    /// The bin edges: `values.count + 1` increasing numbers.
    public let edges: [Double]

    /// Counts `sequence` into `bins` equal-width bins over its range, as `numpy.histogram`.
    /// - Parameters:
    ///   - sequence: the numbers; must be finite and not empty.
    ///   - bins: 1 to `maximumBins` (default 64).
    /// - Throws: `CohortError` `.invalidArgument` for an empty sequence, a NaN or infinity, or a bin
    ///   count outside 1–512.
    public init<Values: Sequence>(_ sequence: Values, bins: Int = Histogram.defaultBins) throws(CohortError)
    where Values.Element: BinaryFloatingPoint {
        // Concrete arrays skip the generic conversion, which is slow when not specialised.
        if let doubles = sequence as? [Double] {
            try self.init(doubles: doubles, bins: bins)
        } else if let floats = sequence as? [Float] {
            try self.init(doubles: floats.map(Double.init), bins: bins)
        } else {
            try self.init(doubles: sequence.map { Double($0) }, bins: bins)
        }
    }

    /// Counts integers into `bins` equal-width bins over their range, as `numpy.histogram`.
    /// - Throws: `CohortError` `.invalidArgument` for an empty sequence or a bin count outside 1–512.
    public init<Values: Sequence>(_ sequence: Values, bins: Int = Histogram.defaultBins) throws(CohortError)
    where Values.Element: BinaryInteger {
        try self.init(doubles: sequence.map { Double($0) }, bins: bins)
    }

    /// A precomputed histogram, as `wandb.Histogram(np_histogram=(values, edges))`.
    /// - Throws: `CohortError` `.invalidArgument` unless `edges.count == bins.count + 1`, with at
    ///   most 512 bins.
    public init(bins: [Int], edges: [Double]) throws(CohortError) {
        guard bins.count <= Self.maximumBins else {
            throw .invalid("Histogram: \(bins.count) bins; the maximum length of a histogram is \(Self.maximumBins)")
        }
        guard edges.count == bins.count + 1 else {
            throw .invalid("Histogram: \(bins.count) bins need \(bins.count + 1) edges, got \(edges.count)")
        }
        values = bins
        self.edges = edges
    }

    private init(doubles: [Double], bins: Int) throws(CohortError) {
        guard (1...Self.maximumBins).contains(bins) else {
            throw .invalid("Histogram: \(bins) bins; use 1 to \(Self.maximumBins)")
        }
        guard var low = doubles.first else { throw .invalid("Histogram: the sequence is empty; a histogram needs at least one value") }
        var high = low
        for value in doubles {
            guard value.isFinite else {
                throw .invalid("Histogram: the sequence holds \(value); numpy's histogram needs finite values")
            }
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        if low == high {
            low -= 0.5
            high += 0.5
        }
        edges = Self.linspace(low, high, count: bins + 1)
        values = Self.count(doubles, edges: edges, low: low, high: high)
    }

    /// `numpy.linspace(start, stop, count)`: `start + i * step`, the last edge exactly `stop`.
    static func linspace(_ start: Double, _ stop: Double, count: Int) -> [Double] {
        let step = (stop - start) / Double(count - 1)
        var edges = (0..<count).map { start + Double($0) * step }
        if step == 0 { edges = (0..<count).map { start + Double($0) / Double(count - 1) * (stop - start) } }
        edges[count - 1] = stop
        return edges
    }

    /// numpy's uniform-bin fast path: a computed index, then corrected against the edges.
    private static func count(_ values: [Double], edges: [Double], low: Double, high: Double) -> [Int] {
        let binCount = edges.count - 1
        let denominator = high - low
        let scale = Double(binCount)
        var counts = [Int](repeating: 0, count: binCount)
        values.withUnsafeBufferPointer { values in
            edges.withUnsafeBufferPointer { edges in
                counts.withUnsafeMutableBufferPointer { counts in
                    for value in values {
                        // Every value lies in [low, high], so the index is within 0...binCount.
                        var index = Int((value - low) / denominator * scale)
                        if index == binCount { index -= 1 }
                        if value < edges[index] {
                            index -= 1
                        } else if index != binCount - 1 && value >= edges[index + 1] {
                            index += 1
                        }
                        counts[index] += 1
                    }
                }
            }
        }
        return counts
    }

    public var jsonValue: JSONValue {
        ["_type": "histogram", "values": .array(values.map { .int(Int64($0)) }), "bins": .array(edges.map(JSONValue.double))]
    }
}
