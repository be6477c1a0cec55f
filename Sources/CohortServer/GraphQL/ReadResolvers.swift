import Foundation
import GraphQL

/// The resolvers of `wandb.Api()`'s read queries (`docs/wandb-api-queries.md`): projects, runs with
/// filters, a run's history and its files.
extension Resolvers {
    // MARK: Projects

    /// `models(entityName:, after:, first:)`: the entity's projects, in the store's order.
    @Sendable static func models(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let entity = try ctx.entity(args["entityName"].stringOrNil)
        let projects = try await ctx.store { try await $0.projects(entity: entity) }
        let nodes = projects.map { ProjectNode(entity: $0.entity, name: $0.name, createdAt: $0.lastActivity) }
        return try PageNode(nodes, after: args["after"].stringOrNil, first: args["first"].integerOrNil.map(Int.init))
    }

    // MARK: Runs

    /// The project's runs that match `filters`, in `order` (see `RunFilter`, `RunOrder`). All the
    /// project's runs are read and filtered here: O(runs) per page.
    static func filteredRuns(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> [RunRecord] {
        let filter = try RunFilter(json: args["filters"].stringOrNil)
        let runs = try await ctx.store { try await $0.runs(entity: project.entity, project: project.name) }
        var views = runs.map(RunView.init)
        if !filter.isEmpty { views = try views.filter { try filter.matches($0) } }
        return RunOrder.sort(views, by: args["order"].stringOrNil).map(\.run)
    }

    /// `Project.runs(filters:, after:, first:, order:)`.
    @Sendable static func projectRuns(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        _ = try ctx.entity(project.entity)
        let runs = try await filteredRuns(project, args, ctx)
        return try PageNode(runs, after: args["after"].stringOrNil, first: args["first"].integerOrNil.map(Int.init))
    }

    /// `Project.runCount(filters:)`.
    @Sendable static func runCount(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        _ = try ctx.entity(project.entity)
        return try await filteredRuns(project, args, ctx).count
    }

    // MARK: History

    /// The run's history lines parsed as objects (lines that are not objects are skipped).
    private static func historyRows(_ run: RunRecord, _ ctx: GraphQLContext) async throws -> [(line: String, row: [String: Any])] {
        guard run.historyLineCount > 0 else { return [] }
        let lines = try await ctx.store { try await $0.history(run.key, from: 0, to: nil) }
        return lines.compactMap { line in
            guard let data = line.data(using: .utf8), let row = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { return nil }
            return (line, row)
        }
    }

    private static func step(_ row: [String: Any]) -> Int? { (row["_step"] as? NSNumber)?.intValue }

    /// At most `samples` items, evenly spaced, first and last kept.
    static func sample<T>(_ items: [T], _ samples: Int?) -> [T] {
        guard let samples, samples > 0, items.count > samples else { return items }
        if samples == 1 { return [items[0]] }
        return (0..<samples).map { items[Int((Double($0) * Double(items.count - 1) / Double(samples - 1)).rounded())] }
    }

    /// `Run.historyKeys`: a JSON object (not text: the client reads it as is) `{"lastStep": N, "keys": {key: {"typeCounts": [{type, count}]}}}`
    /// over the whole history (O(lines)); `lastStep` is -1 without history.
    @Sendable static func historyKeys(_ run: RunRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        var lastStep = -1
        var counts: [String: [String: Int]] = [:]
        for row in try await historyRows(run, ctx).map(\.row) {
            if let step = step(row) { lastStep = max(lastStep, step) }
            for (key, value) in row { counts[key, default: [:]][typeName(value), default: 0] += 1 }
        }
        let keys = counts.mapValues { types in
            ["typeCounts": types.sorted { $0.key < $1.key }.map { ["type": $0.key, "count": $0.value] }]
        }
        let object: [String: Any] = ["lastStep": lastStep, "keys": keys]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return try JSONDecoder().decode(Map.self, from: data)
    }

    private static func typeName(_ value: Any) -> String {
        if type(of: value) == Bool.self { return "boolean" }
        switch value {
        case is String: return "string"
        case let n as NSNumber: return RunFilter.isBoolean(n) ? "boolean" : "number"
        case is [Any]: return "list"
        case let object as [String: Any]: return (object["_type"] as? String) ?? "map"
        default: return "nil"
        }
    }

    /// `Run.history(samples:, minStep:, maxStep:)`: history lines (JSON text each). With a step
    /// range (wandb-core's `HistoryPage`, `samples` being its page size): the lines with steps in
    /// `[minStep, maxStep)`, the first `samples` of them. Without: at most `samples`, evenly spaced.
    @Sendable static func fullHistory(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let minStep = args["minStep"].integerOrNil, maxStep = args["maxStep"].integerOrNil
        var rows = try await historyRows(run, ctx)
        if minStep != nil || maxStep != nil {
            rows = rows.filter { entry in
                guard let step = step(entry.row) else { return false }
                return (minStep.map { step >= $0 } ?? true) && (maxStep.map { step < $0 } ?? true)
            }
            let limit = args["samples"].integerOrNil.map { max(0, Int($0)) } ?? rows.count
            return rows.prefix(limit).map(\.line)
        }
        return sample(rows.map(\.line), args["samples"].integerOrNil.map(Int.init))
    }

    /// `Run.events(samples:)`: system-metrics lines, at most `samples`.
    @Sendable static func events(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard run.eventsLineCount > 0 else { return [String]() }
        let lines = try await ctx.store { try await $0.events(run.key, from: 0, to: nil) }
        return sample(lines, args["samples"].integerOrNil.map(Int.init))
    }

    /// `Run.systemMetrics`: the last system-metrics line (`{}` when none).
    @Sendable static func systemMetrics(_ run: RunRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard run.eventsLineCount > 0 else { return "{}" }
        let lines = try await ctx.store { try await $0.events(run.key, from: run.eventsLineCount - 1, to: nil) }
        return lines.last ?? "{}"
    }

    /// `Run.sampledHistory(specs:)`: per spec `{"keys": [x, k…], "samples": n, "minStep"?, "maxStep"?}`,
    /// the rows that have the first key and at least one other, limited to the spec's keys, at most
    /// `samples` (evenly spaced; with a step range, the first ones). A list
    /// of lists of objects (W&B's `JSON`, not JSON text).
    @Sendable static func sampledHistory(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard case .array(let specs) = args["specs"] else { throw GraphQLFailure("sampledHistory needs specs") }
        let rows = try await historyRows(run, ctx)
        var out: [Map] = []
        for spec in specs {
            guard let text = spec.stringOrNil, let data = text.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let keys = object["keys"] as? [String], let first = keys.first
            else { throw GraphQLFailure("each sampledHistory spec must be JSON text {\"keys\": [..], \"samples\": n}") }
            let others = keys.dropFirst()
            // wandb-core's `SampledHistoryPage` adds an inclusive step range; then the first
            // `samples` rows of the range are the page.
            let minStep = (object["minStep"] as? NSNumber)?.intValue, maxStep = (object["maxStep"] as? NSNumber)?.intValue
            let selected: [[String: Any]] = rows.compactMap { entry in
                let row = entry.row
                guard row[first] != nil, others.isEmpty || others.contains(where: { row[$0] != nil }) else { return nil }
                if minStep != nil || maxStep != nil {
                    guard let step = step(row), step >= (minStep ?? Int.min), step <= (maxStep ?? Int.max) else { return nil }
                }
                return row.filter { keys.contains($0.key) }
            }
            let samples = (object["samples"] as? NSNumber)?.intValue
            let sampled = minStep != nil || maxStep != nil ? Array(selected.prefix(max(0, samples ?? selected.count))) : sample(selected, samples)
            let json = try JSONSerialization.data(withJSONObject: sampled, options: [.sortedKeys])
            out.append(try JSONDecoder().decode(Map.self, from: json))
        }
        return out
    }

    /// `Run.parquetHistory(liveKeys:)` (wandb-core's scan with the cache on): no parquet URLs; every
    /// history row as `liveData` (whole rows, the client selects keys).
    @Sendable static func parquetHistory(_ run: RunRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let rows = try await historyRows(run, ctx)
        return ParquetHistoryNode(liveData: try rows.map { try JSONDecoder().decode(Map.self, from: Data($0.line.utf8)) })
    }

    // MARK: Files

    /// The run's stored files (content uploaded), matching `names` (exact) or else `pattern` (SQL
    /// LIKE: `%` any run, `_` one character).
    static func storedFiles(
        _ run: RunRecord, names: [String]?, pattern: String?, _ ctx: GraphQLContext
    ) async throws -> [RunFileRecord] {
        var files = try await ctx.store { try await $0.runFiles(run.key) }.filter { $0.digest != nil }
        if let names, !names.isEmpty {
            files = files.filter { names.contains($0.name) }
        } else if let pattern, !pattern.isEmpty {
            let regex = try NSRegularExpression(pattern: "^" + likePattern(pattern) + "$", options: [.dotMatchesLineSeparators])
            files = files.filter { regex.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) != nil }
        }
        return files
    }

