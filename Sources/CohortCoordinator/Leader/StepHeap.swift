/// The open steps in a binary min-heap: the oldest in O(1), insert and remove-oldest in O(log n)
/// whatever order steps arrive in. (A sorted buffer cost O(n) per out-of-order step: a slow rank
/// opening steps the fast ranks skipped, with thousands open, took most of the leader's time.)
struct StepHeap: Sendable {
    private var storage: [Int64] = []

    /// How many steps are held.
    var count: Int { storage.count }
    /// Whether no step is held.
    var isEmpty: Bool { storage.isEmpty }
    /// The lowest step.
    var first: Int64? { storage.first }

    /// Adds `step` (not already held).
    mutating func insert(_ step: Int64) {
        storage.append(step)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the lowest step; the heap must not be empty.
    mutating func removeFirst() -> Int64 {
        let lowest = storage[0]
        let last = storage.removeLast()
        guard !storage.isEmpty else { return lowest }
        storage[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < storage.count else { break }
            let right = left + 1
            let smaller = right < storage.count && storage[right] < storage[left] ? right : left
            guard storage[smaller] < storage[parent] else { break }
            storage.swapAt(smaller, parent)
            parent = smaller
        }
        return lowest
    }
}
