import Foundation

/// Resolver sources of the artifact types. A version is the `ArtifactRecord` itself (as `Artifact`
/// and as `ArtifactCollectionMembership`).

/// A collection (W&B's `ArtifactSequence`).
struct CollectionNode: Sendable {
    let entity: String
    let project: String
    let name: String
    var id: String { OpaqueID.make("ArtifactSequence", entity, project, name) }

    init(entity: String, project: String, name: String) {
        self.entity = entity
        self.project = project
        self.name = name
    }

    init(_ artifact: ArtifactRecord) {
        self.init(entity: artifact.entity, project: artifact.project, name: artifact.collection)
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
