import CohortCharts
import Testing

@Suite struct DownsamplerTests {
    /// A noisy series with one high and one low spike in the middle.
    static func spiky(_ count: Int) -> (x: [Double], y: [Double]) {
        let x = (0..<count).map(Double.init)
        var y = x.map { ($0.truncatingRemainder(dividingBy: 7)) / 7 }
        y[count / 3] = 100
        y[2 * count / 3] = -100
        return (x, y)
    }

    @Test(arguments: [true, false])
    func minMaxKeepsTheExtremesTheEndsAndTheOrder(ascending: Bool) {
        var (x, y) = Self.spiky(100_000)
        if !ascending { x.swapAt(10, 20) }  // not ascending: buckets by index
        let (outX, outY) = Downsampler.minMax(x: x, y: y, buckets: 100)
        #expect(outY.contains(100))
        #expect(outY.contains(-100))
        #expect(outX.first == x.first)
        #expect(outX.last == x.last)
        #expect(outY.last == y.last)
        if ascending { #expect(zip(outX, outX.dropFirst()).allSatisfy { $0 < $1 }) }
        // Every kept point is a point of the input, at its own x.
        #expect(zip(outX, outY).allSatisfy { y[Int($0.0)] == $0.1 || !ascending })
    }

    @Test(arguments: [1, 10, 300, 1000])
    func minMaxKeepsAtMostFourPointsPerBucket(buckets: Int) {
        let (x, y) = Self.spiky(50_000)
        let out = Downsampler.minMax(x: x, y: y, buckets: buckets)
        #expect(out.x.count <= 4 * buckets)
        #expect(out.x.count >= 2 * buckets)  // first and last of every bucket
        #expect(out.x.count == out.y.count)
    }

    @Test func minMaxReturnsAShortSeriesUnchanged() {
        let out = Downsampler.minMax(x: [0, 1, 2], y: [5, 6], buckets: 10)
        #expect(out.x == [0, 1])
        #expect(out.y == [5, 6])
        #expect(Downsampler.minMax(x: [], y: [], buckets: 10).x.isEmpty)
    }

    @Test func minMaxKeepsGapsAsNaN() {
        let x = (0..<10_000).map(Double.init)
        var y = x
        for index in 4_000..<4_100 { y[index] = .nan }
        y[7_000] = .infinity
        let out = Downsampler.minMax(x: x, y: y, buckets: 50)
        let gaps = out.x.indices.filter { out.y[$0].isNaN }.map { out.x[$0] }
        #expect(gaps.contains(4_000))
        #expect(gaps.contains(7_000))
        #expect(!out.y.contains(.infinity))
        #expect(out.x.count <= 5 * 50)
    }

    @Test(arguments: [3, 10, 500, 999])
    func lttbReturnsThresholdPointsWithTheFirstAndLast(threshold: Int) {
        let (x, y) = Self.spiky(10_000)
        let out = Downsampler.lttb(x: x, y: y, threshold: threshold)
        #expect(out.x.count == threshold)
        #expect(out.y.count == threshold)
        #expect(out.x.first == 0)
        #expect(out.x.last == 9_999)
        #expect(out.y.first == y.first)
        #expect(out.y.last == y.last)
        #expect(zip(out.x, out.x.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func lttbKeepsABigSpike() {
        let (x, y) = Self.spiky(10_000)
        let out = Downsampler.lttb(x: x, y: y, threshold: 200)
        #expect(out.y.contains(100))
        #expect(out.y.contains(-100))
    }

    @Test func lttbDropsNonFinitePointsAndHandlesTinyThresholds() {
        let out = Downsampler.lttb(x: [0, 1, 2, 3], y: [1, .nan, 3, 4], threshold: 10)
        #expect(out.x == [0, 2, 3])
        #expect(Downsampler.lttb(x: [0, 1, 2, 3], y: [1, 2, 3, 4], threshold: 2).x == [0, 3])
        #expect(Downsampler.lttb(x: [0, 1, 2, 3], y: [1, 2, 3, 4], threshold: 1).x == [0])
        #expect(Downsampler.lttb(x: [0, 1, 2, 3], y: [1, 2, 3, 4], threshold: 0).x.isEmpty)
        #expect(Downsampler.lttb(x: [], y: [], threshold: 5).x.isEmpty)
    }
}
