extension Downsampler {
    /// Largest-Triangle-Three-Buckets (Steinarsson, 2013): keeps the first and the last point and, from
    /// each of `threshold - 2` equal buckets between them, the point that spans the largest triangle
    /// with the point kept before it and the mean of the next bucket.
    ///
    /// Points with a non-finite `x` or `y` are left out first, so the result has no gaps (use
    /// ``minMax(x:y:buckets:)`` to keep them).
    /// - Parameters:
    ///   - x: Horizontal positions, ascending.
    ///   - y: Values; extra elements of the longer array are ignored.
    ///   - threshold: How many points to return; a series of at most that many finite points is
    ///     returned unchanged (without its gaps).
    /// - Returns: Exactly `min(threshold, finite points)` points, in input order.
    public static func lttb(x: [Double], y: [Double], threshold: Int) -> (x: [Double], y: [Double]) {
        var px: [Double] = []
        var py: [Double] = []
        let count = min(x.count, y.count)
        px.reserveCapacity(count)
        py.reserveCapacity(count)
        for index in 0..<count where x[index].isFinite && y[index].isFinite {
            px.append(x[index])
            py.append(y[index])
        }
        let n = px.count
        guard threshold < n else { return (px, py) }
        guard threshold > 2 else {
            let picks = threshold <= 0 ? [] : threshold == 1 ? [0] : [0, n - 1]
            return (picks.map { px[$0] }, picks.map { py[$0] })
        }
        var outX = [px[0]]
        var outY = [py[0]]
        outX.reserveCapacity(threshold)
        outY.reserveCapacity(threshold)
        let every = Double(n - 2) / Double(threshold - 2)
        var anchor = 0
        for bucket in 0..<(threshold - 2) {
            let start = Int(Double(bucket) * every) + 1
            let end = min(Int(Double(bucket + 1) * every) + 1, n - 1)
            let nextEnd = min(Int(Double(bucket + 2) * every) + 1, n)
            var meanX = 0.0
            var meanY = 0.0
            for index in end..<max(nextEnd, end + 1) {
                meanX += px[index]
                meanY += py[index]
            }
            let nextCount = Double(max(nextEnd, end + 1) - end)
            meanX /= nextCount
            meanY /= nextCount
            var best = start
            var bestArea = -1.0
            for index in start..<max(end, start + 1) {
                let area = abs(
                    (px[anchor] - meanX) * (py[index] - py[anchor])
                        - (px[anchor] - px[index]) * (meanY - py[anchor])
                )
                if area > bestArea {
                    bestArea = area
                    best = index
                }
            }
            outX.append(px[best])
            outY.append(py[best])
            anchor = best
        }
        outX.append(px[n - 1])
        outY.append(py[n - 1])
        return (outX, outY)
    }
}
