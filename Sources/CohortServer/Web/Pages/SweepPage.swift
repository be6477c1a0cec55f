import HTTPTypes
import CohortModel
import Foundation
import Hummingbird

/// `GET /{entity}/{project}/sweeps/{id}`: the runs of a sweep with their parameters (config) and a
/// target metric (`?metric=`, default the first numeric summary key; `?goal=max` when higher is
/// better), the best run marked.
enum SweepPage {
    struct MetricChoice {
        var value: String
        var selected: Bool
    }

    struct Row {
        var name: String
        var href: String
        var state: String
        var values: [String]
        var target: String
        var best: Bool
    }

    struct View {
        var sweep: String
        var metric: String
        var metricChoices: [MetricChoice]
        var maximize: Bool
        var runCount: Int
        var parameters: [String]
        var runs: [Row]
        var hasBest: Bool
        var bestName: String
        var bestHref: String
        var bestValue: String
    }

    static func render(request: Request, context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let entity = try WebQuery.parameter("entity", context)
        let project = try WebQuery.parameter("project", context)
        let sweep = try WebQuery.parameter("sweep", context)
        let principal = try WebAccess.require(context, entity: entity)
        let query = WebQuery(request)
        let runs = try await WebStoreCalls.run { try await services.store.runs(entity: entity, project: project) }
            .filter { $0.sweep == sweep }.map(RunFacts.init)
        guard !runs.isEmpty else { throw WebError(.notFound, "Project \(entity)/\(project) has no sweep \(sweep).") }
        let parameters = Array(Set(runs.flatMap(\.config.keys))).sorted()
        let metrics = Array(Set(runs.flatMap { run in run.summary.filter { !$0.key.hasPrefix("_") && $0.value.number != nil }.keys })).sorted()
        let metric = query.value("metric") ?? metrics.first ?? ""
        let maximize = query.value("goal") == "max"
        let targets = runs.map { $0.summary[metric]?.number }
        let best = targets.enumerated().compactMap { index, value in value.map { (index, $0) } }
            .max { maximize ? $0.1 < $1.1 : $0.1 > $1.1 }
        let rows = runs.enumerated().map { index, run in
            Row(
                name: run.record.displayName, href: WebPaths.run(run.record.key), state: run.record.state.rawValue,
                values: parameters.map { run.config[$0].map(WebFormat.value) ?? "" },
                target: targets[index].map(WebFormat.number) ?? "", best: best?.0 == index)
        }
        let view = View(
            sweep: sweep, metric: metric, metricChoices: metrics.map { MetricChoice(value: $0, selected: $0 == metric) },
            maximize: maximize, runCount: runs.count, parameters: parameters, runs: rows, hasBest: best != nil,
            bestName: best.map { runs[$0.0].record.displayName } ?? "", bestHref: best.map { WebPaths.run(runs[$0.0].record.key) } ?? "",
            bestValue: best.map { WebFormat.number($0.1) } ?? "")
        let html = WebTemplates.page(
            "sweep", view: view, title: "sweep \(sweep)",
            crumbs: [
                .init(label: entity, href: "/"), .init(label: project, href: WebPaths.project(entity, project)),
                .init(label: "sweep \(sweep)", href: WebPaths.sweep(entity, project, sweep)),
            ], principal: principal, live: runs.contains { $0.record.state == .running })
        return WebResponses.html(html)
    }
}
