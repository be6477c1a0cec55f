extension Downsampler {
    /// Reduces a band to `buckets` equal runs of points, each drawn as its smallest `low` and largest
    /// `high` at the run's first and last `x`. A run containing a non-finite value is followed by a gap.
    static func envelope(
        x: [Double], low: [Double], high: [Double], buckets: Int
    ) -> (x: [Double], low: [Double], high: [Double]) {
        let count = min(x.count, low.count, high.count)
        guard count > buckets * 2 else {
            return (Array(x.prefix(count)), Array(low.prefix(count)), Array(high.prefix(count)))
        }
        var outX: [Double] = []
        var outLow: [Double] = []
        var outHigh: [Double] = []
        for bucket in 0..<buckets {
            let lower = bucket * count / buckets
            let upper = (bucket + 1) * count / buckets
            guard lower < upper else { continue }
            var minimum = Double.infinity
            var maximum = -Double.infinity
            var gap = false
            var firstX = Double.nan
            var lastX = Double.nan
            for index in lower..<upper {
                guard x[index].isFinite, low[index].isFinite, high[index].isFinite else {
                    gap = true
                    continue
                }
                if firstX.isNaN { firstX = x[index] }
                lastX = x[index]
                minimum = min(minimum, low[index])
                maximum = max(maximum, high[index])
            }
            if !firstX.isNaN {
                outX += [firstX, lastX]
                outLow += [minimum, minimum]
                outHigh += [maximum, maximum]
            }
            if gap {
                outX.append(.nan)
                outLow.append(.nan)
                outHigh.append(.nan)
            }
        }
        return (outX, outLow, outHigh)
    }
}
