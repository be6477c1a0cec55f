/// Reduces long series to a few points per pixel before they are drawn.
///
/// ```swift
/// let small = Downsampler.minMax(x: steps, y: losses, buckets: 300)   // at most 1,500 points
/// let smooth = Downsampler.lttb(x: steps, y: losses, threshold: 600)  // exactly 600 points
/// ```
public enum Downsampler {
    /// Splits the series into `buckets` consecutive buckets and keeps, from each, its first point, the
    /// points with the smallest and the largest finite `y`, its last point, and its first gap (a
    /// non-finite `x` or `y`, so a line drawn from the result still breaks there), in input order.
    ///
    /// When `x` is finite and ascending, buckets are equal ranges of `x` (one bucket per pixel column
    /// when `buckets` is the plot width), otherwise equal numbers of points. The result has at most
    /// `5 × buckets` points (`4 ×` without gaps); a series already that short is returned unchanged.
    /// - Parameters:
    ///   - x: Horizontal positions.
    ///   - y: Values; extra elements of the longer array are ignored.
    ///   - buckets: How many buckets; `0` or less returns the input unchanged.
    /// - Returns: The kept points, in input order.
    public static func minMax(x: [Double], y: [Double], buckets: Int) -> (x: [Double], y: [Double]) {
        let count = min(x.count, y.count)
        guard buckets > 0, count > buckets * 4 else {
            return (Array(x.prefix(count)), Array(y.prefix(count)))
        }
        var kept = MinMaxBuckets(x: x, y: y, capacity: buckets * 5)
        if let range = ascendingRange(x, count: count) {
            let scale = Double(buckets) / range.span
            var start = 0
            var current = 0
            for index in 1..<count {
                let bucket = min(buckets - 1, Int((x[index] - range.lower) * scale))
                if bucket != current {
                    kept.keep(start..<index)
                    start = index
                    current = bucket
                }
            }
            kept.keep(start..<count)
        } else {
            for bucket in 0..<buckets {
                let lower = bucket * count / buckets
                let upper = (bucket + 1) * count / buckets
                if lower < upper { kept.keep(lower..<upper) }
            }
        }
        return (kept.outX, kept.outY)
    }

    /// The lower bound and width of `x` when its first `count` values are finite and ascending, with a
    /// positive width; otherwise `nil`.
    static func ascendingRange(_ x: [Double], count: Int) -> (lower: Double, span: Double)? {
        guard count > 1, x[0].isFinite else { return nil }
        var previous = x[0]
        for index in 1..<count {
            let value = x[index]
            guard value.isFinite, value >= previous else { return nil }
            previous = value
        }
        let span = previous - x[0]
        return span > 0 && span.isFinite ? (x[0], span) : nil
    }
}

/// The output of ``Downsampler/minMax(x:y:buckets:)`` as it is built, one bucket at a time.
private struct MinMaxBuckets {
    let x: [Double]
    let y: [Double]
    var outX: [Double] = []
    var outY: [Double] = []

    init(x: [Double], y: [Double], capacity: Int) {
        self.x = x
        self.y = y
        outX.reserveCapacity(capacity)
        outY.reserveCapacity(capacity)
    }

    mutating func keep(_ range: Range<Int>) {
        var minIndex = -1
        var maxIndex = -1
        var gapIndex = -1
        for index in range {
            let value = y[index]
            guard value.isFinite, x[index].isFinite else {
                if gapIndex < 0 { gapIndex = index }
                continue
            }
            if minIndex < 0 || value < y[minIndex] { minIndex = index }
            if maxIndex < 0 || value > y[maxIndex] { maxIndex = index }
        }
        var indices = [range.lowerBound, range.upperBound - 1]
        for index in [minIndex, maxIndex, gapIndex] where index >= 0 { indices.append(index) }
        indices.sort()
        var previous = -1
        for index in indices where index != previous {
            outX.append(x[index])
            outY.append(x[index].isFinite && y[index].isFinite ? y[index] : .nan)
            previous = index
        }
    }
}
