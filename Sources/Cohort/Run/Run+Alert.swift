import CohortModel

/// How loud an alert is, as W&B's `AlertLevel`.
public enum AlertLevel: String, Sendable, CaseIterable {
    case info = "INFO"
    case warn = "WARN"
    case error = "ERROR"
}

extension Run {
    /// The longest alert title (W&B asks for fewer than 64 characters).
    public static let maximumAlertTitleLength = 63

    /// Sends an alert about the run, as W&B's `run.alert`: the server forwards it (for example to
    /// Slack) unless an alert with the same title went out less than `waitDuration` ago.
    ///
    /// The alert goes into the journal first, so offline runs send it when synced; problems on the
    /// server are logged, never thrown.
    /// ```swift
    /// try run.alert(title: "Loss diverged", text: "loss is NaN at step \(step)", level: .error, waitDuration: .seconds(300))
    /// ```
    /// - Parameters:
    ///   - title: the alert's title, under 64 characters.
    ///   - text: the alert's body.
    ///   - level: info (default), warn or error.
    ///   - waitDuration: the least time between two alerts with this title; `nil` or zero means
    ///     60 seconds (W&B's default).
    /// - Throws: `CohortError` `.invalidArgument` for an empty or too long title, `.runFinished` after `finish`.
    public func alert(title: String, text: String, level: AlertLevel = .info, waitDuration: Duration? = nil) throws(CohortError) {
        guard !title.isEmpty else { throw .invalid("an alert needs a title") }
        guard title.count <= Self.maximumAlertTitleLength else {
            throw .invalid("the alert title has \(title.count) characters; W&B takes titles under 64 characters, so shorten it")
        }
        let wait = waitDuration.flatMap { $0 > .zero ? $0 : nil } ?? .seconds(60)
        let milliseconds = Int64(wait / .milliseconds(1))
        try enqueueWhileLive("alert", .record(.alert, [
            "title": .string(title), "text": .string(text), "level": .string(level.rawValue),
            "wait_duration_ms": .int(milliseconds), "time": .double(RunClock.timestamp()),
        ]), urgent: true)
    }
}
