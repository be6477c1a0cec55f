import CohortModel

/// A logged table as its `run_table` artifact holds it. W&B's client writes the run's table file
/// with media cells reduced to their class name ("Image") and the whole table, cells as files, into
/// the artifact `run-<id>-<key>`, which the descriptor names by the client's id:
/// `artifact_path: wandb-client-artifact://<client id>/<key>.table.json`. Cohort's Swift client
/// writes both forms; the artifact is read first so both clients' tables show their media.
enum LoggedTable {
    /// The table JSON in the committed artifact version that `descriptor` links to (among the run's
    /// `logged` artifacts) and the URL of a file inside that version, or `nil` when the link is
    /// missing, names no committed version of this run, or the entry is not stored (yet).
    static func fromArtifact(
        _ descriptor: JSONValue, logged: [ArtifactRecord], services: ServerServices
    ) async -> (table: JSONValue, fileURL: @Sendable (String) -> String)? {
        guard let link = descriptor["artifact_path"]?.stringValue, let (clientID, entry) = parse(link),
            let artifact = logged.first(where: { $0.clientID == clientID }), let index = artifact.versionIndex,
            let files = try? await services.artifacts.artifactFiles(artifactID: artifact.id),
            let digest = files.first(where: { $0.name == entry })?.blobDigest,
            let table = await RunMedia.readJSON(digest, services: services)
        else { return nil }
        let version = "v\(index)"
        return (table, { WebPaths.artifactFile(artifact, version: version, name: $0) })
    }

    /// The client id and entry path of a `wandb-client-artifact://<client id>/<entry>` link.
    static func parse(_ link: String) -> (clientID: String, entry: String)? {
        let scheme = "wandb-client-artifact://"
        guard link.hasPrefix(scheme) else { return nil }
        let rest = link.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let clientID = String(rest[..<slash])
        let entry = String(rest[rest.index(after: slash)...])
        guard !clientID.isEmpty, !clientID.contains(":"), !entry.isEmpty else { return nil }
        return (clientID, entry)
    }
}
