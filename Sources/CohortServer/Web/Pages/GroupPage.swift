import HTTPTypes
import CohortModel
import Foundation
import Hummingbird

/// `GET /{entity}/{project}/groups/{group}`: every rank's curve per metric with the aggregate
/// run's mean and min–max band, the rank table and the group summary written by the leader.
enum GroupPage {
    struct RankRow {
        var rank: String
        var name: String
        var href: String
        var state: String
        var health: String
        var lastStep: String
        var lag: String
        var stepTime: String
        var exitCode: String
    }

    struct SummaryRow {
        var metric: String
        var mean: String
        var min: String
        var max: String
        var std: String
        var count: String
    }

    struct View {
        var group: String
        var runCount: Int
        var hasAggregate: Bool
        var aggregateHref: String
        var aggregateName: String
        var groupState: String
        var hasGroupState: Bool
        var ranks: [RankRow]
        var smoothing: String
        var logScale: Bool
        var charts: [RunPage.Chart]
        var summary: [SummaryRow]
        var hasSummary: Bool
    }

    /// Metrics charted per group page at most.
    static let maximumCharts = 40
    /// Points per rank curve.
    static let pointsPerRank = 800

    static func render(
        request: Request, context: CohortRequestContext, services: ServerServices, cache: MetricSeriesCache
    ) async throws -> Response {
        let entity = try WebQuery.parameter("entity", context)
        let project = try WebQuery.parameter("project", context)
        let group = try WebQuery.parameter("group", context)
        let principal = try WebAccess.require(context, entity: entity)
        let options = try ChartOptions(WebQuery(request))
        let runs = try await WebStoreCalls.run { try await services.store.runs(entity: entity, project: project) }
            .filter { $0.groupName == group }.map(RunFacts.init)
        guard !runs.isEmpty else { throw WebError(.notFound, "Project \(entity)/\(project) has no group \(group).") }
        let aggregate = runs.first { $0.isAggregate }
        let members = ranked(runs.filter { !$0.isAggregate })
        var memberSeries: [MetricSeries] = []
        for member in members {
            memberSeries.append(try await WebStoreCalls.run { try await cache.series(of: member.run.record, store: services.store) })
        }
        var aggregateSeries: MetricSeries?
        if let aggregate {
            aggregateSeries = try await WebStoreCalls.run { try await cache.series(of: aggregate.record, store: services.store) }
        }
        let health = aggregate?.summary["ranks"]?.objectValue ?? [:]
        let rankRows = zip(members, memberSeries).map { member, series in
            rankRow(member.rank, member.run, series: series, aggregate: aggregateSeries, health: health)
        }
        let view = View(
            group: group, runCount: runs.count, hasAggregate: aggregate != nil,
            aggregateHref: aggregate.map { WebPaths.run($0.record.key) } ?? "", aggregateName: aggregate?.record.displayName ?? "",
            groupState: aggregate?.summary["group_state"]?.stringValue ?? "",
            hasGroupState: aggregate?.summary["group_state"]?.stringValue != nil, ranks: rankRows,
            smoothing: String(options.smoothing), logScale: options.logScale,
            charts: charts(members: members, series: memberSeries, aggregate: aggregateSeries, options: options),
            summary: summaryRows(aggregate), hasSummary: !summaryRows(aggregate).isEmpty)
        let html = WebTemplates.page(
            "group", view: view, title: group,
            crumbs: [
                .init(label: entity, href: "/"), .init(label: project, href: WebPaths.project(entity, project)),
                .init(label: group, href: WebPaths.group(entity, project, group)),
            ], principal: principal, live: runs.contains { $0.record.state == .running })
        return WebResponses.html(html)
    }

