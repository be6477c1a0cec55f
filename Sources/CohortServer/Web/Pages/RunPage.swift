import HTTPTypes
import CohortModel
import Foundation
import Hummingbird

/// `GET /{entity}/{project}/runs/{id}`: one run.
enum RunPage {
    struct KeyValue {
        var key: String
        var value: String
    }

    struct Chart {
        var svg: String
    }

    struct AlertView {
        var title: String
        var text: String
        var severity: String
        var at: String
        var atISO: String
    }

    struct FileView {
        var name: String
        var href: String
        var size: String
        var stored: Bool
    }

    struct ArtifactLink {
        var label: String
        var href: String
        var type: String
    }

    struct View {
        var name: String
        var id: String
        var state: String
        var group: String
        var hasGroup: Bool
        var groupHref: String
        var jobType: String
        var hasJobType: Bool
        var sweep: String
        var hasSweep: Bool
        var sweepHref: String
        var start: String
        var startISO: String
        var duration: String
        var exitCode: String
        var hasExitCode: Bool
        var historyRows: Int
        var tags: [String]
        var hasTags: Bool
        var metadata: [KeyValue]
        var notes: String
        var hasNotes: Bool
        var alerts: [AlertView]
        var hasAlerts: Bool
        var xChoices: [ChartOptions.AxisChoice]
        var smoothing: String
        var mediaHidden: [MediaPaging.Hidden]
        var logScale: Bool
        var charts: [Chart]
        var histograms: [Chart]
        var hasHistograms: Bool
        var media: [RunMedia.KeyView]
        var hasMedia: Bool
        var hasMasks: Bool
        var maskFilter: String
        var config: [KeyValue]
        var hasConfig: Bool
        var summary: [KeyValue]
        var hasSummary: Bool
        var files: [FileView]
        var hasFiles: Bool
        var logged: [ArtifactLink]
        var used: [ArtifactLink]
        var console: String
        var hasConsole: Bool
        var consoleTruncated: Bool
        var consoleShown: Int
        var consoleTotal: Int
    }

    /// Console lines shown (the last ones).
    static let consoleLines = 1_000

    static func render(
        request: Request, context: CohortRequestContext, services: ServerServices, cache: MetricSeriesCache
    ) async throws -> Response {
        let key = RunKey(
            entity: try WebQuery.parameter("entity", context), project: try WebQuery.parameter("project", context),
            name: try WebQuery.parameter("run", context))
        let principal = try WebAccess.require(context, entity: key.entity)
        let query = WebQuery(request)
        let options = try ChartOptions(query)
        let paging = try MediaPaging(query)
        guard let record = try await WebStoreCalls.run({ try await services.store.run(key) }) else {
            throw WebError(.notFound, "Project \(key.entity)/\(key.project) has no run \(key.name).")
        }
        let facts = RunFacts(record)
        let series = try await WebStoreCalls.run { try await cache.series(of: record, store: services.store) }
        let files = try await WebStoreCalls.run { try await services.store.runFiles(key) }
        let alerts = try await WebStoreCalls.run { try await services.store.alerts(key) }
        let console = try await WebStoreCalls.run { try await services.store.console(key) }
        let lineage = try await WebStoreCalls.run { try await services.artifacts.lineage(of: key) }
        let media = await RunMedia.views(
            series: series, record: record, files: files, logged: lineage.logged, paging: paging, services: services)
        let histogramCharts = histograms(series)
        let alertViews = alerts.reversed().map {
            AlertView(
                title: $0.title, text: $0.text, severity: $0.severity.rawValue, at: WebFormat.date($0.createdAt),
                atISO: WebFormat.iso($0.createdAt))
        }
        let fileViews = files.map {
            FileView(
                name: $0.name, href: WebPaths.runFile(key, name: $0.name), size: $0.size.map(WebFormat.bytes) ?? "",
                stored: $0.digest != nil)
        }
        let visibleSummary = facts.summary.filter { !$0.key.hasPrefix("_") }
        let chartViews = charts(series, options: options)
        let view = View(
            name: record.displayName, id: key.name, state: record.state.rawValue, group: record.groupName ?? "",
            hasGroup: record.groupName != nil,
            groupHref: record.groupName.map { WebPaths.group(key.entity, key.project, $0) } ?? "",
            jobType: record.jobType ?? "", hasJobType: record.jobType != nil, sweep: record.sweep ?? "",
            hasSweep: record.sweep != nil, sweepHref: record.sweep.map { WebPaths.sweep(key.entity, key.project, $0) } ?? "",
            start: WebFormat.date(record.createdAt), startISO: WebFormat.iso(record.createdAt),
            duration: WebFormat.duration(facts.duration()), exitCode: record.exitCode.map(String.init) ?? "",
            hasExitCode: record.exitCode != nil, historyRows: record.historyLineCount, tags: record.tags,
            hasTags: !record.tags.isEmpty, metadata: metadata(record), notes: record.notes ?? "",
            hasNotes: !(record.notes ?? "").isEmpty,
            alerts: alertViews, hasAlerts: !alerts.isEmpty,
            xChoices: options.axisChoices, smoothing: String(options.smoothing), mediaHidden: paging.hiddenInputs,
            logScale: options.logScale,
            charts: chartViews, histograms: histogramCharts, hasHistograms: !histogramCharts.isEmpty,
            media: media.keys, hasMedia: !media.keys.isEmpty, hasMasks: media.hasMasks, maskFilter: MaskOverlay.filterSVG,
            config: keyValues(facts.config), hasConfig: !facts.config.isEmpty,
            summary: keyValues(visibleSummary), hasSummary: !visibleSummary.isEmpty,
            files: fileViews, hasFiles: !files.isEmpty,
            logged: lineage.logged.map(link), used: lineage.used.map(link),
            console: console.suffix(consoleLines).joined(separator: "\n"), hasConsole: !console.isEmpty,
            consoleTruncated: console.count > consoleLines, consoleShown: min(console.count, consoleLines),
            consoleTotal: console.count)
        var crumbs: [WebTemplates.Crumb] = [
            .init(label: key.entity, href: "/"), .init(label: key.project, href: WebPaths.project(key.entity, key.project)),
        ]
        if let group = record.groupName { crumbs.append(.init(label: group, href: WebPaths.group(key.entity, key.project, group))) }
        crumbs.append(.init(label: record.displayName, href: WebPaths.run(key)))
        let html = WebTemplates.page(
            "run", view: view, title: record.displayName, crumbs: crumbs, principal: principal, live: record.state == .running)
        return WebResponses.html(html)
    }

