import CohortModel
import Foundation

/// What the runs table and the run page read off a stored run: parsed config and summary, its
/// start, duration and rank.
struct RunFacts: Sendable {
    let record: RunRecord
    let config: [String: JSONValue]
    let summary: [String: JSONValue]

    init(_ record: RunRecord) {
        self.record = record
        config = WebFormat.config(record.config)
        summary = WebFormat.object(record.summary)
    }

    /// Seconds the run ran: its summary's `_runtime`, else from creation to the last update (to
    /// now while running).
    func duration(now: Date = Date()) -> Double {
        if let runtime = summary["_runtime"]?.number { return runtime }
        let end = record.state == .running ? now : record.updatedAt
        return max(0, end.timeIntervalSince(record.createdAt))
    }

    /// The rank in its group (`_cohort.rank` in the config), if launched as one.
    var rank: Int? {
        let cohort = WebFormat.config(record.config, includeInternal: true)["_cohort"]
        return cohort?["rank"]?.intValue.map(Int.init)
    }

    /// Whether this is a group's aggregate run (job type `group`, written by the leader).
    var isAggregate: Bool { record.jobType == "group" }

    /// A value for a `config.<key>` or `summary.<key>` column (dotted keys reach into objects).
    func column(_ column: String) -> JSONValue? {
        if column.hasPrefix("config.") { return Self.lookup(config, path: String(column.dropFirst(7))) }
        if column.hasPrefix("summary.") { return Self.lookup(summary, path: String(column.dropFirst(8))) }
        return nil
    }

    static func lookup(_ object: [String: JSONValue], path: String) -> JSONValue? {
        if let direct = object[path] { return direct }
        var current: JSONValue = .object(object)
        for part in path.split(separator: ".") {
            guard let next = current[String(part)] else { return nil }
            current = next
        }
        return current
    }
}
