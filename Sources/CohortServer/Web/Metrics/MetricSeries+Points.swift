/// The x axis a chart plots against.
enum ChartXAxis: String, Sendable, CaseIterable {
    case step = "_step"
    case runtime = "_runtime"
    case timestamp = "_timestamp"

    var label: String {
        switch self {
        case .step: "Step"
        case .runtime: "Wall time (s)"
        case .timestamp: "Time (unix s)"
        }
    }
}

extension MetricSeries {
    /// The points of `metric` against `axis`, reduced to at most about `maximumPoints`: the rows
    /// are cut into `maximumPoints / 2` buckets and each keeps its lowest and highest value in
    /// order (min–max decimation, which keeps spikes visible). Rows whose x or y is not finite are
    /// left out.
    func points(_ metric: String, axis: ChartXAxis, maximumPoints: Int) -> (x: [Double], y: [Double]) {
        guard let column = columns[metric], !column.rows.isEmpty else { return ([], []) }
        let xs: [Double]
        switch axis {
        case .step: xs = steps
        case .runtime: xs = runtimes
        case .timestamp: xs = timestamps
        }
        let count = column.rows.count
        let buckets = max(1, maximumPoints / 2)
        let perBucket = max(1, (count + buckets - 1) / buckets)
        var outX: [Double] = []
        var outY: [Double] = []
        outX.reserveCapacity(min(count, buckets * 2))
        outY.reserveCapacity(min(count, buckets * 2))
        var start = 0
        while start < count {
            let end = min(count, start + perBucket)
            var low: (index: Int, x: Double, y: Double)?
            var high: (index: Int, x: Double, y: Double)?
            for index in start..<end {
                let x = xs[Int(column.rows[index])]
                let y = column.values[index]
                guard x.isFinite, y.isFinite else { continue }
                if perBucket == 1 {
                    outX.append(x)
                    outY.append(y)
                    continue
                }
                if y < (low?.y ?? .infinity) { low = (index, x, y) }
                if y > (high?.y ?? -.infinity) { high = (index, x, y) }
            }
            if let low, let high {
                let ordered = low.index <= high.index ? [low, high] : [high, low]
                for point in ordered.prefix(low.index == high.index ? 1 : 2) {
                    outX.append(point.x)
                    outY.append(point.y)
                }
            }
            start = end
        }
        return (outX, outY)
    }

    /// The last value of `metric`, if it was logged.
    func lastValue(_ metric: String) -> Double? { columns[metric]?.values.last }

    /// The media keys, sorted.
    var mediaKeys: [String] { media.keys.sorted() }
}

extension MetricSeries {
    /// The band between `low` and `high` (logged in the same rows, like an aggregate's
    /// `<metric>/min` and `/max`) against the step, reduced to at most `maximumPoints` buckets:
    /// each bucket's lowest low and highest high at its first step.
    func band(low: String, high: String, maximumPoints: Int) -> (x: [Double], low: [Double], high: [Double]) {
        guard let lows = columns[low], let highs = columns[high] else { return ([], [], []) }
        var highByRow: [Int32: Double] = [:]
        highByRow.reserveCapacity(highs.rows.count)
        for (index, row) in highs.rows.enumerated() { highByRow[row] = highs.values[index] }
        let count = lows.rows.count
        let perBucket = max(1, (count + maximumPoints - 1) / max(1, maximumPoints))
        var xs: [Double] = [], outLow: [Double] = [], outHigh: [Double] = []
        var start = 0
        while start < count {
            let end = min(count, start + perBucket)
            var x: Double?
            var bucketLow = Double.infinity, bucketHigh = -Double.infinity
            for index in start..<end {
                let row = lows.rows[index]
                let a = lows.values[index]
                guard let b = highByRow[row], a.isFinite, b.isFinite else { continue }
                if x == nil { x = steps[Int(row)] }
                bucketLow = Swift.min(bucketLow, a)
                bucketHigh = Swift.max(bucketHigh, b)
            }
            if let x {
                xs.append(x)
                outLow.append(bucketLow)
                outHigh.append(bucketHigh)
            }
            start = end
        }
        return (xs, outLow, outHigh)
    }
}
