import Foundation
import GraphQL
import OrderedCollections

/// W&B's `File` (run files, artifact files and manifests alike) and its connection.
extension CohortSchema {
    static func fileTypes(pageInfo: GraphQLObjectType) throws -> (file: GraphQLObjectType, connection: GraphQLObjectType) {
        let string = GraphQLString, int = GraphQLInt, bool = GraphQLBoolean, id = GraphQLID
        let file = try GraphQLObjectType(
            name: "File",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(FileNode.self) { f, _, _ in f.id }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(FileNode.self) { f, _, _ in f.name }),
                // The artifact file query asks `name: displayName`: the path inside the artifact.
                "displayName": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(FileNode.self) { f, _, _ in f.name }),
                "uploadUrl": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.uploadUrl }),
                "directUrl": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.directUrl }),
                "uploadHeaders": GraphQLField(
                    type: GraphQLList(GraphQLNonNull(string)), resolve: Resolve.on(FileNode.self) { f, _, _ in f.uploadHeaders }),
                // Read fields: `url(upload: false)` is the signed GET URL the client downloads from.
                "url": GraphQLField(
                    type: string, args: ["upload": GraphQLArgument(type: bool)],
                    resolve: Resolve.on(FileNode.self) { f, args, _ in
                        if case .bool(true) = args["upload"] { return f.uploadUrl }
                        return f.url
                    }),
                "sizeBytes": GraphQLField(type: int, resolve: Resolve.on(FileNode.self) { f, _, _ in f.sizeBytes }),
                "mimetype": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.mimetype }),
                "updatedAt": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.updatedAt.map(WandbTime.string) }),
                // Run files keep only SHA-256 digests (null here); artifact files carry the client's base64 MD5.
                "md5": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.md5 }),
                "digest": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.md5 }),
                "storagePath": GraphQLField(type: string, resolve: Resolve.on(FileNode.self) { f, _, _ in f.storagePath }),
            ])
        let fileEdge = try GraphQLObjectType(
            name: "FileEdge",
            fields: [
                "node": GraphQLField(type: file, resolve: Resolve.on(PageNode<FileNode>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<FileNode>.Edge.self) { e, _, _ in e.cursor }),
            ])
        return (file, try connection("FileConnection", edge: fileEdge, pageInfo: pageInfo, of: FileNode.self))
    }
}
