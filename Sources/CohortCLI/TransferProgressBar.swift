import Cohort
import Foundation
import Synchronization

/// Shows artifact transfer progress on stderr: on a terminal a bar redrawn in place (at most ten
/// times a second), elsewhere (logs, CI) a plain line every `lineInterval` and one at the end.
///
/// ```
/// uploading big  [##############----------------]  476.2/1024.0 MiB  46%  118.9 MiB/s  0/1 files
/// ```
final class TransferProgressBar: Sendable {
    private struct State {
        var started: ContinuousClock.Instant?
        var startBytes: Int64 = 0
        var lastDrawn: ContinuousClock.Instant?
        var lastWidth = 0
        var lastProgress: ArtifactTransferProgress?
        var ended = false
    }

    private let isTerminal: Bool
    private let lineInterval: Duration
    private let write: @Sendable (String) -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - isTerminal: redraw one line in place (default: whether stderr is a terminal).
    ///   - lineInterval: how often a plain line is written when not on a terminal.
    ///   - write: where the text goes (default: stderr).
    init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1, lineInterval: Duration = .seconds(5),
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.isTerminal = isTerminal
        self.lineInterval = lineInterval
        self.write = write
    }

    /// Takes a report (from `Settings.onArtifactProgress` or a download's `progress`).
    func update(_ progress: ArtifactTransferProgress) {
        let now = ContinuousClock.now
        let text: String? = state.withLock { state in
            guard !state.ended else { return nil }
            if state.started == nil {
                state.started = now
                state.startBytes = progress.bytesDone
            }
            state.lastProgress = progress
            let interval = isTerminal ? Duration.milliseconds(100) : lineInterval
            if let last = state.lastDrawn, now - last < interval, !progress.isComplete { return nil }
            if progress.isComplete { state.ended = true }
            state.lastDrawn = now
            return draw(progress, rate: Self.rate(state, at: now), state: &state)
        }
        if let text { write(text) }
    }

    /// Ends the display: the last state is drawn once more unless it already was, and the line ends.
    func end() {
        let text: String? = state.withLock { state in
            guard !state.ended, let progress = state.lastProgress else { return nil }
            state.ended = true
            return draw(progress, rate: Self.rate(state, at: .now), state: &state)
        }
        if let text { write(text) }
    }

    private func draw(_ progress: ArtifactTransferProgress, rate: Double?, state: inout State) -> String {
        let line = Self.render(progress, mebibytesPerSecond: rate)
        guard isTerminal else { return line + "\n" }
        let padding = String(repeating: " ", count: max(0, state.lastWidth - line.count))
        state.lastWidth = line.count
        return "\r" + line + padding + (state.ended ? "\n" : "")
    }

    private static func rate(_ state: State, at now: ContinuousClock.Instant) -> Double? {
        guard let started = state.started, let bytes = state.lastProgress?.bytesDone else { return nil }
        let elapsed = now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard seconds >= 0.2 else { return nil }
        return Double(bytes - state.startBytes) / 1_048_576 / seconds
    }

    /// One line: direction, name, a 30-character bar, MiB done of total, percent, rate, files.
    static func render(_ progress: ArtifactTransferProgress, mebibytesPerSecond rate: Double?, barWidth: Int = 30) -> String {
        let fraction = progress.bytesTotal > 0
            ? min(1, Double(progress.bytesDone) / Double(progress.bytesTotal))
            : (progress.filesTotal > 0 ? Double(progress.filesDone) / Double(progress.filesTotal) : 1)
        let filled = Int((fraction * Double(barWidth)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
        let verb = progress.direction == .upload ? "uploading" : "downloading"
        var parts = [
            "\(verb) \(progress.artifact)", "[\(bar)]",
            "\(mebibytes(progress.bytesDone))/\(mebibytes(progress.bytesTotal)) MiB", "\(Int((fraction * 100).rounded(.down)))%",
        ]
        if let rate { parts.append(String(format: "%.1f MiB/s", rate)) }
        parts.append("\(progress.filesDone)/\(progress.filesTotal) files")
        return parts.joined(separator: "  ")
    }

    private static func mebibytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_048_576)
    }
}
