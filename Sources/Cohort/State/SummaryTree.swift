import CohortModel

/// The run summary as a tree mirroring the logged rows, with W&B's update rules: logged leaves
/// update their statistics, explicit writes store a whole value at a path, a logged subtree replaces
/// an explicit leaf, and a removal clears a leaf or drops a subtree.
///
/// Confined to the journal writer's thread.
struct SummaryTree: Sendable {
    private var root = SummaryNode()

    /// Applies a committed row. `configure` returns the summary choice for a newly seen leaf path
    /// (its dotted name), or `nil` when no metric definition covers it.
    mutating func log(row: [String: JSONValue], configure: (String) -> Set<MetricSummary>?) {
        Self.log(object: row, into: &root, prefix: nil, configure: configure)
    }

    private static func log(
        object: [String: JSONValue], into node: inout SummaryNode, prefix: String?,
        configure: (String) -> Set<MetricSummary>?
    ) {
        for (key, value) in object {
            if case .object(let members) = value {
                guard !members.isEmpty else { continue }
                let name = prefix.map { $0 + "." + key } ?? key
                logSubtree(members, into: &node.children[key, default: SummaryNode()], name: name, configure: configure)
            } else {
                logLeaf(value, into: &node.children[key, default: SummaryNode()], prefix: prefix, key: key, configure: configure)
            }
        }
    }

    private static func logSubtree(
        _ members: [String: JSONValue], into node: inout SummaryNode, name: String,
        configure: (String) -> Set<MetricSummary>?
    ) {
        node.statistics = nil  // a logged subtree replaces a leaf
        log(object: members, into: &node, prefix: name, configure: configure)
    }

    private static func logLeaf(
        _ value: JSONValue, into node: inout SummaryNode, prefix: String?, key: String,
        configure: (String) -> Set<MetricSummary>?
    ) {
        if !node.children.isEmpty { node.children.removeAll() }  // a logged leaf replaces a subtree
        if node.statistics != nil {
            node.statistics!.log(value)  // checked just above
            return
        }
        var statistics = SummaryStatistics(logged: value)
        if let summary = configure(prefix.map { $0 + "." + key } ?? key) { statistics.configure(summary) }
        node.statistics = statistics
    }

    /// Stores `value` whole at `path` (a dictionary is not exploded), as `summary[k] = v` does.
    mutating func write(_ value: JSONValue, at path: [String]) {
        guard !path.isEmpty else { return }
        Self.write(value, at: path[...], into: &root)
    }

    private static func write(_ value: JSONValue, at path: ArraySlice<String>, into node: inout SummaryNode) {
        let key = path.first!  // callers pass non-empty paths
        var child = node.children[key] ?? SummaryNode()
        if path.count == 1 {
            child.children.removeAll()
            if child.statistics == nil {
                child.statistics = SummaryStatistics(explicit: value)
            } else {
                child.statistics!.write(value)  // checked just above
            }
        } else {
            child.statistics = nil
            write(value, at: path.dropFirst(), into: &child)
        }
        node.children[key] = child
    }

    /// Clears the leaf or drops the subtree at `path`.
    mutating func remove(at path: [String]) {
        guard !path.isEmpty else { return }
        Self.remove(at: path[...], from: &root)
    }

    private static func remove(at path: ArraySlice<String>, from node: inout SummaryNode) {
        let key = path.first!  // callers pass non-empty paths
        if path.count == 1 {
            node.children[key] = nil
            return
        }
        guard var child = node.children[key] else { return }
        remove(at: path.dropFirst(), from: &child)
        node.children[key] = child.isEmpty ? nil : child
    }

    /// Applies a metric definition's summary choice to the leaf at `path`, if it exists.
    mutating func configure(path: [String], summary: Set<MetricSummary>) {
        Self.configure(path: path[...], summary: summary, in: &root)
    }

    private static func configure(path: ArraySlice<String>, summary: Set<MetricSummary>, in node: inout SummaryNode) {
        guard let key = path.first, var child = node.children[key] else { return }
        if path.count == 1 {
            child.statistics?.configure(summary)
        } else {
            configure(path: path.dropFirst(), summary: summary, in: &child)
        }
        node.children[key] = child
    }

    /// Calls `body` with the dotted name of every leaf.
    func forEachLeafName(_ body: (String) -> Void) {
        func walk(_ node: SummaryNode, _ prefix: String?) {
            for (key, child) in node.children {
                let name = prefix.map { $0 + "." + key } ?? key
                if child.statistics != nil { body(name) }
                walk(child, name)
            }
        }
        walk(root, nil)
    }

    /// The summary as W&B shows it: a nested object of visible values.
    var visible: [String: JSONValue] { Self.visible(root) }

    private static func visible(_ node: SummaryNode) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, child) in node.children {
            if let statistics = child.statistics {
                if let value = statistics.visibleValue { result[key] = value }
            } else if !child.children.isEmpty {
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

    var isEmpty: Bool { statistics == nil && children.isEmpty }
}
