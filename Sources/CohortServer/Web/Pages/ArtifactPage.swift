import HTTPTypes
import CohortModel
import Foundation
import Hummingbird

/// `GET /{entity}/{project}/artifacts/{type}/{name}/{version}` (a version `vN` or an alias) and
/// `GET /{entity}/{project}/artifacts` (the project's collections).
enum ArtifactPage {
    struct Link {
        var label: String
        var href: String
    }

    struct FileView {
        var name: String
        var href: String
        var size: String
        var stored: Bool
    }

    struct VersionRow {
        var label: String
        var href: String
        var aliases: [String]
        var size: String
        var created: String
        var createdISO: String
        var current: Bool
    }

    struct View {
        var name: String
        var version: String
        var type: String
        var state: String
        var digest: String
        var size: String
        var fileCount: Int
        var created: String
        var createdISO: String
        var aliases: [String]
        var hasAliases: Bool
        var description: String
        var hasDescription: Bool
        var loggedBy: String
        var loggedByHref: String
        var hasLoggedBy: Bool
        var usedBy: [Link]
        var files: [FileView]
        var hasFiles: Bool
        var versions: [VersionRow]
        var metadata: [RunPage.KeyValue]
        var hasMetadata: Bool
    }

    /// Finds the version a page or download names, checking its type (404 otherwise).
    static func resolve(_ context: CohortRequestContext, services: ServerServices) async throws -> (ArtifactRecord, APIKeyRecord) {
        let entity = try WebQuery.parameter("entity", context)
        let project = try WebQuery.parameter("project", context)
        let type = try WebQuery.parameter("type", context)
        let name = try WebQuery.parameter("name", context)
        let version = try WebQuery.parameter("version", context)
        let principal = try WebAccess.require(context, entity: entity)
        let found = try await WebStoreCalls.run {
            try await services.artifacts.artifact(entity: entity, project: project, collection: name, alias: version)
        }
        guard let artifact = found, artifact.type == type, artifact.state != .deleted else {
            throw WebError(.notFound, "Project \(entity)/\(project) has no \(type) artifact \(name):\(version).")
        }
        return (artifact, principal)
    }

    static func render(context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let (artifact, principal) = try await resolve(context, services: services)
        let asked = try WebQuery.parameter("version", context)
        let version = artifact.versionIndex.map { "v\($0)" } ?? asked
        let files = try await WebStoreCalls.run { try await services.artifacts.artifactFiles(artifactID: artifact.id) }
        let users = try await WebStoreCalls.run { try await services.artifacts.users(of: artifact.id) }
        let versions = try await WebStoreCalls.run {
            try await services.artifacts.versions(entity: artifact.entity, project: artifact.project, collection: artifact.collection)
        }
        let metadata = WebFormat.object(artifact.metadata)
        let view = View(
            name: artifact.collection, version: version, type: artifact.type, state: artifact.state.rawValue.lowercased(),
            digest: artifact.digest, size: WebFormat.bytes(artifact.size), fileCount: artifact.fileCount,
            created: WebFormat.date(artifact.createdAt), createdISO: WebFormat.iso(artifact.createdAt),
            aliases: artifact.aliases, hasAliases: !artifact.aliases.isEmpty, description: artifact.description ?? "",
            hasDescription: !(artifact.description ?? "").isEmpty, loggedBy: artifact.createdBy?.description ?? "",
            loggedByHref: artifact.createdBy.map(WebPaths.run) ?? "", hasLoggedBy: artifact.createdBy != nil,
            usedBy: users.map { Link(label: $0.description, href: WebPaths.run($0)) },
            files: files.map {
                FileView(
                    name: $0.name, href: WebPaths.artifactFile(artifact, version: version, name: $0.name),
                    size: $0.size.map(WebFormat.bytes) ?? "", stored: $0.blobDigest != nil)
            }, hasFiles: !files.isEmpty,
            versions: versions.compactMap { other in
                guard let index = other.versionIndex else { return nil }
                return VersionRow(
                    label: "v\(index)",
                    href: WebPaths.artifact(other.entity, other.project, type: other.type, name: other.collection, version: "v\(index)"),
                    aliases: other.aliases, size: WebFormat.bytes(other.size), created: WebFormat.date(other.createdAt),
                    createdISO: WebFormat.iso(other.createdAt), current: other.id == artifact.id)
            },
            metadata: RunPage.keyValues(metadata), hasMetadata: !metadata.isEmpty)
        let html = WebTemplates.page(
            "artifact", view: view, title: "\(artifact.collection):\(version)",
            crumbs: [
                .init(label: artifact.entity, href: "/"),
                .init(label: artifact.project, href: WebPaths.project(artifact.entity, artifact.project)),
                .init(label: "artifacts", href: WebPaths.artifacts(artifact.entity, artifact.project)),
                .init(label: "\(artifact.collection):\(version)", href: WebPaths.artifact(
                    artifact.entity, artifact.project, type: artifact.type, name: artifact.collection, version: version)),
            ], principal: principal)
        return WebResponses.html(html)
    }

    struct CollectionRow {
        var name: String
        var type: String
        var href: String
        var updated: String
        var updatedISO: String
    }

    struct ListView {
        var project: String
        var collections: [CollectionRow]
        var hasCollections: Bool
    }

    static func renderList(context: CohortRequestContext, services: ServerServices) async throws -> Response {
        let entity = try WebQuery.parameter("entity", context)
        let project = try WebQuery.parameter("project", context)
        let principal = try WebAccess.require(context, entity: entity)
        let collections = try await WebStoreCalls.run { try await services.artifacts.collections(entity: entity, project: project) }
        let rows = collections.map {
            CollectionRow(
                name: $0.name, type: $0.type,
                href: WebPaths.artifact(entity, project, type: $0.type, name: $0.name, version: "latest"),
                updated: WebFormat.date($0.updatedAt), updatedISO: WebFormat.iso($0.updatedAt))
        }
        let html = WebTemplates.page(
            "artifacts", view: ListView(project: project, collections: rows, hasCollections: !rows.isEmpty),
            title: "\(entity)/\(project) artifacts",
            crumbs: [
                .init(label: entity, href: "/"), .init(label: project, href: WebPaths.project(entity, project)),
                .init(label: "artifacts", href: WebPaths.artifacts(entity, project)),
            ], principal: principal)
        return WebResponses.html(html)
    }
}
