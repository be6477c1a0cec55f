/// W&B's step and commit rules for `log(data, step:, commit:)`, decided on the caller's thread.
///
/// The machine tracks the step the next row lands on and whether a row is pending; it tells the
/// journal writer when to finish a row. It holds no data, so it is cheap enough to run inside `log`.
struct StepStateMachine: Sendable {
    /// The step the next row lands on (W&B's `run.step`).
    private(set) var current: Int64
    /// Whether a row with data is waiting to be committed.
    private(set) var hasPendingRow = false

    init(startingStep: Int64) { current = startingStep }

    /// What one `log` call does.
    enum Decision: Equatable, Sendable {
        /// Merge the items into the pending row `step`; first commit the earlier pending row if
        /// `commitBefore`, afterwards commit row `step` if `commitAfter`.
        case merge(step: Int64, commitBefore: Bool, commitAfter: Bool)
        /// Drop the call: its step is below the current step.
        case drop(requested: Int64, current: Int64)
    }

    /// Applies one call. `step` is the explicit step, `commit` the explicit commit flag.
    mutating func log(step: Int64?, commit: Bool?) -> Decision {
        var commitBefore = false
        if let step {
            if step < current { return .drop(requested: step, current: current) }
            if step > current {
                commitBefore = hasPendingRow
                hasPendingRow = false
                current = step
            }
        }
        let rowStep = current
        hasPendingRow = true
        let commitAfter = commit ?? (step == nil)
        if commitAfter {
            hasPendingRow = false
            current += 1
        }
        return .merge(step: rowStep, commitBefore: commitBefore, commitAfter: commitAfter)
    }

    /// At finish: whether a pending row must be committed; the step then moves past it.
    mutating func finish() -> Bool {
        guard hasPendingRow else { return false }
        hasPendingRow = false
        current += 1
        return true
    }
}
