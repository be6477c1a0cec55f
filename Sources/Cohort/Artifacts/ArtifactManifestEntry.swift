import CohortModel

/// One entry of an artifact's manifest (W&B's `ArtifactManifestEntry`).
public struct ArtifactManifestEntry: Sendable, Equatable {
    /// The path inside the artifact.
    public var path: String
    /// The base64 MD5 of the bytes; for `http(s)://` and `s3://` references, the URI.
    public var digest: String
    /// The size in bytes, when known.
    public var size: Int64?
    /// The reference URI, for an entry whose bytes stay where they are.
    public var ref: String?
    /// The file to upload, for an entry that is not a reference.
    public var localPath: String?
    /// The version that first stored these bytes (set by the server when uploading).
    public var birthArtifactID: String?

    /// Creates an entry.
    public init(path: String, digest: String, size: Int64? = nil, ref: String? = nil, localPath: String? = nil, birthArtifactID: String? = nil) {
        self.path = path
        self.digest = digest
        self.size = size
        self.ref = ref
        self.localPath = localPath
        self.birthArtifactID = birthArtifactID
    }

    /// The entry as a manifest's `contents` value; `local_path` only in the journal's copy.
    func json(includeLocalPath: Bool) -> JSONValue {
        var object: [String: JSONValue] = ["digest": .string(digest)]
        if let size { object["size"] = .int(size) }
        if let ref { object["ref"] = .string(ref) }
        if let birthArtifactID { object["birthArtifactID"] = .string(birthArtifactID) }
        if includeLocalPath, let localPath { object["local_path"] = .string(localPath) }
        return .object(object)
    }

    /// Reads an entry written by `json(includeLocalPath:)` (or a manifest downloaded from a server).
    init?(path: String, json: JSONValue) {
        guard let digest = json["digest"]?.stringValue else { return nil }
        self.init(
            path: path, digest: digest, size: json["size"]?.intValue, ref: json["ref"]?.stringValue,
            localPath: json["local_path"]?.stringValue, birthArtifactID: json["birthArtifactID"]?.stringValue)
    }
}