    static func keyValues(_ object: [String: JSONValue]) -> [KeyValue] {
        WebFormat.flatten(object).map { KeyValue(key: $0.key, value: WebFormat.value($0.value)) }
    }

    private static func metadata(_ record: RunRecord) -> [KeyValue] {
        [("Host", record.host), ("Program", record.program), ("Git commit", record.commit), ("Repository", record.repo),
         ("Description", record.description)]
            .compactMap { label, value in value.flatMap { $0.isEmpty ? nil : KeyValue(key: label, value: $0) } }
    }

    private static func link(_ artifact: ArtifactRecord) -> ArtifactLink {
        let version = artifact.versionIndex.map { "v\($0)" } ?? artifact.id
        return ArtifactLink(
            label: "\(artifact.collection):\(version)",
            href: WebPaths.artifact(artifact.entity, artifact.project, type: artifact.type, name: artifact.collection, version: version),
            type: artifact.type)
    }

    /// Charts drawn per page at most (metrics past it are listed by name).
    static let maximumCharts = 120

    /// One chart per numeric metric.
    static func charts(_ series: MetricSeries, options: ChartOptions) -> [Chart] {
        series.metricNames.prefix(maximumCharts).enumerated().map { index, metric in
            let points = series.points(metric, axis: options.axis, maximumPoints: WebCharts.pointsPerSeries)
            let svg = WebCharts.line(
                id: WebCharts.elementID("chart", index, metric), title: metric, xLabel: options.axis.label,
                lines: [.init(name: metric, x: points.x, y: points.y)], logScale: options.logScale, smoothing: options.smoothing,
                secondsX: options.axis == .runtime)
            return Chart(svg: svg)
        }
    }

    /// One heatmap per key logged as `wandb.Histogram`.
    static func histograms(_ series: MetricSeries) -> [Chart] {
        series.mediaKeys.enumerated().compactMap { index, key in
            guard let track = series.media[key] else { return nil }
            var steps: [(step: Double, edges: [Double], counts: [Double])] = []
            for entry in track.all {
                guard let value = try? JSONParser.parse(entry.json), value["_type"]?.stringValue == "histogram",
                    let counts = value["values"]?.arrayValue?.compactMap(\.number),
                    let edges = value["bins"]?.arrayValue?.compactMap(\.number)
                else { continue }  // another media type, or a malformed histogram: not drawn
                steps.append((entry.step, edges, counts))
            }
            guard !steps.isEmpty else { return nil }
            return Chart(svg: WebCharts.histogram(id: WebCharts.elementID("hist", index, key), title: key, steps: steps))
        }
    }
}
