import CohortModel

/// The metric definitions of a run and what they do to rows: W&B's glob materialisation and
/// step-metric synchronisation (`step_sync`), as in `core/internal/runmetric/runmetric.go`.
///
/// Definitions are keyed by their name exactly as given (`a\.b` stays escaped), while rows are
/// matched by their leaf labels joined with dots: so an escaped name never matches a row for
/// step sync, and `{"a.b": …}` and `{"a": {"b": …}}` both match `a.b`, as in W&B.
///
/// Confined to the journal writer's thread.
struct MetricRegistry: Sendable {
    /// Concrete definitions by name, in definition order.
    private(set) var definitions: [String: MetricDefinition] = [:]
    private(set) var order: [String] = []
    /// Glob definitions by their full name (with the `*`).
    private(set) var globs: [String: MetricDefinition] = [:]
    private var globOrder: [String] = []
    /// Leaf names already checked against the globs defined so far (emptied when a glob is defined).
    private var seenNames: Set<String> = []
    /// The last numeric value of every step metric, by its name as given.
    private var lastStepValues: [String: JSONValue] = [:]
    /// Names used as step metrics by some definition.
    private var stepMetricNames: Set<String> = []

    var isEmpty: Bool { definitions.isEmpty && globs.isEmpty }

    /// Adds or merges a definition; returns the definition now in force.
    mutating func define(_ definition: MetricDefinition, overwrite: Bool) -> MetricDefinition {
        let result: MetricDefinition
        if definition.isGlob {
            let existing = globs[definition.name]
            result = overwrite || existing == nil ? definition : existing!.merged(with: definition)
            if existing == nil { globOrder.append(definition.name) }
            globs[definition.name] = result
            seenNames.removeAll()  // names seen before may match the new glob
        } else {
            let existing = definitions[definition.name]
            result = overwrite || existing == nil ? definition : existing!.merged(with: definition)
            if existing == nil { order.append(definition.name) }
            definitions[definition.name] = result
        }
        if let step = result.stepMetric { stepMetricNames.insert(step) }
        return result
    }

    /// Applies the definitions to a committed row before it is written, in W&B's order: records the
    /// step metrics' latest values, materialises globs for leaves no definition covers yet (returned,
    /// so the caller can journal them and configure the summary), then inserts step-metric values
    /// where `stepSync` asks for them.
    mutating func prepare(row: inout [String: JSONValue]) -> [MetricDefinition] {
        guard !isEmpty else { return [] }
        for step in stepMetricNames {
            if let value = Self.leaf(at: MetricPath.splitPlain(step), in: row), value.number != nil {
                lastStepValues[step] = value
            }
        }
        var names: [String] = []
        Self.collectLeafNames(row, prefix: nil, into: &names)
        let materialized = globs.isEmpty ? [] : materializeGlobs(for: names)
        guard !stepMetricNames.isEmpty else { return materialized }
        for name in names {
            guard let definition = definitions[name], definition.stepSync, let step = definition.stepMetric
            else { continue }
            let stepPath = MetricPath.splitPlain(step)
            guard Self.leaf(at: stepPath, in: row) == nil else { continue }
            Self.setLeaf(lastStepValues[step] ?? .int(0), at: stepPath, in: &row)
        }
        return materialized
    }

    /// Gives every new leaf name that matches a glob (the first defined) a concrete definition.
    /// Names starting with `_` are W&B's own and never match.
    private mutating func materializeGlobs(for names: [String]) -> [MetricDefinition] {
        var materialized: [MetricDefinition] = []
        for name in names where !seenNames.contains(name) {
            seenNames.insert(name)
            guard !name.hasPrefix("_"), definitions[name] == nil,
                let glob = globOrder.first(where: { name.hasPrefix(globs[$0]!.globPrefix) }).flatMap({ globs[$0] })
            else { continue }
            var concrete = glob
            concrete.name = name
            definitions[name] = concrete
            order.append(name)
            if let step = concrete.stepMetric { stepMetricNames.insert(step) }
            materialized.append(concrete)
        }
        return materialized
    }

    /// W&B's `_wandb.m` config entry: definitions keyed by protobuf field number, step metrics as
    /// their own entries referenced by one-based index.
    var configEncoding: JSONValue {
        var entries: [JSONValue] = []
        var indexByName: [String: Int] = [:]
        func entry(for definition: MetricDefinition, glob: Bool) -> [String: JSONValue] {
            var object: [String: JSONValue] = [glob ? "2" : "1": .string(definition.name)]
            var options: [JSONValue] = [3]
            if definition.stepSync { options.insert(1, at: 0) }
            if definition.hidden { options.insert(2, at: options.count - 1) }
            object["6"] = .array(options)
            let flags: [(MetricSummary, Int64)] = [(.min, 1), (.max, 2), (.mean, 3), (.last, 5), (.none, 6), (.first, 8)]
            let summary = flags.filter { definition.summary.contains($0.0) }.map { JSONValue.int($0.1) }
            if !summary.isEmpty { object["7"] = .array(summary) }
            if let goal = definition.goal { object["8"] = .int(goal == .minimize ? 1 : 2) }
            return object
        }
        func stepIndex(_ step: String) -> Int {
            if let index = indexByName[step] { return index }
            entries.append(.object(["1": .string(step), "6": [3]]))
            indexByName[step] = entries.count
            return entries.count
        }
        for name in order {
            guard let definition = definitions[name] else { continue }
            var object = entry(for: definition, glob: false)
            if let step = definition.stepMetric { object["5"] = .int(Int64(stepIndex(step))) }
            if let existing = indexByName[name] {
                entries[existing - 1] = .object(object)
            } else {
                entries.append(.object(object))
                indexByName[name] = entries.count
            }
        }
        for name in globOrder {
            guard let definition = globs[name] else { continue }
            var object = entry(for: definition, glob: true)
            if let step = definition.stepMetric { object["5"] = .int(Int64(stepIndex(step))) }
            entries.append(.object(object))
        }
        return .array(entries)
    }

    private static func collectLeafNames(_ object: [String: JSONValue], prefix: String?, into names: inout [String]) {
        for (key, value) in object {
            let name = prefix.map { $0 + "." + key } ?? key
            if case .object(let members) = value {
                collectLeafNames(members, prefix: name, into: &names)
            } else {
                names.append(name)
            }
        }
    }

    /// The leaf (a value that is not an object) at `path`, or `nil`.
    private static func leaf(at path: [String], in object: [String: JSONValue]) -> JSONValue? {
        var current: JSONValue = .object(object)
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current.objectValue == nil ? current : nil
    }

    private static func setLeaf(_ value: JSONValue, at path: [String], in object: inout [String: JSONValue]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            object[key] = value
            return
        }
        var child = object[key]?.objectValue ?? [:]
        setLeaf(value, at: Array(path.dropFirst()), in: &child)
        object[key] = .object(child)
    }
}
