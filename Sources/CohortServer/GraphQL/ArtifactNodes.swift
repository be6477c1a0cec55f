import Foundation

/// Resolver sources of the artifact types. A version is the `ArtifactRecord` itself (as `Artifact`
/// and as `ArtifactCollectionMembership`).

/// A collection (W&B's `ArtifactSequence`).
struct CollectionNode: Sendable {
    let entity: String
    let project: String
    let name: String
    /// Type and dates, when the collection came from a listing (else read when asked).
    var record: ArtifactCollectionRecord?
    /// `ArtifactSequence:entity/project/name` in base64 (no part may hold a `/`), so `parse` can
    /// read it back (`Query.artifactCollection(id:)`).
    var id: String { OpaqueID.make("ArtifactSequence", "\(entity)/\(project)/\(name)") }

    /// The collection an `id` names, or nil when it is not a collection id.
    static func parse(id: String) -> CollectionNode? {
        guard let data = Data(base64Encoded: id), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("ArtifactSequence:")
        else { return nil }
        let parts = text.dropFirst("ArtifactSequence:".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        return CollectionNode(entity: String(parts[0]), project: String(parts[1]), name: String(parts[2]))
    }

    init(entity: String, project: String, name: String) {
        self.entity = entity
        self.project = project
        self.name = name
    }

    init(_ record: ArtifactCollectionRecord) {
        self.init(entity: record.entity, project: record.project, name: record.name)
        self.record = record
    }

    init(_ artifact: ArtifactRecord) {
        self.init(entity: artifact.entity, project: artifact.project, name: artifact.collection)
    }
}

/// An artifact type of a project (W&B's `ArtifactType`); it exists while one of its collections does.
struct ArtifactTypeNode: Sendable {
    let entity: String
    let project: String
    let name: String
    /// The creation of its oldest collection (or of the version it was reached from).
    let createdAt: Date
    var id: String { OpaqueID.make("ArtifactType", entity, project, name) }

    init(entity: String, project: String, name: String, createdAt: Date) {
        self.entity = entity
        self.project = project
        self.name = name
        self.createdAt = createdAt
    }

    /// The type of a collection.
    init(_ collection: ArtifactCollectionRecord) {
        self.init(entity: collection.entity, project: collection.project, name: collection.type, createdAt: collection.createdAt)
    }
}

/// One alias of a version.
struct AliasNode: Sendable {
    let artifact: ArtifactRecord
    let alias: String
    var id: String { OpaqueID.make("ArtifactAlias", artifact.id, alias) }
}

/// A version's manifest (`currentManifest`, `createArtifactManifest.artifactManifest`).
struct ManifestNode: Sendable {
    let id: String
    let file: FileNode
}

/// One `createArtifactFiles` edge.
struct ArtifactFileUploadNode: Sendable {
    let storagePath: String
    let uploadUrl: String?
    let uploadHeaders: [String]
    let multipart: MultipartUploadNode?
    /// The version that stores the bytes (the manifest's `birthArtifactID`).
    let birthArtifactID: String
}

struct MultipartUploadNode: Sendable {
    let uploadID: String
    let parts: [UploadPartURLNode]
}

struct UploadPartURLNode: Sendable {
    let partNumber: Int
    let uploadUrl: String
}

/// A page of files (`artifactMembership.files`).
struct ArtifactIDNode: Sendable {
    let id: String
}

struct CreateArtifactResult: Sendable {
    let artifact: ArtifactRecord
    let latestID: String?
}

struct DigestResult: Sendable {
    let digest: String
}

/// W&B's date-time text (UTC, no zone suffix, as the hosted server sends it).
enum ArtifactDates {
    static func text(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: date)
    }
}
