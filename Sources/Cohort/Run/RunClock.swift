import Foundation

/// The run's timer: wall-clock start and a monotonic runtime that continues across resumes.
struct RunClock: Sendable {
    /// Unix seconds when this process started the run.
    let startTime: Double
    private let start: ContinuousClock.Instant
    /// Runtime already accumulated by earlier processes of a resumed run.
    let runtimeOffset: Double

    init(runtimeOffset: Double = 0) {
        startTime = Date().timeIntervalSince1970
        start = .now
        self.runtimeOffset = runtimeOffset
    }

    /// Seconds the run has been running, across resumes.
    func runtime() -> Double { runtimeOffset + (ContinuousClock.now - start).seconds }

    /// Unix seconds now.
    static func timestamp() -> Double { Date().timeIntervalSince1970 }
}
