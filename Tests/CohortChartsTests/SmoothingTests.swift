import CohortCharts
import Foundation
import Testing

@Suite struct SmoothingTests {
    @Test func emaMatchesTheDebiasedFormulaByHand() {
        // w = 0.5: last = 0.5, 1.25, 2.125; debias 1 - 0.5^n = 0.5, 0.75, 0.875.
        let out = Smoothing.ema([1, 2, 3], weight: 0.5)
        #expect(abs(out[0] - 1) < 1e-12)
        #expect(abs(out[1] - 1.25 / 0.75) < 1e-12)
        #expect(abs(out[2] - 2.125 / 0.875) < 1e-12)
    }

    @Test func emaWithWeightZeroIsTheIdentity() {
        #expect(Smoothing.ema([3, -1, 7.5], weight: 0) == [3, -1, 7.5])
    }

    @Test func emaOfAConstantIsTheConstant() {
        let out = Smoothing.ema([Double](repeating: 4.2, count: 50), weight: 0.9)
        #expect(out.allSatisfy { abs($0 - 4.2) < 1e-9 })
    }

    @Test func emaSkipsGapsAndKeepsThem() {
        let out = Smoothing.ema([1, .nan, 2], weight: 0.5)
        #expect(out[1].isNaN)
        #expect(abs(out[2] - 1.25 / 0.75) < 1e-12)  // as if the gap were not there
    }

    @Test func timeWeightedEMAMatchesTheFormulaByHand() {
        // weight 0.25 → s = 0.5; x range 2, viewportScale 2 → each step of 1 decays by 0.5.
        let out = Smoothing.timeWeightedEMA(x: [0, 1, 2], y: [1, 2, 3], weight: 0.25, viewportScale: 2)
        #expect(abs(out[0] - 1) < 1e-12)
        #expect(abs(out[1] - (0.5 * 1 + 2) / 1.5) < 1e-12)
        #expect(abs(out[2] - (0.5 * 2.5 + 3) / (0.5 * 1.5 + 1)) < 1e-12)
    }

    @Test func timeWeightedEMAIsDensityIndependentAtEvenSpacing() {
        // 1000 evenly spaced points with viewportScale 1000: the same as ema with weight √param.
        let y = (0..<1000).map { sin(Double($0) / 10) }
        let x = (0..<1000).map { Double($0) * 999 / 999 }
        let timeWeighted = Smoothing.timeWeightedEMA(x: x, y: y, weight: 0.36, viewportScale: 999)
        let plain = Smoothing.ema(y, weight: 0.6)
        #expect(zip(timeWeighted, plain).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func timeWeightedEMAKeepsGaps() {
        let out = Smoothing.timeWeightedEMA(x: [0, 1, .nan, 3], y: [1, .infinity, 2, 3], weight: 0.5)
        #expect(out[0] == 1)
        #expect(out[1].isNaN)
        #expect(out[2].isNaN)
        #expect(out[3].isFinite)
    }
}
