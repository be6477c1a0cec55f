import Foundation
import GraphQL
import OrderedCollections

/// The artifact read side of `wandb.Api()` (`docs/wandb-api-queries.md`, "Artifacts"): artifact
/// types and their collections, a collection's versions, a run's logged and used versions, and a
/// version's producer and users. The fields are merged into the types `ArtifactSchema.build` makes.
extension ArtifactSchema {
    struct ReadParts {
        var artifactFields: GraphQLFieldMap
        /// `ArtifactSequence`'s read fields (the `ArtifactCollection` interface declares them too).
        var sequenceFields: GraphQLFieldMap
        var projectFields: GraphQLFieldMap
        var runFields: GraphQLFieldMap
        var queryFields: GraphQLFieldMap
    }

    static func readTypes(
        artifact: GraphQLObjectType, sequence: GraphQLObjectType, alias: GraphQLObjectType, tag: GraphQLObjectType,
        run: GraphQLObjectType, runConnection: GraphQLObjectType, pageInfo: GraphQLObjectType
    ) throws -> ReadParts {
        let string = GraphQLString, int = GraphQLInt, id = GraphQLID, jsonString = CohortSchema.jsonString
        let page: GraphQLArgumentConfigMap = ["after": GraphQLArgument(type: string), "first": GraphQLArgument(type: int)]
        var listing = page
        listing["filters"] = GraphQLArgument(type: jsonString)
        listing["order"] = GraphQLArgument(type: string)

        // A collection's versions (`artifacts`), a run's inputs and outputs: edges carry `version`.
        let versionEdge = try GraphQLObjectType(
            name: "VersionedArtifactEdge",
            fields: [
                "version": GraphQLField(
                    type: GraphQLNonNull(string),
                    resolve: Resolve.on(PageNode<ArtifactRecord>.Edge.self) { e, _, _ in e.node.versionIndex.map { "v\($0)" } ?? "" }),
                "node": GraphQLField(type: artifact, resolve: Resolve.on(PageNode<ArtifactRecord>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<ArtifactRecord>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let versions = try CohortSchema.connection("VersionedArtifactConnection", edge: versionEdge, pageInfo: pageInfo, of: ArtifactRecord.self)

        let collectionEdge = try GraphQLObjectType(
            name: "ArtifactCollectionEdge",
            fields: [
                "node": GraphQLField(type: sequence, resolve: Resolve.on(PageNode<CollectionNode>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<CollectionNode>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let collections = try CohortSchema.connection("ArtifactCollectionConnection", edge: collectionEdge, pageInfo: pageInfo, of: CollectionNode.self)

        let artifactType = try GraphQLObjectType(
            name: "ArtifactType",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ArtifactTypeNode.self) { t, _, _ in t.id }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactTypeNode.self) { t, _, _ in t.name }),
                "description": GraphQLField(type: string, resolve: Resolve.on(ArtifactTypeNode.self) { _, _, _ in nil }),
                "createdAt": GraphQLField(
                    type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactTypeNode.self) { t, _, _ in ArtifactDates.text(t.createdAt) }),
                "artifactCollection": GraphQLField(
                    type: sequence, args: ["name": GraphQLArgument(type: GraphQLNonNull(string))],
                    resolve: Resolve.on(ArtifactTypeNode.self, ArtifactReadResolvers.typeCollection)),
                "artifactCollections": GraphQLField(
                    type: GraphQLNonNull(collections), args: listing, resolve: Resolve.on(ArtifactTypeNode.self, ArtifactReadResolvers.typeCollections)),
            ])
        let typeEdge = try GraphQLObjectType(
            name: "ArtifactTypeEdge",
            fields: [
                "node": GraphQLField(type: artifactType, resolve: Resolve.on(PageNode<ArtifactTypeNode>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<ArtifactTypeNode>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let types = try CohortSchema.connection("ArtifactTypeConnection", edge: typeEdge, pageInfo: pageInfo, of: ArtifactTypeNode.self)

        // Collection tags are not kept: always an empty connection.
        let tagEdge = try GraphQLObjectType(
            name: "TagEdge", fields: ["node": GraphQLField(type: GraphQLNonNull(tag), resolve: Resolve.on(String.self) { t, _, _ in t })])
        let tags = try GraphQLObjectType(
            name: "TagConnection",
            fields: [
                "edges": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(tagEdge))), resolve: Resolve.on(CollectionNode.self) { _, _, _ in [String]() })
            ])

        let aliasEdge = try GraphQLObjectType(
            name: "ArtifactAliasEdge",
            fields: [
                "node": GraphQLField(type: alias, resolve: Resolve.on(PageNode<AliasNode>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<AliasNode>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let aliases = try CohortSchema.connection("ArtifactAliasConnection", edge: aliasEdge, pageInfo: pageInfo, of: AliasNode.self)

        let sequenceFields: GraphQLFieldMap = [
            "aliases": GraphQLField(
                type: GraphQLNonNull(aliases), args: page, resolve: Resolve.on(CollectionNode.self, ArtifactReadResolvers.collectionAliases)),
            "description": GraphQLField(type: string, resolve: Resolve.on(CollectionNode.self) { _, _, _ in nil }),
            "createdAt": GraphQLField(
                type: GraphQLNonNull(string),
                resolve: Resolve.on(CollectionNode.self) { c, _, ctx in ArtifactDates.text(try await ArtifactReadResolvers.record(of: c, ctx).createdAt) }),
            "updatedAt": GraphQLField(
                type: string,
                resolve: Resolve.on(CollectionNode.self) { c, _, ctx in ArtifactDates.text(try await ArtifactReadResolvers.record(of: c, ctx).updatedAt) }),
            "defaultArtifactType": GraphQLField(
                type: GraphQLNonNull(artifactType),
                resolve: Resolve.on(CollectionNode.self) { c, _, ctx in ArtifactTypeNode(try await ArtifactReadResolvers.record(of: c, ctx)) }),
            "tags": GraphQLField(type: GraphQLNonNull(tags), resolve: Resolve.on(CollectionNode.self) { c, _, _ in c }),
            "artifacts": GraphQLField(
                type: versions, args: listing, resolve: Resolve.on(CollectionNode.self, ArtifactReadResolvers.collectionVersions)),
        ]
        let artifactFields: GraphQLFieldMap = [
            "artifactType": GraphQLField(
                type: GraphQLNonNull(artifactType),
                resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in
                    ArtifactTypeNode(entity: a.entity, project: a.project, name: a.type, createdAt: a.createdAt)
                }),
            "createdBy": GraphQLField(type: run, resolve: Resolve.on(ArtifactRecord.self, ArtifactReadResolvers.createdBy)),
            "usedBy": GraphQLField(type: GraphQLNonNull(runConnection), args: page, resolve: Resolve.on(ArtifactRecord.self, ArtifactReadResolvers.usedBy)),
        ]
        let projectFields: GraphQLFieldMap = [
            "artifactType": GraphQLField(
                type: artifactType, args: ["name": GraphQLArgument(type: GraphQLNonNull(string))],
                resolve: Resolve.on(ProjectNode.self, ArtifactReadResolvers.projectType)),
            "artifactTypes": GraphQLField(
                type: GraphQLNonNull(types), args: page, resolve: Resolve.on(ProjectNode.self, ArtifactReadResolvers.projectTypes)),
            "artifactCollections": GraphQLField(
                type: GraphQLNonNull(collections), args: listing, resolve: Resolve.on(ProjectNode.self, ArtifactReadResolvers.projectCollections)),
        ]
        let runFields: GraphQLFieldMap = [
            "outputArtifacts": GraphQLField(
                type: versions, args: page,
                resolve: Resolve.on(RunRecord.self) { r, args, ctx in try await ArtifactReadResolvers.runArtifacts(r, args, ctx, logged: true) }),
            "inputArtifacts": GraphQLField(
                type: versions, args: page,
                resolve: Resolve.on(RunRecord.self) { r, args, ctx in try await ArtifactReadResolvers.runArtifacts(r, args, ctx, logged: false) }),
        ]
        let queryFields: GraphQLFieldMap = [
            "artifactCollection": GraphQLField(
                type: sequence, args: ["id": GraphQLArgument(type: GraphQLNonNull(id))], resolve: Resolve.root(ArtifactReadResolvers.collectionByID)),
        ]
        return ReadParts(
            artifactFields: artifactFields, sequenceFields: sequenceFields, projectFields: projectFields, runFields: runFields,
            queryFields: queryFields)
    }
}
