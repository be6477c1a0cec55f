import HTTPTypes
import CohortModel
import Foundation
import Hummingbird

/// `GET /{entity}/{project}`: the runs table.
enum ProjectPage {
    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }

    struct ColumnChoice {
        var name: String
        var checked: Bool
    }

    struct Header {
        var label: String
        var href: String
        var arrow: String
        var ariaSort: String
    }

    struct Row {
        var isGroup: Bool
        var rowClass: String
        var name: String
        var href: String
        var state: String
        var stateBadges: String
        var group: String
        var hasGroup: Bool
        var groupHref: String
        var jobType: String
        var start: String
        var startISO: String
        var duration: String
        var tags: [String]
        var cells: [String]
        var memberCount: Int
        var expandHref: String
        var expandLabel: String
    }

    struct View {
        var project: String
        var artifactsHref: String
        var states: [Choice]
        var tag: String
        var group: String
        var q: String
        var fold: Bool
        var sort: String
        var order: String
        var configChoices: [ColumnChoice]
        var summaryChoices: [ColumnChoice]
        var allTags: [String]
        var allGroups: [String]
        var headers: [Header]
        var rows: [Row]
        var shown: Int
        var total: Int
    }

    static func render(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let entity = try WebQuery.parameter("entity", context)
        let project = try WebQuery.parameter("project", context)
        let principal = try WebAccess.require(context, entity: entity)
        let query = WebQuery(request)
        let table = try RunsTableQuery(query)
        let records = try await WebStoreCalls.run { try await services.store.runs(entity: entity, project: project) }
        let projects = try await WebStoreCalls.run { try await services.store.projects(entity: entity) }
        guard !records.isEmpty || projects.contains(where: { $0.name == project }) else {
            throw WebError(.notFound, "Entity \(entity) has no project \(project).")
        }
        let now = Date()
        let all = records.map(RunFacts.init)
        let shown = table.sorted(all.filter(table.matches), now: now)
        let columns = table.configColumns.map { "config." + $0 } + table.summaryColumns.map { "summary." + $0 }
        let rows = table.fold
            ? foldedRows(shown, table: table, query: query, columns: columns, now: now)
            : shown.map { row($0, columns: columns, now: now, inGroup: false) }
        let view = View(
            project: project, artifactsHref: WebPaths.artifacts(entity, project),
            states: [Choice(value: "", label: "any", selected: table.state == nil)]
                + RunState.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, selected: table.state == $0) },
            tag: table.tag ?? "", group: table.group ?? "", q: query.value("q") ?? "", fold: table.fold, sort: table.sort,
            order: table.descending ? "desc" : "asc",
            configChoices: keys(all.map(\.config)).map { ColumnChoice(name: $0, checked: table.configColumns.contains($0)) },
            summaryChoices: keys(all.map(\.summary)).filter { !$0.hasPrefix("_") }
                .map { ColumnChoice(name: $0, checked: table.summaryColumns.contains($0)) },
            allTags: Array(Set(records.flatMap(\.tags))).sorted(),
            allGroups: Array(Set(records.compactMap(\.groupName))).sorted(),
            headers: headers(table: table, query: query, columns: columns), rows: rows, shown: shown.count, total: records.count)
        let html = WebTemplates.page(
            "project", view: view, title: "\(entity)/\(project)",
            crumbs: [.init(label: entity, href: "/"), .init(label: project, href: WebPaths.project(entity, project))],
            principal: principal, live: records.contains { $0.state == .running })
        return WebResponses.html(html)
    }

    /// The keys offered as extra columns: the union of the runs' top-level keys (scalars only).
    private static func keys(_ objects: [[String: JSONValue]]) -> [String] {
        var names = Set<String>()
        for object in objects {
            for (key, value) in object {
                switch value {
                case .int, .double, .string, .bool: names.insert(key)
                default: continue
                }
            }
        }
        return names.sorted().prefix(200).map { $0 }
    }

    private static func headers(table: RunsTableQuery, query: WebQuery, columns: [String]) -> [Header] {
        let fixed: [(String, String)] = [
            ("Name", "name"), ("State", "state"), ("Group", "group"), ("Job type", "job"), ("Started", "start"),
            ("Duration", "duration"), ("Tags", ""),
        ]
        return (fixed + columns.map { ($0, $0) }).map { label, key in
            guard !key.isEmpty else { return Header(label: label, href: query.with([:]), arrow: "", ariaSort: "") }
            let active = table.sort == key
            let order = active ? (table.descending ? "asc" : "desc") : (key == "start" || key == "duration" ? "desc" : "asc")
            return Header(
                label: label, href: query.with(["sort": key, "order": order]),
                arrow: active ? (table.descending ? " ▼" : " ▲") : "",
                ariaSort: active ? (table.descending ? "descending" : "ascending") : "")
        }
    }

    static func row(_ run: RunFacts, columns: [String], now: Date, inGroup: Bool) -> Row {
        let record = run.record
        return Row(
            isGroup: false, rowClass: inGroup ? "in-group" : "", name: record.displayName, href: WebPaths.run(record.key),
            state: record.state.rawValue, stateBadges: "", group: record.groupName ?? "", hasGroup: record.groupName != nil,
            groupHref: record.groupName.map { WebPaths.group(record.key.entity, record.key.project, $0) } ?? "",
            jobType: record.jobType ?? "", start: WebFormat.date(record.createdAt), startISO: WebFormat.iso(record.createdAt),
            duration: WebFormat.duration(run.duration(now: now)), tags: record.tags,
            cells: columns.map { run.column($0).map(WebFormat.value) ?? "" }, memberCount: 0, expandHref: "", expandLabel: "")
    }

    /// One line per group (in the order of its first run), its runs listed under it when expanded.
    private static func foldedRows(
        _ runs: [RunFacts], table: RunsTableQuery, query: WebQuery, columns: [String], now: Date
    ) -> [Row] {
        var order: [String] = []
        var members: [String: [RunFacts]] = [:]
        var rows: [Row] = []
        var slots: [(group: String?, run: RunFacts?)] = []
        for run in runs {
            guard let group = run.record.groupName else {
                slots.append((nil, run))
                continue
            }
            if members[group] == nil {
                order.append(group)
                slots.append((group, nil))
            }
            members[group, default: []].append(run)
        }
        for slot in slots {
            guard let group = slot.group else {
                if let run = slot.run { rows.append(row(run, columns: columns, now: now, inGroup: false)) }
                continue
            }
            let runs = members[group] ?? []
            rows.append(groupRow(group, runs: runs, table: table, query: query, columns: columns, now: now))
            if table.expanded.contains(group) {
                rows += runs.map { row($0, columns: columns, now: now, inGroup: true) }
            }
        }
        return rows
    }

    private static func groupRow(
        _ group: String, runs: [RunFacts], table: RunsTableQuery, query: WebQuery, columns: [String], now: Date
    ) -> Row {
        let first = runs.min { $0.record.createdAt < $1.record.createdAt }
        let key = runs[0].record.key
        var counts: [RunState: Int] = [:]
        for run in runs { counts[run.record.state, default: 0] += 1 }
        let badges = RunState.allCases.compactMap { state in
            counts[state].map { "<span class=\"state state-\(state.rawValue)\">\($0) \(state.rawValue)</span>" }
        }.joined(separator: " ")
        var expanded = table.expanded
        let isOpen = expanded.contains(group)
        if isOpen { expanded.remove(group) } else { expanded.insert(group) }
        let aggregate = runs.first { $0.isAggregate }
        return Row(
            isGroup: true, rowClass: "group-row", name: group, href: WebPaths.group(key.entity, key.project, group), state: "",
            stateBadges: badges, group: group, hasGroup: true, groupHref: WebPaths.group(key.entity, key.project, group),
            jobType: Array(Set(runs.compactMap(\.record.jobType))).sorted().joined(separator: ", "),
            start: WebFormat.date(first?.record.createdAt), startISO: WebFormat.iso(first?.record.createdAt),
            duration: WebFormat.duration(runs.map { $0.duration(now: now) }.max() ?? 0),
            tags: Array(Set(runs.flatMap(\.record.tags))).sorted(),
            cells: columns.map { column in (aggregate ?? runs[0]).column(column).map(WebFormat.value) ?? "" },
            memberCount: runs.count, expandHref: query.with(["expand": expanded.sorted().joined(separator: ",")]),
            expandLabel: isOpen ? "hide runs" : "show runs")
    }
}
