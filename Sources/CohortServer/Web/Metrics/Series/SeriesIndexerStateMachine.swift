import OrderedCollections

/// Which runs wait for `SeriesIndexer`, as a value: runs are queued by storage id in arrival order,
/// once each however often they are asked for (a run asked for while it is being indexed is queued
/// again, so rows that arrived during the pass are picked up by the next one); a worker takes the
/// oldest queued run that no other worker holds.
///
/// The queue holds at most one entry per run, so it is bounded by the number of runs.
struct SeriesIndexerStateMachine: Sendable {
    /// One run to index.
    struct Work: Sendable, Equatable {
        var storageID: String
        /// Write the run's files again from the start (they were found damaged).
        var rebuild: Bool
    }

    private var queued: OrderedDictionary<String, Bool> = [:]
    private var running: Set<String> = []

    /// Runs queued or being indexed.
    var isIdle: Bool { queued.isEmpty && running.isEmpty }

    /// Queues `storageID` (merging `rebuild` into an entry already queued). Returns whether a
    /// worker should be woken (the run was not queued yet).
    mutating func enqueue(_ storageID: String, rebuild: Bool) -> Bool {
        if let existing = queued[storageID] {
            queued[storageID] = existing || rebuild
            return false
        }
        queued[storageID] = rebuild
        return true
    }

    /// The oldest queued run no worker holds, now held by the caller until `finished`.
    mutating func next() -> Work? {
        guard let index = queued.keys.firstIndex(where: { !running.contains($0) }) else { return nil }
        let (storageID, rebuild) = queued.remove(at: index)
        running.insert(storageID)
        return Work(storageID: storageID, rebuild: rebuild)
    }

    /// The caller is done with `storageID`. Returns whether the run is queued again (asked for
    /// during the pass).
    @discardableResult
    mutating func finished(_ storageID: String) -> Bool {
        running.remove(storageID)
        return queued[storageID] != nil
    }
}
