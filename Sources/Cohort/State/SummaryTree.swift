import CohortModel

/// The run summary as a tree mirroring the logged rows, with W&B's update rules
/// (`core/internal/runsummary/runsummary.go` over a `pathtree`): every logged leaf updates its
/// statistics, explicit writes store a whole value at a path, a removal clears a leaf or drops a
/// subtree, and a metric definition configures the leaf at its path.
///
/// A node is either a leaf (with statistics) or an inner node (with children). Reaching a path
/// replaces whatever is in the way, as W&B's path tree does: a leaf on the way becomes an inner
/// node, an inner node at the end becomes a fresh leaf.
///
/// Confined to the journal writer's thread.
struct SummaryTree: Sendable {
    private var root = SummaryNode()

    /// Applies a committed row: each leaf of the row (nested objects are walked; an empty object
    /// adds nothing) updates the statistics at its path. New leaves show their latest value until a
    /// metric definition configures them.
    mutating func log(row: [String: JSONValue]) {
        var path: [String] = []
        Self.log(object: row, path: &path, root: &root)
    }

    private static func log(object: [String: JSONValue], path: inout [String], root: inout SummaryNode) {
        for (key, value) in object {
            path.append(key)
            if case .object(let members) = value {
                log(object: members, path: &path, root: &root)
            } else {
                updateLeaf(at: path[...], in: &root) { $0.log(value) }
            }
            path.removeLast()
        }
    }

    /// Stores `value` whole at `path` (a dictionary is not exploded), as `summary[k] = v` does.
    mutating func write(_ value: JSONValue, at path: [String]) {
        guard !path.isEmpty else { return }
        Self.updateLeaf(at: path[...], in: &root) { $0.write(value) }
    }

    /// Clears the leaf at `path` (it keeps its accumulators and reappears when logged again), or drops
    /// the subtree at `path` whole.
    mutating func remove(at path: [String]) {
        guard !path.isEmpty else { return }
        Self.remove(at: path[...], from: &root)
    }

    private static func remove(at path: ArraySlice<String>, from node: inout SummaryNode) {
        let key = path.first!  // callers pass non-empty paths
        guard var child = node.children[key] else { return }
        if path.count == 1 {
            if child.statistics != nil {
                child.statistics!.clear()  // checked just above
                node.children[key] = child
            } else {
                node.children[key] = nil
            }
            return
        }
        guard child.statistics == nil else { return }  // a leaf on the way: nothing below it
        remove(at: path.dropFirst(), from: &child)
        node.children[key] = child.children.isEmpty ? nil : child
    }

    /// Applies a metric definition's summary choice to the leaf at `path`, creating it (without
    /// data) if needed, as W&B's `ConfigureMetric` does.
    mutating func configure(path: [String], summary: Set<MetricSummary>) {
        guard !path.isEmpty else { return }
        Self.updateLeaf(at: path[...], in: &root) { $0.configure(summary) }
    }

    /// Runs `body` on the leaf at `path`, making it (and the inner nodes above it) if needed.
    private static func updateLeaf(
        at path: ArraySlice<String>, in node: inout SummaryNode, _ body: (inout SummaryStatistics) -> Void
    ) {
        let key = path.first!  // callers pass non-empty paths
        if path.count == 1 {
            var statistics = node.children[key]?.statistics ?? SummaryStatistics()
            body(&statistics)
            node.children[key] = SummaryNode(statistics: statistics)
            return
        }
        if node.children[key]?.statistics != nil { node.children[key] = nil }  // a leaf in the way
        updateLeaf(at: path.dropFirst(), in: &node.children[key, default: SummaryNode()], body)
    }

    /// The summary as W&B shows it: a nested object of visible values.
    var visible: [String: JSONValue] { Self.visible(root) }

    private static func visible(_ node: SummaryNode) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, child) in node.children {
            if let statistics = child.statistics {
                if let value = statistics.visibleValue { result[key] = value }
            } else {
                let nested = visible(child)
                if !nested.isEmpty { result[key] = .object(nested) }
            }
        }
        return result
    }
}

/// A node of the summary tree: a leaf with statistics, or an inner node with children.
struct SummaryNode: Sendable {
    var statistics: SummaryStatistics?
    var children: [String: SummaryNode] = [:]
}
