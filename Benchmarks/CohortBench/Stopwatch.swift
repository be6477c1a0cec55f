import Glibc

/// Monotonic time in nanoseconds, read with one `clock_gettime` call (a vDSO call on Linux, ~20 ns).
enum Monotonic {
    /// Nanoseconds since an arbitrary fixed point; only differences mean anything.
    static func nanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Seconds elapsed since `start` (a value of `nanoseconds()`).
    static func seconds(since start: UInt64) -> Double {
        Double(nanoseconds() - start) / 1e9
    }
}

/// Summary statistics of a set of per-call durations.
struct LatencySummary: Sendable {
    let count: Int
    let p50Microseconds: Double
    let p99Microseconds: Double
    let maxMicroseconds: Double
    let meanMicroseconds: Double

    /// Summarises `nanoseconds` (one entry per call); percentiles use the nearest-rank method.
    init(nanoseconds: [UInt64]) {
        let sorted = nanoseconds.sorted()
        count = sorted.count
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return Double(sorted[min(max(rank, 1), sorted.count) - 1]) / 1e3
        }
        p50Microseconds = percentile(0.50)
        p99Microseconds = percentile(0.99)
        maxMicroseconds = Double(sorted.last ?? 0) / 1e3
        let total = sorted.reduce(0.0) { $0 + Double($1) }
        meanMicroseconds = sorted.isEmpty ? 0 : total / Double(sorted.count) / 1e3
    }
}

/// The median of `values` (the mean of the middle two for an even count); 0 when empty.
func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
