/// SVG path data for lines and bands, in pixels with one decimal.
enum ChartPath {
    /// A polyline through the finite points; a non-finite point (or a non-positive one on a log axis)
    /// ends a segment, so the line shows a gap. A segment of a single point is drawn as a small plus
    /// sign (``isolatedPoint``). Consecutive points on the same tenth of a pixel are written once.
    static func line(x: [Double], y: [Double], frame: ChartFrame) -> String {
        var data = ""
        data.reserveCapacity(min(x.count, y.count) * 12)
        var segmentLength = 0
        var last = (x: Int.min, y: Int.min)
        for index in 0..<min(x.count, y.count) {
            guard let point = pixel(x[index], y[index], frame: frame) else {
                if segmentLength == 1 { data += isolatedPoint }
                segmentLength = 0
                continue
            }
            if segmentLength > 0, point == last { continue }
            data += segmentLength == 0 ? "M" : "L"
            data += ChartNumber.tenths(point.x)
            data += " "
            data += ChartNumber.tenths(point.y)
            segmentLength += 1
            last = point
        }
        if segmentLength == 1 { data += isolatedPoint }
        return data
    }

    /// Appended after the `M` of a lone point: a plus sign 5 pixels wide, so it shows at any stroke.
    static let isolatedPoint = "m-2.5 0h5m-2.5-2.5v5"

    /// Closed areas between `low` and `high`, one per run of positions where both are drawable.
    static func band(x: [Double], low: [Double], high: [Double], frame: ChartFrame) -> String {
        var data = ""
        var upper: [(x: Int, y: Int)] = []
        var lower: [(x: Int, y: Int)] = []
        func flush() {
            if !upper.isEmpty {
                for (offset, point) in upper.enumerated() {
                    data += (offset == 0 ? "M" : "L") + ChartNumber.tenths(point.x) + " " + ChartNumber.tenths(point.y)
                }
                for point in lower.reversed() {
                    data += "L" + ChartNumber.tenths(point.x) + " " + ChartNumber.tenths(point.y)
                }
                data += "Z"
            }
            upper.removeAll(keepingCapacity: true)
            lower.removeAll(keepingCapacity: true)
        }
        for index in 0..<min(x.count, low.count, high.count) {
            guard let top = pixel(x[index], high[index], frame: frame),
                let bottom = pixel(x[index], low[index], frame: frame)
            else {
                flush()
                continue
            }
            upper.append(top)
            lower.append(bottom)
        }
        flush()
        return data
    }

    /// The point in tenths of a pixel, or `nil` when it cannot be drawn.
    private static func pixel(_ x: Double, _ y: Double, frame: ChartFrame) -> (x: Int, y: Int)? {
        guard x.isFinite, y.isFinite, !(frame.log && y <= 0) else { return nil }
        let px = frame.px(x)
        let py = frame.py(y)
        guard px.isFinite, py.isFinite else { return nil }  // a domain too wide for a Double
        return (tenths(px), tenths(py))
    }

    private static func tenths(_ pixel: Double) -> Int {
        Int((min(max(pixel, -1e6), 1e6) * 10).rounded())
    }
}
