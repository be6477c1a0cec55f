/// Slurm's compressed tasks-per-node lists, as in `SLURM_STEP_TASKS_PER_NODE` and
/// `SLURM_TASKS_PER_NODE`: `2(x3),1` is 2 tasks on each of the first three nodes and 1 on the fourth.
///
/// ```swift
/// let layout = SlurmTasksPerNode.parse("2(x3),1")
/// layout?.tasks(onNode: 3) // 1
/// layout?.taskCount        // 7
/// ```
public struct SlurmTasksPerNode: Sendable, Hashable {
    /// Consecutive nodes that run the same number of tasks.
    public struct Group: Sendable, Hashable {
        /// Tasks on each node of the group (at least 1).
        public var tasks: Int
        /// Nodes in the group (at least 1).
        public var nodes: Int

        /// Creates a group of `nodes` nodes with `tasks` tasks each.
        public init(tasks: Int, nodes: Int) {
            self.tasks = tasks
            self.nodes = nodes
        }
    }

    /// The groups, in node order.
    public let groups: [Group]
    /// The number of nodes.
    public let nodeCount: Int
    /// The number of tasks on all nodes.
    public let taskCount: Int

    private init(groups: [Group], nodeCount: Int, taskCount: Int) {
        self.groups = groups
        self.nodeCount = nodeCount
        self.taskCount = taskCount
    }

    /// Parses a tasks-per-node list.
    /// - Parameter text: a list such as `4`, `2(x3),1` or `8(x2),4(x1)`.
    /// - Returns: the layout; `nil` when `text` is empty or malformed (a count that is not a positive
    ///   integer, a repeat not written `(xN)`, an empty item), or its totals overflow.
    public static func parse(_ text: String) -> SlurmTasksPerNode? {
        let trimmed = text.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { return nil }
        var groups: [Group] = []
        var nodeCount = 0
        var taskCount = 0
        for item in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            guard let group = Self.group(item.trimmingASCIIWhitespace()) else { return nil }
            let (nodes, nodesOverflow) = nodeCount.addingReportingOverflow(group.nodes)
            let (product, productOverflow) = group.tasks.multipliedReportingOverflow(by: group.nodes)
            let (tasks, tasksOverflow) = taskCount.addingReportingOverflow(product)
            guard !nodesOverflow, !productOverflow, !tasksOverflow else { return nil }
            groups.append(group)
            nodeCount = nodes
            taskCount = tasks
        }
        return SlurmTasksPerNode(groups: groups, nodeCount: nodeCount, taskCount: taskCount)
    }

    /// The number of tasks on node `index` (0-based, as `SLURM_NODEID`), or `nil` when there is no
    /// such node.
    /// - Parameter index: the node's index.
    public func tasks(onNode index: Int) -> Int? {
        guard index >= 0 else { return nil }
        var first = 0
        for group in groups {
            if index < first + group.nodes { return group.tasks }
            first += group.nodes
        }
        return nil
    }

    /// `N` or `N(xR)`.
    private static func group(_ item: Substring) -> Group? {
        guard let open = item.firstIndex(of: "(") else {
            return positive(item).map { Group(tasks: $0, nodes: 1) }
        }
        let repeatText = item[item.index(after: open)...]
        guard repeatText.hasPrefix("x"), repeatText.hasSuffix(")"), repeatText.count >= 3,
            let tasks = positive(item[..<open]),
            let nodes = positive(repeatText.dropFirst().dropLast())
        else { return nil }
        return Group(tasks: tasks, nodes: nodes)
    }

    /// A positive decimal integer of ASCII digits.
    private static func positive(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCIIDigit), let value = Int(text), value > 0
        else { return nil }
        return value
    }
}
