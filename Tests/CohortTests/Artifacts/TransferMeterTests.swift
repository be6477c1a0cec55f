import Foundation
import Synchronization
import Testing

@testable import Cohort

/// `TransferMeter` adds up transfers running at once into one progress report.
@Suite("Artifact transfer progress")
struct TransferMeterTests {
    /// The reports a meter made.
    final class Reports: Sendable {
        private let list = Mutex<[ArtifactTransferProgress]>([])
        func append(_ report: ArtifactTransferProgress) { list.withLock { $0.append(report) } }
        func withLock<T>(_ body: ([ArtifactTransferProgress]) -> T) -> T { list.withLock { body($0) } }
    }

    static func meter(
        total: Int64 = 300, files: Int = 3, done: (Int64, Int) = (0, 0), interval: Duration = .zero
    ) -> (TransferMeter, Reports) {
        let reports = Reports()
        let meter = TransferMeter(
            artifact: "data", direction: .upload, bytesTotal: total, filesTotal: files, alreadyDone: done, interval: interval
        ) { report in reports.append(report) }
        return (meter, reports)
    }

    @Test("parallel slots add up; a finished slot counts its whole length; the last report is complete")
    func parallelSlots() {
        let (meter, reports) = Self.meter()
        meter.announce()
        meter.moved(40, slot: 0)
        meter.moved(30, slot: 1)
        meter.moved(90, slot: 0)
        meter.finished(slot: 0, bytes: 100)
        meter.moved(100, slot: 1)
        meter.finished(slot: 1, bytes: 100)
        meter.moved(50, slot: 2)
        meter.finished(slot: 2, bytes: 100)
        let seen = reports.withLock { $0 }
        #expect(seen.map(\.bytesDone) == [0, 40, 70, 120, 130, 200, 200, 250, 300])
        #expect(seen.map(\.filesDone) == [0, 0, 0, 0, 1, 1, 2, 2, 3])
        #expect(seen.last?.isComplete == true && seen.dropLast().allSatisfy { !$0.isComplete })
    }

    @Test("a retried slot starts again from zero; moved bytes never report past the total")
    func retryAndClamp() {
        let (meter, reports) = Self.meter(total: 100, files: 1)
        meter.moved(80, slot: 0)
        meter.moved(0, slot: 0)  // the part failed and is sent again
        meter.moved(500, slot: 0)  // libcurl counts the body only, but never trust a counter
        #expect(reports.withLock { $0.map(\.bytesDone) } == [80, 0, 100])
    }

    @Test("a resumed upload starts from what the server already accepted")
    func alreadyDone() {
        let (meter, reports) = Self.meter(total: 300, files: 3, done: (200, 2))
        meter.announce()
        meter.finished(slot: 2, bytes: 100)
        #expect(reports.withLock { $0.map(\.bytesDone) } == [200, 300])
        #expect(reports.withLock { $0.map(\.filesDone) } == [2, 3])
    }

    @Test("byte reports are throttled to the interval; announcements and finished slots always report")
    func throttled() {
        let (meter, reports) = Self.meter(interval: .seconds(3600))
        meter.announce()
        for bytes in stride(from: 1, through: 99, by: 7) { meter.moved(Int64(bytes), slot: 0) }
        meter.finished(slot: 0, bytes: 100)
        #expect(reports.withLock { $0.map(\.bytesDone) } == [0, 100])
    }
}
