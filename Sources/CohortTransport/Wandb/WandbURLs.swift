internal import Foundation

/// Web addresses of runs, projects, groups and sweeps in W&B's URL layout, for `run.url`.
///
/// The app URL is `appURL` when given (`WANDB_APP_URL`); otherwise it comes from the API base URL
/// the way W&B's client derives it: `https://api.wandb.ai` → `https://wandb.ai`, another
/// `://api.` host → `://app.`, anything else (such as `cohort server`) unchanged.
///
/// ```swift
/// let urls = WandbURLs(baseURL: "http://127.0.0.1:8080")
/// urls.run(entity: "team", project: "mnist", runID: "abc123")   // http://127.0.0.1:8080/team/mnist/runs/abc123
/// ```
public struct WandbURLs: Sendable, Equatable {
    /// The web app's base URL, without a trailing slash.
    public let appURL: String

    /// Creates the URL builder.
    /// - Parameters:
    ///   - baseURL: the API base URL.
    ///   - appURL: an explicit app URL (`WANDB_APP_URL`), which wins.
    public init(baseURL: String, appURL: String? = nil) {
        var app: String
        if let appURL, !appURL.isEmpty {
            app = appURL
        } else if let range = baseURL.range(of: "://api.wandb.") {
            app = baseURL.replacingCharacters(in: range, with: "://wandb.")
        } else if let range = baseURL.range(of: "://api.") {
            app = baseURL.replacingCharacters(in: range, with: "://app.")
        } else {
            app = baseURL
        }
        while app.hasSuffix("/") { app.removeLast() }
        self.appURL = app
    }

    /// `{app}/{entity}/{project}`.
    public func project(entity: String, project: String) -> String {
        appURL + "/" + WandbAPIClient.pathSegment(entity) + "/" + WandbAPIClient.pathSegment(project)
    }

    /// `{app}/{entity}/{project}/runs/{runID}`.
    public func run(entity: String, project: String, runID: String) -> String {
        self.project(entity: entity, project: project) + "/runs/" + WandbAPIClient.pathSegment(runID)
    }

    /// `{app}/{entity}/{project}/sweeps/{sweepID}`.
    public func sweep(entity: String, project: String, sweepID: String) -> String {
        self.project(entity: entity, project: project) + "/sweeps/" + WandbAPIClient.pathSegment(sweepID)
    }

    /// `{app}/{entity}/{project}/groups/{group}`.
    public func group(entity: String, project: String, group: String) -> String {
        self.project(entity: entity, project: project) + "/groups/" + WandbAPIClient.pathSegment(group)
    }
}
