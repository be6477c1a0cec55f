public import Foundation

/// Where an artifact version stands.
public enum ArtifactState: String, Sendable, CaseIterable {
    /// Created; files and manifest are arriving.
    case pending = "PENDING"
    /// Committed: it has a version index and its aliases.
    case committed = "COMMITTED"
    case deleted = "DELETED"
}

/// One artifact version (W&B's `Artifact`), in a collection (`ArtifactSequence`) of a type.
public struct ArtifactRecord: Sendable, Equatable {
    /// Opaque id, used by clients as `artifactID` / `birthArtifactID`.
    public var id: String
    public var entity: String
    public var project: String
    public var type: String
    public var collection: String
    /// `vN`'s N, assigned at commit; `nil` while pending.
    public var versionIndex: Int?
    /// W&B's manifest digest (MD5 over the sorted `path:digest` lines).
    public var digest: String
    public var state: ArtifactState
    public var description: String?
    /// JSON text of the metadata object.
    public var metadata: String
    /// The run that logged it (its output).
    public var createdBy: RunKey?
    public var historyStep: Int?
    /// The client's ids (`wandb-client-artifact://<clientID>/…` references resolve through them).
    public var clientID: String?
    public var sequenceClientID: String?
    /// Aliases requested at creation; attached at commit (`latest` always).
    public var requestedAliases: [String]
    /// Aliases the version holds now.
    public var aliases: [String]
    /// Total bytes of its files, when known.
    public var size: Int
    public var fileCount: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, entity: String, project: String, type: String, collection: String, versionIndex: Int? = nil,
        digest: String, state: ArtifactState = .pending, description: String? = nil, metadata: String = "{}",
        createdBy: RunKey? = nil, historyStep: Int? = nil, clientID: String? = nil, sequenceClientID: String? = nil,
        requestedAliases: [String] = [], aliases: [String] = [], size: Int = 0, fileCount: Int = 0, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.entity = entity
        self.project = project
        self.type = type
        self.collection = collection
        self.versionIndex = versionIndex
        self.digest = digest
        self.state = state
        self.description = description
        self.metadata = metadata
        self.createdBy = createdBy
        self.historyStep = historyStep
        self.clientID = clientID
        self.sequenceClientID = sequenceClientID
        self.requestedAliases = requestedAliases
        self.aliases = aliases
        self.size = size
        self.fileCount = fileCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A file of an artifact version, as announced by `CreateArtifactFiles` and filled by its PUT.
public struct ArtifactFileRecord: Sendable, Equatable {
    public var artifactID: String
    /// The path inside the artifact (the manifest key).
    public var name: String
    /// Base64 MD5 as the client sent it.
    public var md5: String
    /// The version that first stored these bytes (the manifest's `birthArtifactID`).
    public var birthArtifactID: String
    /// Where the bytes live in the blob store (`sha256` hex), once uploaded.
    public var blobDigest: String?
    public var size: Int?
    /// The opaque storage path handed to the client (for multipart completion).
    public var storagePath: String

    public init(
        artifactID: String, name: String, md5: String, birthArtifactID: String, blobDigest: String? = nil,
        size: Int? = nil, storagePath: String
    ) {
        self.artifactID = artifactID
        self.name = name
        self.md5 = md5
        self.birthArtifactID = birthArtifactID
        self.blobDigest = blobDigest
        self.size = size
        self.storagePath = storagePath
    }
}

/// An artifact collection (W&B's `ArtifactSequence`) as the read API lists it.
public struct ArtifactCollectionRecord: Sendable, Equatable {
    public var entity: String
    public var project: String
    public var name: String
    /// The artifact type every version of the collection has.
    public var type: String
    public var createdAt: Date
    /// The newest change of any of its versions (`createdAt` when it has none).
    public var updatedAt: Date

