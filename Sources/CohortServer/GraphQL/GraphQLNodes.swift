import Foundation
import GraphQL

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
    /// When listed (`models`): the project's last activity stands in for its creation time.
    var createdAt: Date? = nil
    var id: String { OpaqueID.make("Project", entity, name) }
    /// W&B's numeric project id (`internalId`, `Run.projectId`): a stable 31-bit hash of the
    /// address, so it fits GraphQL's `Int` and needs no store column.
    var internalID: Int { ProjectNode.internalID(entity: entity, name: name) }

    static func internalID(entity: String, name: String) -> Int {
        var hash: UInt32 = 2_166_136_261  // FNV-1a
        for byte in (entity + "/" + name).utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 16_777_619
        }
        return Int(hash & 0x7FFF_FFFF)
    }
}

/// `Run.parquetHistory`: the history rows as JSON objects (no parquet files are exported).
struct ParquetHistoryNode: Sendable {
    let liveData: [Map]
}

struct PageInfoNode: Sendable {
    let endCursor: String?
    let hasNextPage: Bool
    let startCursor: String?
    let hasPreviousPage: Bool
}

/// A source with nothing to show (the always-empty `User.apiKeys`).
struct EmptyNode: Sendable {}

/// A page of a connection (`edges { node cursor }`, `pageInfo`), for runs, projects and files.
struct PageNode<Node: Sendable>: Sendable {
    struct Edge: Sendable {
        let node: Node
        let cursor: String
    }
    let edges: [Edge]
    let endCursor: String?
    let hasNextPage: Bool
    let totalCount: Int

    /// The items after the `after` cursor (an opaque offset from an earlier page), at most `first`
    /// (default 50, at most 1000).
    init(_ items: [Node], after: String?, first: Int?) throws {
        var start = 0
        if let after, !after.isEmpty {
            guard let data = Data(base64Encoded: after), let text = String(data: data, encoding: .utf8),
                text.hasPrefix("Cursor:"), let index = Int(text.dropFirst("Cursor:".count)), index >= 0
            else { throw GraphQLFailure("invalid cursor \(String(reflecting: after))") }
            start = index + 1
        }
        let limit = max(0, min(first ?? 50, 1000))
        let end = min(items.count, start + limit)
        edges = start < end ? (start..<end).map { Edge(node: items[$0], cursor: OpaqueID.make("Cursor", String($0))) } : []
        endCursor = edges.last?.cursor
        hasNextPage = end < items.count
        totalCount = items.count
    }
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
    /// Read fields (`Run.files`): a signed GET URL, size, type and time of a stored run file.
    var url: String? = nil
    var sizeBytes: Int? = nil
    var mimetype: String? = nil
    var updatedAt: Date? = nil
    /// Artifact files: the client's base64 MD5 (`md5`, `digest`) and the opaque storage path.
    var md5: String? = nil
    var storagePath: String? = nil
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

/// The answer of a mutation that only reports success (`notifyScriptableRunAlert`, `stopRun`).
struct SuccessPayload: Sendable {
    let success: Bool
    let clientMutationId: String?
}