    /// The group's runs with their ranks (`_cohort.rank`, else the `-rankN` name suffix, else
    /// their order), by rank.
    static func ranked(_ runs: [RunFacts]) -> [(rank: Int, run: RunFacts)] {
        let sorted = runs.sorted { $0.record.createdAt < $1.record.createdAt }
        return sorted.enumerated().map { index, run -> (rank: Int, run: RunFacts) in
            if let rank = run.rank { return (rank, run) }
            if let range = run.record.displayName.range(of: "-rank", options: .backwards),
                let rank = Int(run.record.displayName[range.upperBound...])
            {
                return (rank, run)
            }
            return (index, run)
        }.sorted { $0.rank < $1.rank }
    }

    private static func rankRow(
        _ rank: Int, _ run: RunFacts, series: MetricSeries, aggregate: MetricSeries?, health: [String: JSONValue]
    ) -> RankRow {
        let record = run.record
        let reported = health["rank\(rank)"]?["state"]?.stringValue
        let state: String
        switch reported {
        case "dead", "missing": state = reported ?? ""
        default: state = record.state == .running ? "alive" : (record.state == .crashed ? "dead" : "ended")
        }
        let lastStep = series.steps.last ?? run.summary["_step"]?.number
        return RankRow(
            rank: String(rank), name: record.displayName, href: WebPaths.run(record.key), state: record.state.rawValue,
            health: state, lastStep: lastStep.map(WebFormat.number) ?? "",
            lag: aggregate?.lastValue("ranks/rank\(rank)/lag").map(WebFormat.number) ?? "",
            stepTime: aggregate?.lastValue("ranks/rank\(rank)/step_time").map { WebFormat.number($0) + " s" } ?? "",
            exitCode: record.exitCode.map(String.init) ?? "")
    }

    /// The metrics: those the aggregate has a `/mean` of, else every rank metric.
    static func metricNames(members: [MetricSeries], aggregate: MetricSeries?) -> [String] {
        if let aggregate {
            let names = aggregate.metricNames.filter { $0.hasSuffix("/mean") && !$0.hasPrefix("ranks/") }.map { String($0.dropLast(5)) }
            if !names.isEmpty { return names }
        }
        return Array(Set(members.flatMap(\.metricNames))).sorted()
    }

    private static func charts(
        members: [(rank: Int, run: RunFacts)], series: [MetricSeries], aggregate: MetricSeries?, options: ChartOptions
    ) -> [RunPage.Chart] {
        metricNames(members: series, aggregate: aggregate).prefix(maximumCharts).enumerated().map { index, metric in
            var lines: [WebCharts.Line] = zip(members, series).map { member, series in
                let points = series.points(metric, axis: .step, maximumPoints: pointsPerRank)
                return WebCharts.Line(name: "rank \(member.rank)", x: points.x, y: points.y)
            }
            var bands: [WebCharts.Band] = []
            if let aggregate {
                let mean = aggregate.points(metric + "/mean", axis: .step, maximumPoints: WebCharts.pointsPerSeries)
                if !mean.x.isEmpty { lines.append(WebCharts.Line(name: "mean", x: mean.x, y: mean.y)) }
                let band = aggregate.band(low: metric + "/min", high: metric + "/max", maximumPoints: WebCharts.pointsPerSeries / 2)
                if !band.x.isEmpty { bands.append(WebCharts.Band(name: "min–max", x: band.x, low: band.low, high: band.high)) }
            }
            let svg = WebCharts.line(
                id: WebCharts.elementID("group", index, metric), title: metric, xLabel: ChartXAxis.step.label, lines: lines,
                bands: bands, logScale: options.logScale, smoothing: options.smoothing)
            return RunPage.Chart(svg: svg)
        }
    }

    private static func summaryRows(_ aggregate: RunFacts?) -> [SummaryRow] {
        guard let metrics = aggregate?.summary["ranks_summary"]?.objectValue else { return [] }
        return metrics.keys.sorted().map { name in
            let stats = metrics[name] ?? .null
            func cell(_ key: String) -> String { stats[key]?.number.map(WebFormat.number) ?? "" }
            return SummaryRow(metric: name, mean: cell("mean"), min: cell("min"), max: cell("max"), std: cell("std"), count: cell("count"))
        }
    }
}