    public init(entity: String, project: String, name: String, type: String, createdAt: Date, updatedAt: Date) {
        self.entity = entity
        self.project = project
        self.name = name
        self.type = type
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What `CreateArtifact` carries.
public struct ArtifactCreation: Sendable, Equatable {
    public var entity: String
    public var project: String
    public var type: String
    public var collection: String
    public var digest: String
    public var description: String?
    public var metadata: String
    public var createdBy: RunKey?
    public var historyStep: Int?
    public var clientID: String?
    public var sequenceClientID: String?
    public var aliases: [String]
    /// Whole-artifact de-duplication: a committed version with the same digest in the collection
    /// is answered instead of a new one.
    public var deduplicate: Bool

    public init(
        entity: String, project: String, type: String, collection: String, digest: String, description: String? = nil,
        metadata: String = "{}", createdBy: RunKey? = nil, historyStep: Int? = nil, clientID: String? = nil,
        sequenceClientID: String? = nil, aliases: [String] = ["latest"], deduplicate: Bool = true
    ) {
        self.entity = entity
        self.project = project
        self.type = type
        self.collection = collection
        self.digest = digest
        self.description = description
        self.metadata = metadata
        self.createdBy = createdBy
        self.historyStep = historyStep
        self.clientID = clientID
        self.sequenceClientID = sequenceClientID
        self.aliases = aliases
        self.deduplicate = deduplicate
    }
}

/// Artifact versions, their files, manifests, aliases and lineage. Every method is one transaction.
public protocol ArtifactStore: Sendable {
    /// A new pending version, or (de-duplication) the committed version with the same digest in
    /// the collection. Throws `.conflict` when the collection exists with another type.
    func createArtifact(_ creation: ArtifactCreation, at date: Date) async throws(StoreError) -> (artifact: ArtifactRecord, latestID: String?)
    func artifact(id: String) async throws(StoreError) -> ArtifactRecord?
    /// The version `collection:alias` (`latest`, a user alias, or `vN`) of a project.
    func artifact(entity: String, project: String, collection: String, alias: String) async throws(StoreError) -> ArtifactRecord?
    /// The type of a collection, if it exists.
    func artifactType(entity: String, project: String, collection: String) async throws(StoreError) -> String?
    /// The manifest id of a version (created on first call; the same on the second).
    func manifestID(artifactID: String, at date: Date) async throws(StoreError) -> String
    /// Records the manifest's blob once uploaded.
    func storeManifest(artifactID: String, blobDigest: String, size: Int, at date: Date) async throws(StoreError)
    /// The manifest blob of a version.
    func manifestBlob(artifactID: String) async throws(StoreError) -> (digest: String, size: Int)?
    /// Announces a file (again: replaces its record). When a committed version of the same
    /// collection already stored bytes with the same MD5, the record shares them — its
    /// `birthArtifactID`, `storagePath`, `blobDigest` and `size` are the earlier file's — and
    /// `alreadyStored` is true (the client skips the upload): per-file de-dup. Otherwise the version
    /// is its own birth artifact and the bytes are pending.
    func announceArtifactFile(_ file: ArtifactFileRecord) async throws(StoreError) -> (file: ArtifactFileRecord, alreadyStored: Bool)
    /// Records a file's bytes (after its PUT or multipart completion) for every file announced at
    /// that storage path.
    func storeArtifactFile(storagePath: String, blobDigest: String, size: Int) async throws(StoreError)
    /// The file at a storage path.
    func artifactFile(storagePath: String) async throws(StoreError) -> ArtifactFileRecord?
    /// The files of a version, by name.
    func artifactFiles(artifactID: String) async throws(StoreError) -> [ArtifactFileRecord]
    /// Commits a version: next version index in the collection, requested aliases attached
    /// (moved from older versions), `latest` on it. Idempotent.
    func commitArtifact(id: String, at date: Date) async throws(StoreError) -> ArtifactRecord
    /// Records that a run used a version (lineage: used by).
    func recordUse(artifactID: String, by run: RunKey, usedAs: String?, at date: Date) async throws(StoreError)
    /// The versions a run logged and used.
    func lineage(of run: RunKey) async throws(StoreError) -> (logged: [ArtifactRecord], used: [ArtifactRecord])
    /// The runs that used a version.
    func users(of artifactID: String) async throws(StoreError) -> [RunKey]
    /// The versions of a collection, newest first.
    func versions(entity: String, project: String, collection: String) async throws(StoreError) -> [ArtifactRecord]
    /// The artifact collections of a project, by name (`wandb.Api().artifact_types()`,
    /// `artifact_collections()`); a type exists in a project when one of its collections does.
    func collections(entity: String, project: String) async throws(StoreError) -> [ArtifactCollectionRecord]
}
