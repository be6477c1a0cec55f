import Foundation

/// The web UI's URLs (W&B's layout), each path component percent-encoded.
enum WebPaths {
    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// One path component, percent-encoded (everything but RFC 3986's unreserved characters).
    static func encode(_ component: String) -> String {
        component.addingPercentEncoding(withAllowedCharacters: unreserved) ?? component
    }

    /// A query value, percent-encoded.
    static func queryEncode(_ value: String) -> String { encode(value) }

    static func project(_ entity: String, _ project: String) -> String { "/\(encode(entity))/\(encode(project))" }
    static func run(_ key: RunKey) -> String { project(key.entity, key.project) + "/runs/" + encode(key.name) }
    static func group(_ entity: String, _ projectName: String, _ group: String) -> String {
        project(entity, projectName) + "/groups/" + encode(group)
    }
    static func sweep(_ entity: String, _ projectName: String, _ sweep: String) -> String {
        project(entity, projectName) + "/sweeps/" + encode(sweep)
    }
    static func artifacts(_ entity: String, _ projectName: String) -> String { project(entity, projectName) + "/artifacts" }
    static func artifact(_ entity: String, _ projectName: String, type: String, name: String, version: String) -> String {
        project(entity, projectName) + "/artifacts/" + [type, name, version].map(encode).joined(separator: "/")
    }
    /// A run file through the authenticated web route.
    static func runFile(_ key: RunKey, name: String) -> String {
        run(key) + "/files/" + name.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }
    /// An artifact file through the authenticated web route.
    static func artifactFile(_ artifact: ArtifactRecord, version: String, name: String) -> String {
        Self.artifact(artifact.entity, artifact.project, type: artifact.type, name: artifact.collection, version: version) + "/files/"
            + name.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }

    /// A path that is safe to redirect to after login: on this server only (`/…`, not `//…`).
    static func safeRedirect(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/\\"), !next.hasPrefix("/login"),
            !next.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return "/" }
        return next
    }
}
