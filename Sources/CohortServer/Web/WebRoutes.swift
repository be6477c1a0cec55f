import Hummingbird

/// The web UI at W&B's URL layout, server-rendered HTML (Mustache) with SVG charts:
///
/// - `GET /` — entities and projects; `GET/POST /login`, `POST /logout` — the cookie session.
/// - `GET /{entity}/{project}` — the runs table (filter, sort, columns, folded groups).
/// - `GET /{entity}/{project}/runs/{id}` — a run: charts, media, files, artifacts, alerts, console.
/// - `GET /{entity}/{project}/groups/{group}` — ranks overlaid with the aggregate's mean and band.
/// - `GET /{entity}/{project}/artifacts[/{type}/{name}/{version}]` — artifacts and their files.
/// - `GET /{entity}/{project}/sweeps/{id}` — a sweep's runs.
/// - `GET /static/web.css|web.js|charts.css|charts.js` — the stylesheet and the small scripts.
///
/// Pages need a session (or HTTP Basic with an API key) and show only what the key may see in
/// the API: its own entity, or everything for an admin key.
enum WebRoutes {
    /// Adds the web UI's routes to `router`.
    /// - Parameters:
    ///   - router: the server's router (its API routes are registered separately).
    ///   - services: the shared services.
    static func register(on router: Router<CohortRequestContext>, services: ServerServices) {
        let cache = services.seriesIndexer.cache
        router.get("/static/web.css") { _, _ in WebResponses.asset(WebAssets.css, contentType: "text/css; charset=utf-8") }
        router.get("/static/web.js") { _, _ in
            WebResponses.asset(WebAssets.javascript, contentType: "text/javascript; charset=utf-8")
        }
        router.get("/static/charts.css") { _, _ in WebResponses.asset(WebCharts.css, contentType: "text/css; charset=utf-8") }
        router.get("/static/charts.js") { _, _ in
            WebResponses.asset(WebCharts.javascript, contentType: "text/javascript; charset=utf-8")
        }
        LoginRoutes.register(on: router, services: services)

        let pages = router.group().add(middleware: WebAuthMiddleware(services: services))
        pages.get("/") { _, context in try await HomePage.render(context: context, services: services) }
        pages.get("/:entity/:project") { request, context in
            try await ProjectPage.render(request: request, context: context, services: services)
        }
        pages.get("/:entity/:project/runs/:run") { request, context in
            try await RunPage.render(request: request, context: context, services: services, cache: cache)
        }
        pages.get("/:entity/:project/runs/:run/files/**") { request, context in
            try await WebFileRoutes.runFile(request: request, context: context, services: services)
        }
        pages.get("/:entity/:project/groups/:group") { request, context in
            try await GroupPage.render(request: request, context: context, services: services, cache: cache)
        }
        pages.get("/:entity/:project/artifacts") { _, context in
            try await ArtifactPage.renderList(context: context, services: services)
        }
        pages.get("/:entity/:project/artifacts/:type/:name/:version") { _, context in
            try await ArtifactPage.render(context: context, services: services)
        }
        pages.get("/:entity/:project/artifacts/:type/:name/:version/files/**") { request, context in
            try await WebFileRoutes.artifactFile(request: request, context: context, services: services)
        }
        pages.get("/:entity/:project/sweeps/:sweep") { request, context in
            try await SweepPage.render(request: request, context: context, services: services)
        }
    }
}
