import Foundation

/// Resolver sources: small values the schema's resolvers read. Runs are `RunRecord`s and the
/// viewer is the `APIKeyRecord` itself.

struct EntityNode: Sendable {
    let name: String
}

struct OrganizationNode: Sendable {
    let id: String
    let name: String
}

/// A project by address; it need not exist yet (`model` answers for a project before its first run,
/// as `RunResumeStatus` expects).
struct ProjectNode: Sendable {
    let entity: String
    let name: String
    var id: String { OpaqueID.make("Project", entity, name) }
}

struct ServerFeatureNode: Sendable {
    let name: String
    let isEnabled: Bool
}

struct ServerInfoNode: Sendable {
    let features: [ServerFeatureNode]
}

/// A run file, artifact file or manifest file as W&B's `File` type shows it.
struct FileNode: Sendable {
    let id: String
    let name: String
    var uploadUrl: String?
    var directUrl: String?
    var uploadHeaders: [String]?
}

struct UpsertBucketResult: Sendable {
    let run: RunRecord
    let inserted: Bool
    let clientMutationId: String?
}

struct CreateRunFilesResult: Sendable {
    let runID: String
    let uploadHeaders: [String]
    let files: [FileNode]
    let clientMutationId: String?
}

struct AlertResult: Sendable {
    let success: Bool
    let clientMutationId: String?
}