    private static func likePattern(_ pattern: String) -> String {
        pattern.map { c -> String in
            switch c {
            case "%": return ".*"
            case "_": return "."
            default: return NSRegularExpression.escapedPattern(for: String(c))
            }
        }.joined()
    }

    /// `Run.files(names:, pattern:, after:, first:)`: stored files with signed GET URLs.
    @Sendable static func runFiles(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let nodes = try await storedFiles(run, names: args["names"].stringsOrNil, pattern: args["pattern"].stringOrNil, ctx).map { file -> FileNode in
            let url = ctx.services.runFileURL(method: "GET", key: run.key, name: file.name, now: ctx.now)
            return FileNode(
                id: OpaqueID.make("File", run.storageID, file.name), name: file.name, directUrl: url, url: url,
                sizeBytes: file.size, mimetype: mimetype(file.name), updatedAt: file.updatedAt)
        }
        return try PageNode(nodes, after: args["after"].stringOrNil, first: args["first"].integerOrNil.map(Int.init))
    }

    /// `Run.fileCount`.
    @Sendable static func fileCount(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        try await storedFiles(run, names: nil, pattern: nil, ctx).count
    }

    static func mimetype(_ name: String) -> String {
        switch (name as NSString).pathExtension.lowercased() {
        case "json": return "application/json"
        case "txt", "log", "yaml", "yml", "jsonl", "py", "md", "csv": return "text/plain"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        default: return "application/octet-stream"
        }
    }
}
