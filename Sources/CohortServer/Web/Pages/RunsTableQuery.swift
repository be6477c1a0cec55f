import HTTPTypes
import CohortModel
import Foundation

/// The runs table's filter, sort and columns, read from the project page's query string:
/// `state`, `tag`, `group`, `q` (text in name, id, notes, job type, group, tags), `sort`
/// (`name`, `state`, `group`, `job`, `start`, `duration`, or `config.K` / `summary.K`), `order`
/// (`asc`/`desc`), `config` and `summary` (extra columns), `fold=1` (one line per group) and
/// `expand` (a folded group whose runs are listed under it).
struct RunsTableQuery: Sendable {
    var state: RunState?
    var tag: String?
    var group: String?
    var text: String?
    var sort = "start"
    var descending = true
    var configColumns: [String] = []
    var summaryColumns: [String] = []
    var fold = false
    var expanded: Set<String> = []

    init(_ query: WebQuery) throws(WebError) {
        if let state = query.value("state") {
            guard let parsed = RunState(rawValue: state) else {
                throw WebError(.badRequest, "state must be one of \(RunState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            self.state = parsed
        }
        tag = query.value("tag")
        group = query.value("group")
        text = query.value("q")?.lowercased()
        if let sort = query.value("sort") {
            let fixed = ["name", "state", "group", "job", "start", "duration"]
            guard fixed.contains(sort) || sort.hasPrefix("config.") || sort.hasPrefix("summary.") else {
                throw WebError(.badRequest, "sort must be name, state, group, job, start, duration, config.KEY or summary.KEY.")
            }
            self.sort = sort
        }
        if let order = query.value("order") {
            guard order == "asc" || order == "desc" else { throw WebError(.badRequest, "order must be asc or desc.") }
            descending = order == "desc"
        } else {
            descending = sort == "start" || sort == "duration"
        }
        configColumns = Array(query.values("config").prefix(20))
        summaryColumns = Array(query.values("summary").prefix(20))
        fold = query.value("fold") == "1"
        expanded = Set(query.values("expand"))
    }

    /// Whether a run passes the filters.
    func matches(_ run: RunFacts) -> Bool {
        let record = run.record
        if let state, record.state != state { return false }
        if let tag, !record.tags.contains(tag) { return false }
        if let group, record.groupName != group { return false }
        if let text {
            let haystack = [record.displayName, record.key.name, record.notes ?? "", record.jobType ?? "", record.groupName ?? ""]
                + record.tags
            guard haystack.contains(where: { $0.lowercased().contains(text) }) else { return false }
        }
        return true
    }

    /// `runs` in the requested order (ties broken by start time, newest first).
    func sorted(_ runs: [RunFacts], now: Date) -> [RunFacts] {
        runs.sorted { a, b in
            let order = compare(a, b, now: now)
            if order != .orderedSame { return descending ? order == .orderedDescending : order == .orderedAscending }
            return a.record.createdAt > b.record.createdAt
        }
    }

    private func compare(_ a: RunFacts, _ b: RunFacts, now: Date) -> ComparisonResult {
        func strings(_ x: String, _ y: String) -> ComparisonResult { x.localizedStandardCompare(y) }
        switch sort {
        case "name": return strings(a.record.displayName, b.record.displayName)
        case "state": return strings(a.record.state.rawValue, b.record.state.rawValue)
        case "group": return strings(a.record.groupName ?? "", b.record.groupName ?? "")
        case "job": return strings(a.record.jobType ?? "", b.record.jobType ?? "")
        case "duration": return Self.numbers(a.duration(now: now), b.duration(now: now))
        case "start": return Self.numbers(a.record.createdAt.timeIntervalSince1970, b.record.createdAt.timeIntervalSince1970)
        default:
            let (x, y) = (a.column(sort), b.column(sort))
            if let p = x?.number, let q = y?.number { return Self.numbers(p, q) }
            // Runs without the value sort after those with it, whichever the order.
            if x == nil || y == nil { return x == nil && y == nil ? .orderedSame : (x == nil) == descending ? .orderedAscending : .orderedDescending }
            return strings(x.map(WebFormat.value) ?? "", y.map(WebFormat.value) ?? "")
        }
    }

    private static func numbers(_ x: Double, _ y: Double) -> ComparisonResult {
        x < y ? .orderedAscending : x > y ? .orderedDescending : .orderedSame
    }
}
