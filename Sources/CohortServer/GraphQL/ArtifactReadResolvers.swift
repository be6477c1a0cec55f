import Foundation
import GraphQL

/// Resolvers of the artifact read fields (`ArtifactSchema+Reads.swift`). Listings are one store
/// call per field (`collections`, `versions`, `lineage`) paged in memory by `PageNode`.
enum ArtifactReadResolvers {
    /// `Project.artifactType(name:)`: the type when a collection of it exists, else null.
    @Sendable static func projectType(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let name = args["name"].stringOrNil else { return nil }
        return try await types(of: project, ctx).first { $0.name == name }
    }

    /// `Project.artifactTypes(after:, first:)`: the types of the project's collections, by name.
    @Sendable static func projectTypes(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        try PageNode(try await types(of: project, ctx), after: args["after"].stringOrNil, first: first(args))
    }

    /// `Project.artifactCollections(...)`: every collection of the project, by name. `filters` and
    /// `order` are accepted and not applied.
    @Sendable static func projectCollections(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let all = try await ctx.artifacts { try await $0.collections(entity: project.entity, project: project.name) }
        return try PageNode(all.map(CollectionNode.init), after: args["after"].stringOrNil, first: first(args))
    }

    /// `ArtifactType.artifactCollection(name:)`: the collection when it exists with this type.
    @Sendable static func typeCollection(_ type: ArtifactTypeNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let name = args["name"].stringOrNil else { return nil }
        return try await collections(of: type, ctx).first { $0.name == name }.map(CollectionNode.init)
    }

    /// `ArtifactType.artifactCollections(...)`: the type's collections, by name.
    @Sendable static func typeCollections(_ type: ArtifactTypeNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        try PageNode(try await collections(of: type, ctx).map(CollectionNode.init), after: args["after"].stringOrNil, first: first(args))
    }

    /// `ArtifactSequence.artifacts(...)`: the committed versions, newest first (only committed
    /// versions are listed, which is what the client's `{"state": "COMMITTED"}` filter asks).
    @Sendable static func collectionVersions(_ collection: CollectionNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let all = try await ctx.artifacts {
            try await $0.versions(entity: collection.entity, project: collection.project, collection: collection.name)
        }
        return try PageNode(all, after: args["after"].stringOrNil, first: first(args))
    }

    /// `Run.outputArtifacts` (`logged: true`) and `Run.inputArtifacts`: in the order logged or used.
    static func runArtifacts(_ run: RunRecord, _ args: Map, _ ctx: GraphQLContext, logged: Bool) async throws -> (any Sendable)? {
        let lineage = try await ctx.artifacts { try await $0.lineage(of: run.key) }
        return try PageNode(logged ? lineage.logged : lineage.used, after: args["after"].stringOrNil, first: first(args))
    }

    /// `Artifact.createdBy`: the run that logged the version, or null.
    @Sendable static func createdBy(_ artifact: ArtifactRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let key = artifact.createdBy, ctx.principal.mayAct(in: key.entity) else { return nil }
        return try await ctx.store { try await $0.run(key) }
    }

    /// `Artifact.usedBy`: the runs that used the version (those the key may see), in order of use.
    @Sendable static func usedBy(_ artifact: ArtifactRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let keys = try await ctx.artifacts { try await $0.users(of: artifact.id) }
        var runs: [RunRecord] = []
        for key in keys where ctx.principal.mayAct(in: key.entity) {
            if let run = try await ctx.store({ try await $0.run(key) }) { runs.append(run) }
        }
        return try PageNode(runs, after: args["after"].stringOrNil, first: first(args))
    }

    /// `Query.artifactCollection(id:)`: the collection an id names, when it exists and the key may see it.
    @Sendable static func collectionByID(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let id = args["id"].stringOrNil, let node = CollectionNode.parse(id: id), ctx.principal.mayAct(in: node.entity) else {
            return nil
        }
        let all = try await ctx.artifacts { try await $0.collections(entity: node.entity, project: node.project) }
        return all.first { $0.name == node.name }.map(CollectionNode.init)
    }

    /// `ArtifactSequence.aliases(after:, first:)`: every alias of the collection's versions,
    /// newest version first.
    @Sendable static func collectionAliases(_ collection: CollectionNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let versions = try await ctx.artifacts {
            try await $0.versions(entity: collection.entity, project: collection.project, collection: collection.name)
        }
        let aliases = versions.flatMap { version in version.aliases.map { AliasNode(artifact: version, alias: $0) } }
        return try PageNode(aliases, after: args["after"].stringOrNil, first: first(args))
    }

    /// The stored record of a collection node (its type and dates).
    static func record(of collection: CollectionNode, _ ctx: GraphQLContext) async throws -> ArtifactCollectionRecord {
        if let record = collection.record { return record }
        let all = try await ctx.artifacts { try await $0.collections(entity: collection.entity, project: collection.project) }
        guard let record = all.first(where: { $0.name == collection.name }) else {
            throw GraphQLFailure("artifact collection \(String(reflecting: collection.name)) not found")
        }
        return record
    }

    // MARK: Helpers

    private static func types(of project: ProjectNode, _ ctx: GraphQLContext) async throws -> [ArtifactTypeNode] {
        let all = try await ctx.artifacts { try await $0.collections(entity: project.entity, project: project.name) }
        var oldest: [String: ArtifactCollectionRecord] = [:]
        for collection in all where oldest[collection.type].map({ collection.createdAt < $0.createdAt }) ?? true {
            oldest[collection.type] = collection
        }
        return oldest.values.map(ArtifactTypeNode.init).sorted { $0.name < $1.name }
    }

    private static func collections(of type: ArtifactTypeNode, _ ctx: GraphQLContext) async throws -> [ArtifactCollectionRecord] {
        try await ctx.artifacts { try await $0.collections(entity: type.entity, project: type.project) }.filter { $0.type == type.name }
    }

    private static func first(_ args: Map) -> Int? {
        args["first"].integerOrNil.map { Int($0) }
    }
}
