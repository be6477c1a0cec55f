import Synchronization

/// How far an artifact upload or download has come, for progress displays
/// (`Settings.onArtifactProgress`, `UsedArtifact.download(to:progress:)`).
public struct ArtifactTransferProgress: Sendable, Hashable {
    /// Which way the bytes go.
    public enum Direction: String, Sendable, Hashable {
        case upload, download
    }

    /// The artifact's name (`name`, or `name:version` for a download).
    public var artifact: String
    public var direction: Direction
    /// File bytes moved so far (files the server or the cache already had count as moved).
    public var bytesDone: Int64
    /// File bytes to move in all.
    public var bytesTotal: Int64
    /// Files (or parts of large files) finished.
    public var filesDone: Int
    /// Files (or parts) in all.
    public var filesTotal: Int

    /// Creates a report.
    public init(artifact: String, direction: Direction, bytesDone: Int64, bytesTotal: Int64, filesDone: Int, filesTotal: Int) {
        self.artifact = artifact
        self.direction = direction
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.filesDone = filesDone
        self.filesTotal = filesTotal
    }

    /// Everything has moved.
    public var isComplete: Bool { filesDone == filesTotal && bytesDone >= bytesTotal }
}

/// Adds up the bytes of several transfers running at once (files or parts, each in its slot) and
/// reports the total: at most every `interval` while bytes move, and always when a slot finishes.
/// Called from libcurl's thread and from tasks; it only takes a lock and calls `report`.
final class TransferMeter: Sendable {
    private struct State {
        var slotBytes: [Int: Int64] = [:]
        var finishedBytes: Int64 = 0
        var filesDone = 0
        var lastReport: ContinuousClock.Instant?
    }

    private let artifact: String
    private let direction: ArtifactTransferProgress.Direction
    private let bytesTotal: Int64
    private let filesTotal: Int
    private let interval: Duration
    private let report: @Sendable (ArtifactTransferProgress) -> Void
    private let state: Mutex<State>

    /// - Parameters:
    ///   - alreadyDone: bytes and files done before this attempt (a resumed upload, cached files).
    init(
        artifact: String, direction: ArtifactTransferProgress.Direction, bytesTotal: Int64, filesTotal: Int,
        alreadyDone: (bytes: Int64, files: Int) = (0, 0), interval: Duration = .milliseconds(100),
        report: @escaping @Sendable (ArtifactTransferProgress) -> Void
    ) {
        self.artifact = artifact
        self.direction = direction
        self.bytesTotal = bytesTotal
        self.filesTotal = filesTotal
        self.interval = interval
        self.report = report
        state = Mutex(State(finishedBytes: alreadyDone.bytes, filesDone: alreadyDone.files))
    }

    /// Reports the current totals now (e.g. at the start).
    func announce() {
        let progress = state.withLock { state in
            state.lastReport = .now
            return snapshot(state)
        }
        report(progress)
    }

    /// The transfer in `slot` has moved `bytes` so far (it may start again from 0 on a retry).
    func moved(_ bytes: Int64, slot: Int) {
        let progress: ArtifactTransferProgress? = state.withLock { state in
            state.slotBytes[slot] = bytes
            let now = ContinuousClock.now
            if let last = state.lastReport, now - last < interval { return nil }
            state.lastReport = now
            return snapshot(state)
        }
        if let progress { report(progress) }
    }

    /// The transfer in `slot` is done and was `bytes` long.
    func finished(slot: Int, bytes: Int64) {
        let progress = state.withLock { state in
            state.slotBytes[slot] = nil
            state.finishedBytes += bytes
            state.filesDone += 1
            state.lastReport = .now
            return snapshot(state)
        }
        report(progress)
    }

    private func snapshot(_ state: State) -> ArtifactTransferProgress {
        let moving = state.slotBytes.values.reduce(0, +)
        return ArtifactTransferProgress(
            artifact: artifact, direction: direction, bytesDone: min(bytesTotal, state.finishedBytes + moving), bytesTotal: bytesTotal,
            filesDone: state.filesDone, filesTotal: filesTotal)
    }
}
