/// Where a run's data goes, as W&B's `mode`.
public enum RunMode: String, Sendable, CaseIterable {
    /// Stream to a server while training. Needs the uploader, which is not in this build yet.
    case online
    /// Write everything to the local journal; upload later with `cohort sync`.
    case offline
    /// Accept every call and keep nothing on disk.
    case disabled
}

/// What to do when a run id may already exist, as W&B's `resume`.
public enum ResumePolicy: String, Sendable, CaseIterable {
    /// Resume the run if it exists, otherwise start it.
    case allow
    /// Resume the run; fail if it does not exist.
    case must
    /// Start the run; fail if it already exists.
    case never
    /// Resume the run that last crashed or failed in this directory (recorded in
    /// `cohort/cohort-resume.json`), otherwise start a new one.
    case auto
}

/// When a file given to `Run.save(_:basePath:policy:)` is copied into the run, as W&B's `policy`.
public enum SavePolicy: String, Sendable, CaseIterable {
    /// Copy now and again whenever the file changes, and once more at finish.
    case live
    /// Copy once, now.
    case now
    /// Copy once, when the run finishes.
    case end
}

/// What `defineMetric` puts in the summary for a metric.
public enum MetricSummary: String, Sendable, CaseIterable {
    case min, max, mean, first, last
    /// Leave the metric out of the summary.
    case none
}

/// Which direction of a metric is better; recorded with the definition for user interfaces.
public enum MetricGoal: String, Sendable {
    case minimize, maximize
}
