public import CohortModel

/// The state of an artifact version.
public struct ArtifactState: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A new version waiting for its files and commit.
    public static let pending = ArtifactState(rawValue: "PENDING")
    /// A committed version (from `CreateArtifact`: one with the same digest exists; upload nothing).
    public static let committed = ArtifactState(rawValue: "COMMITTED")
    /// A deleted version.
    public static let deleted = ArtifactState(rawValue: "DELETED")

    public var description: String { rawValue }
}

/// What `CreateArtifact` takes.
public struct ArtifactCreation: Sendable, Equatable {
    public var entity: String
    public var project: String
    /// The artifact type (`dataset`, `model`, …).
    public var type: String
    /// The collection (the artifact's name without version).
    public var collection: String
    /// The run that logs it.
    public var runID: String?
    /// The manifest digest (``ArtifactDigest/manifestDigest(_:)``).
    public var digest: String
    public var description: String?
    public var metadata: [String: JSONValue]?
    /// Aliases to attach at commit; `latest` is always added.
    public var aliases: [String]
    /// The history step the artifact belongs to (tables logged in `log`).
    public var historyStep: Int?
    public var clientID: String?
    public var sequenceClientID: String?
    /// Whether a version with the same digest is answered as `COMMITTED` instead of creating one.
    public var enableDigestDeduplication: Bool

    public init(
        entity: String, project: String, type: String, collection: String, runID: String? = nil, digest: String,
        description: String? = nil, metadata: [String: JSONValue]? = nil, aliases: [String] = [], historyStep: Int? = nil,
        clientID: String? = nil, sequenceClientID: String? = nil, enableDigestDeduplication: Bool = true
    ) {
        self.entity = entity
        self.project = project
        self.type = type
        self.collection = collection
        self.runID = runID
        self.digest = digest
        self.description = description
        self.metadata = metadata
        self.aliases = aliases
        self.historyStep = historyStep
        self.clientID = clientID
        self.sequenceClientID = sequenceClientID
        self.enableDigestDeduplication = enableDigestDeduplication
    }
}

/// `CreateArtifact`'s answer.
public struct CreatedArtifact: Sendable, Equatable {
    /// The version's id.
    public var id: String
    /// ``ArtifactState/pending`` for a new version, ``ArtifactState/committed`` for an existing one with the same digest.
    public var state: ArtifactState
    /// The collection's latest version before this one: the manifest's `baseArtifactID`.
    public var latestArtifactID: String?
}

/// `CreateArtifactManifest`'s answer.
public struct ArtifactManifestUpload: Sendable, Equatable {
    /// The manifest's id (the same on both calls).
    public var id: String
    /// Where to `PUT` the manifest JSON (only with `includeUpload`).
    public var uploadURL: String?
    /// Headers for that upload.
    public var uploadHeaders: [HTTPHeader]
}

/// One file for `CreateArtifactFiles`.
public struct ArtifactFileSpec: Sendable, Equatable {
    /// One part of a multipart upload.
    public struct Part: Sendable, Equatable {
        /// 1-based part number.
        public var number: Int
        /// The part's MD5 in hex.
        public var hexMD5: String
        public init(number: Int, hexMD5: String) {
            self.number = number
            self.hexMD5 = hexMD5
        }
    }

    public var artifactID: String
    public var manifestID: String?
    /// The path inside the artifact.
    public var name: String
    /// The file's MD5, base64.
    public var md5: String
    public var mimetype: String?
    /// The parts, for a multipart upload; `nil` for a single `PUT`.
    public var parts: [Part]?

    public init(artifactID: String, manifestID: String?, name: String, md5: String, mimetype: String? = nil, parts: [Part]? = nil) {
        self.artifactID = artifactID
        self.manifestID = manifestID
        self.name = name
        self.md5 = md5
        self.mimetype = mimetype
        self.parts = parts
    }
}

/// One file's answer from `CreateArtifactFiles`, in request order.
public struct ArtifactFileUpload: Sendable, Equatable {
    /// Per-part URLs of a multipart upload.
    public struct Multipart: Sendable, Equatable {
        public var uploadID: String
        /// Part number → URL.
        public var partURLs: [Int: String]
    }

    /// Where the server keeps the file (needed to complete a multipart upload).
    public var storagePath: String?
    /// Where to `PUT` the file; `nil` when the server already has these bytes (skip the upload).
    public var uploadURL: String?
    /// Headers for the single `PUT`.
    public var uploadHeaders: [HTTPHeader]
    /// Part URLs, when parts were given.
    public var multipart: Multipart?
    /// The version that first stored these bytes: the manifest entry's `birthArtifactID`.
    public var birthArtifactID: String
}

/// A committed or pending version read back by name.
public struct ArtifactVersion: Sendable, Equatable {
    public var id: String
    public var digest: String
    public var state: ArtifactState
    /// `N` of `vN`.
    public var versionIndex: Int?
    public var type: String?
    public var collection: String?
    public var aliases: [String]
    public var size: Int?
    public var fileCount: Int?
    /// A GET URL (no credentials) of the manifest JSON, when one was uploaded.
    public var manifestURL: String?
}
