import CohortModel
import CohortTransport

/// The journal's `.artifact` record: everything the sender needs to upload the version later.
package struct ArtifactRecord: Sendable, Equatable {
    package var name: String
    package var type: String
    package var description: String?
    package var metadata: [String: JSONValue]
    package var aliases: [String]
    package var entries: [ArtifactManifestEntry]

    init(artifact: Artifact, aliases: [String]) {
        name = artifact.name
        type = artifact.type
        description = artifact.description
        metadata = artifact.metadata
        self.aliases = aliases
        entries = artifact.entries.values.sorted { $0.path < $1.path }
    }

    /// The manifest digest of the entries.
    package var digest: String { ArtifactDigest.manifestDigest(Dictionary(entries.map { ($0.path, $0.digest) }, uniquingKeysWith: { $1 })) }

    package var json: JSONValue { .object(fields) }

    /// The record's payload fields.
    package var fields: [String: JSONValue] {
        [
            "name": .string(name), "type": .string(type), "description": description.map(JSONValue.string) ?? .null,
            "metadata": .object(metadata), "aliases": .array(aliases.map(JSONValue.string)), "digest": .string(digest),
            "contents": .object(Dictionary(entries.map { ($0.path, $0.json(includeLocalPath: true)) }, uniquingKeysWith: { $1 })),
        ]
    }

    /// Reads a record written by `json`; missing fields read as empty (such a record is refused
    /// when uploaded).
    package init(json: JSONValue) {
        name = json["name"]?.stringValue ?? ""
        type = json["type"]?.stringValue ?? ""
        description = json["description"]?.stringValue
        metadata = json["metadata"]?.objectValue ?? [:]
        aliases = json["aliases"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let contents = json["contents"]?.objectValue ?? [:]
        entries = contents.compactMap { ArtifactManifestEntry(path: $0.key, json: $0.value) }.sorted { $0.path < $1.path }
    }
}
