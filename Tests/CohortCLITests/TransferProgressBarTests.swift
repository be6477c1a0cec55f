import Cohort
import Synchronization
import Testing

@testable import CohortCLI

/// What `cohort artifact put|get` show while bytes move.
@Suite("Transfer progress bar")
struct TransferProgressBarTests {
    static func progress(_ done: Int64, of total: Int64 = 1 << 30, files: Int = 0, filesTotal: Int = 1) -> ArtifactTransferProgress {
        ArtifactTransferProgress(artifact: "big", direction: .upload, bytesDone: done, bytesTotal: total, filesDone: files, filesTotal: filesTotal)
    }

    @Test("a line: name, bar, MiB done of total, percent, rate, files")
    func render() {
        #expect(
            TransferProgressBar.render(Self.progress(512 << 20), mebibytesPerSecond: 118.94)
                == "uploading big  [###############---------------]  512.0/1024.0 MiB  50%  118.9 MiB/s  0/1 files")
        #expect(
            TransferProgressBar.render(Self.progress(0, of: 0, files: 0, filesTotal: 0), mebibytesPerSecond: nil)
                == "uploading big  [##############################]  0.0/0.0 MiB  100%  0/0 files", "nothing to send is done")
        let download = ArtifactTransferProgress(artifact: "big:v3", direction: .download, bytesDone: 1, bytesTotal: 3, filesDone: 0, filesTotal: 2)
        #expect(TransferProgressBar.render(download, mebibytesPerSecond: nil).hasPrefix("downloading big:v3  [##########----"))
    }

    @Test("not on a terminal: the first report and the last become lines; reports in between wait for the interval")
    func plainLines() {
        let written = Mutex<[String]>([])
        let bar = TransferProgressBar(isTerminal: false, lineInterval: .seconds(3600)) { text in written.withLock { $0.append(text) } }
        bar.update(Self.progress(0))
        for step in 1..<10 { bar.update(Self.progress(Int64(step) << 20)) }
        bar.update(Self.progress(1 << 30, files: 1))
        bar.update(Self.progress(1 << 30, files: 1))  // after the end: nothing
        bar.end()
        let lines = written.withLock { $0 }
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.contains("\r") })
        #expect(lines.last?.contains("1024.0/1024.0 MiB  100%") == true)
    }

    @Test("on a terminal: the line is redrawn in place, padded over a longer one, and ended once")
    func terminal() {
        let written = Mutex<[String]>([])
        let bar = TransferProgressBar(isTerminal: true) { text in written.withLock { $0.append(text) } }
        bar.update(Self.progress(0, files: 0, filesTotal: 10))
        bar.end()  // cut short: the last state is drawn again with the line ended
        let lines = written.withLock { $0 }
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("\r") })
        #expect(lines.last?.hasSuffix("\n") == true && lines.first?.hasSuffix("\n") == false)
    }
}
