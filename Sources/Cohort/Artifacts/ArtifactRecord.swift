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
    /// W&B's client ids of the version and its sequence, which `wandb-client-artifact://` links in
    /// history rows name (set for the artifacts of logged tables).
    package var clientID: String?
    package var sequenceClientID: String?

    init(artifact: Artifact, aliases: [String]) {
        name = artifact.name
        type = artifact.type
        description = artifact.description
        metadata = artifact.metadata
        self.aliases = aliases
        entries = artifact.entries.values.sorted { $0.path < $1.path }
    }

    /// A record made by the run itself (a table's `run_table` artifact).
    init(name: String, type: String, aliases: [String], entries: [ArtifactManifestEntry], clientID: String?, sequenceClientID: String?) {
        self.name = name
        self.type = type
        description = nil
        metadata = [:]
        self.aliases = aliases
        self.entries = entries.sorted { $0.path < $1.path }
        self.clientID = clientID
        self.sequenceClientID = sequenceClientID
    }

    /// The manifest digest of the entries.
    package var digest: String { ArtifactDigest.manifestDigest(Dictionary(entries.map { ($0.path, $0.digest) }, uniquingKeysWith: { $1 })) }

    package var json: JSONValue { .object(fields) }

    /// The record's payload fields.
    package var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "name": .string(name), "type": .string(type), "description": description.map(JSONValue.string) ?? .null,
            "metadata": .object(metadata), "aliases": .array(aliases.map(JSONValue.string)), "digest": .string(digest),
            "contents": .object(Dictionary(entries.map { ($0.path, $0.json(includeLocalPath: true)) }, uniquingKeysWith: { $1 })),
        ]
        if let clientID { fields["client_id"] = .string(clientID) }
        if let sequenceClientID { fields["sequence_client_id"] = .string(sequenceClientID) }
        return fields
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
        clientID = json["client_id"]?.stringValue
        sequenceClientID = json["sequence_client_id"]?.stringValue
    }
}
