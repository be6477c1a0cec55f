import Foundation
import GraphQL
import OrderedCollections

/// The artifact part of the schema (`wandb-protocol.md` §2.5, §2.7, §3): W&B's `Artifact`,
/// `ArtifactSequence` (behind the `ArtifactCollection` interface), `ArtifactAlias`,
/// `ArtifactCollectionMembership`, `ArtifactManifest`, the upload mutations and `useArtifact`.
/// Input objects list every field the official client sends (an unknown field fails the call).
enum ArtifactSchema {
    struct Parts {
        var projectFields: GraphQLFieldMap
        var queryFields: GraphQLFieldMap
        var mutationFields: GraphQLFieldMap
        var runFields: GraphQLFieldMap
        var types: [any GraphQLNamedType]
    }

    /// Types that later types refer back to, and the read fields (`ArtifactSchema+Reads.swift`)
    /// merged into the types built here.
    // SAFETY: written only while the schema is built, on one thread, before the field thunks that
    // read it run (they run inside `GraphQLSchema(...)`); never touched afterwards.
    private final class Box: @unchecked Sendable {
        var artifact: GraphQLObjectType?
        var sequence: GraphQLObjectType?
        var reads: ReadParts?
    }

    static func build(
        project: GraphQLObjectType, run: GraphQLObjectType, runConnection: GraphQLObjectType, file: GraphQLObjectType,
        fileConnection: GraphQLObjectType, pageInfo: GraphQLObjectType, jsonString: GraphQLScalarType
    ) throws -> Parts {
        let string = GraphQLString, int = GraphQLInt, bool = GraphQLBoolean, id = GraphQLID
        let box = Box()
        func reads() throws -> ReadParts {
            guard let reads = box.reads else { throw GraphQLError(message: "artifact read fields not built") }
            return reads
        }
        let tag = try GraphQLObjectType(
            name: "Tag",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(String.self) { n, _, _ in OpaqueID.make("Tag", n) }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(String.self) { n, _, _ in n }),
            ])
        let collectionInterface = try GraphQLInterfaceType(
            name: "ArtifactCollection",
            fields: {
                var fields: GraphQLFieldMap = [
                    "id": GraphQLField(type: GraphQLNonNull(id)),
                    "name": GraphQLField(type: GraphQLNonNull(string)),
                    "project": GraphQLField(type: project),
                ]
                // The interface declares the read fields too (fragments on `ArtifactCollection` select them).
                for (name, field) in try reads().sequenceFields { fields[name] = GraphQLField(type: field.type, args: field.args) }
                return fields
            },
            resolveType: { _, _ in "ArtifactSequence" })
        let alias = try GraphQLObjectType(
            name: "ArtifactAlias",
            fields: {
                guard let sequence = box.sequence else { throw GraphQLError(message: "ArtifactSequence not built") }
                return [
                    "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(AliasNode.self) { a, _, _ in a.id }),
                    "alias": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(AliasNode.self) { a, _, _ in a.alias }),
                    "artifactCollection": GraphQLField(
                        type: sequence, resolve: Resolve.on(AliasNode.self) { a, _, _ in CollectionNode(a.artifact) }),
                    "artifactCollectionName": GraphQLField(
                        type: GraphQLNonNull(string), resolve: Resolve.on(AliasNode.self) { a, _, _ in a.artifact.collection }),
                ]
            })
        let manifest = try GraphQLObjectType(
            name: "ArtifactManifest",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ManifestNode.self) { m, _, _ in m.id }),
                "file": GraphQLField(type: GraphQLNonNull(file), resolve: Resolve.on(ManifestNode.self) { m, _, _ in m.file }),
            ])
        let artifact = try GraphQLObjectType(
            name: "Artifact",
            fields: {
                guard let sequence = box.sequence else { throw GraphQLError(message: "ArtifactSequence not built") }
                var fields: GraphQLFieldMap = [
                    "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.id }),
                    "digest": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.digest }),
                    "digestAlgorithm": GraphQLField(type: string, resolve: Resolve.on(ArtifactRecord.self) { _, _, _ in "MANIFEST_MD5" }),
                    "state": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.state.rawValue }),
                    "versionIndex": GraphQLField(type: int, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.versionIndex }),
                    "artifactSequence": GraphQLField(
                        type: GraphQLNonNull(sequence), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in CollectionNode(a) }),
                    "description": GraphQLField(type: string, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.description }),
                    "metadata": GraphQLField(type: jsonString, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.metadata }),
                    // No TTL here: -1 is W&B's "never expires".
                    "ttlDurationSeconds": GraphQLField(type: GraphQLNonNull(int), resolve: Resolve.on(ArtifactRecord.self) { _, _, _ in -1 }),
                    "ttlIsInherited": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(ArtifactRecord.self) { _, _, _ in false }),
                    "tags": GraphQLField(
                        type: GraphQLNonNull(GraphQLList(GraphQLNonNull(tag))), resolve: Resolve.on(ArtifactRecord.self) { _, _, _ in [String]() }),
                    "historyStep": GraphQLField(type: int, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.historyStep }),
                    "size": GraphQLField(type: GraphQLNonNull(int), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.size }),
                    "fileCount": GraphQLField(type: GraphQLNonNull(int), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.fileCount }),
                    "commitHash": GraphQLField(type: string, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in String(a.id.prefix(12)) }),
                    "createdAt": GraphQLField(
                        type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in ArtifactDates.text(a.createdAt) }),
                    "updatedAt": GraphQLField(type: string, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in ArtifactDates.text(a.updatedAt) }),
                    "aliases": GraphQLField(
                        type: GraphQLNonNull(GraphQLList(GraphQLNonNull(alias))),
                        resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.aliases.map { AliasNode(artifact: a, alias: $0) } }),
                    "currentManifest": GraphQLField(type: manifest, resolve: Resolve.on(ArtifactRecord.self, ArtifactResolvers.currentManifest)),
                ]
                for (name, field) in try reads().artifactFields { fields[name] = field }
                return fields
            })
        box.artifact = artifact

        let membership = try GraphQLObjectType(
            name: "ArtifactCollectionMembership",
            fields: {
                guard let sequence = box.sequence else { throw GraphQLError(message: "ArtifactSequence not built") }
                return [
                    "id": GraphQLField(
                        type: GraphQLNonNull(id), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in OpaqueID.make("ArtifactCollectionMembership", a.id) }),
                    "versionIndex": GraphQLField(type: int, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.versionIndex }),
                    "createdAt": GraphQLField(
                        type: GraphQLNonNull(string), resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in ArtifactDates.text(a.createdAt) }),
                    "aliases": GraphQLField(
                        type: GraphQLNonNull(GraphQLList(GraphQLNonNull(alias))),
                        resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a.aliases.map { AliasNode(artifact: a, alias: $0) } }),
                    "artifactCollection": GraphQLField(type: sequence, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in CollectionNode(a) }),
                    "artifact": GraphQLField(type: artifact, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a }),
                    "files": GraphQLField(
                        type: GraphQLNonNull(fileConnection),
                        args: [
                            "names": GraphQLArgument(type: GraphQLList(GraphQLNonNull(string))), "after": GraphQLArgument(type: string),
                            "first": GraphQLArgument(type: int),
                        ],
                        resolve: Resolve.on(ArtifactRecord.self, ArtifactResolvers.files)),
                ]
            })

        let sequence = try GraphQLObjectType(
            name: "ArtifactSequence",
            fields: {
                var fields: GraphQLFieldMap = [
                    "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(CollectionNode.self) { c, _, _ in c.id }),
                    "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(CollectionNode.self) { c, _, _ in c.name }),
                    "project": GraphQLField(
                        type: project, resolve: Resolve.on(CollectionNode.self) { c, _, _ in ProjectNode(entity: c.entity, name: c.project) }),
                    "latestArtifact": GraphQLField(type: artifact, resolve: Resolve.on(CollectionNode.self, ArtifactResolvers.latestArtifact)),
                    "artifactMembership": GraphQLField(
                        type: membership, args: ["aliasName": GraphQLArgument(type: GraphQLNonNull(string))],
                        resolve: Resolve.on(CollectionNode.self, ArtifactResolvers.membership)),
                ]
                for (name, field) in try reads().sequenceFields { fields[name] = field }
                return fields
            },
            interfaces: { [collectionInterface] })
        box.sequence = sequence
        let readParts = try readTypes(
            artifact: artifact, sequence: sequence, alias: alias, tag: tag, run: run, runConnection: runConnection, pageInfo: pageInfo)
        box.reads = readParts

        var projectFields: GraphQLFieldMap = [
            "internalId": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ProjectNode.self) { p, _, _ in p.id }),
            "artifact": GraphQLField(
                type: artifact, args: ["name": GraphQLArgument(type: GraphQLNonNull(string))],
                resolve: Resolve.on(ProjectNode.self, ArtifactResolvers.projectArtifact)),
            "artifactCollectionMembership": GraphQLField(
                type: membership, args: ["name": GraphQLArgument(type: GraphQLNonNull(string))],
                resolve: Resolve.on(ProjectNode.self, ArtifactResolvers.projectArtifact)),
            "artifactCollection": GraphQLField(
                type: sequence, args: ["name": GraphQLArgument(type: GraphQLNonNull(string))],
                resolve: Resolve.on(ProjectNode.self, ArtifactResolvers.projectCollection)),
        ]
        for (name, field) in readParts.projectFields { projectFields[name] = field }
        var queryFields: GraphQLFieldMap = [
            "artifact": GraphQLField(
                type: artifact, args: ["id": GraphQLArgument(type: GraphQLNonNull(id))],
                resolve: Resolve.root(ArtifactResolvers.artifactByID)),
        ]
        for (name, field) in readParts.queryFields { queryFields[name] = field }

        // Mutations
        let digestAlgorithm = try GraphQLEnumType(
            name: "ArtifactDigestAlgorithm",
            values: ["MANIFEST_MD5": GraphQLEnumValue(value: .string("MANIFEST_MD5")),
                     "MANIFEST_XXH128": GraphQLEnumValue(value: .string("MANIFEST_XXH128"))])
        let manifestType = try GraphQLEnumType(
            name: "ArtifactManifestType",
            values: ["FULL": GraphQLEnumValue(value: .string("FULL")), "INCREMENTAL": GraphQLEnumValue(value: .string("INCREMENTAL")),
                     "PATCH": GraphQLEnumValue(value: .string("PATCH"))])
        let multipartAction = try GraphQLEnumType(
            name: "CompleteMultipartAction",
            values: ["Complete": GraphQLEnumValue(value: .string("Complete")), "Abort": GraphQLEnumValue(value: .string("Abort"))])
        let aliasInput = try GraphQLInputObjectType(
            name: "ArtifactAliasInput",
            fields: [
                "alias": InputObjectField(type: GraphQLNonNull(string)),
                "artifactCollectionName": InputObjectField(type: string),
            ])
        let createArtifactInput = try GraphQLInputObjectType(
            name: "CreateArtifactInput",
            fields: [
                "entityName": InputObjectField(type: string),
                "projectName": InputObjectField(type: string),
                "artifactTypeName": InputObjectField(type: GraphQLNonNull(string)),
                "artifactCollectionName": InputObjectField(type: string),
                "artifactCollectionNames": InputObjectField(type: GraphQLList(GraphQLNonNull(string))),
                "runName": InputObjectField(type: string),
                "digest": InputObjectField(type: GraphQLNonNull(string)),
                "digestAlgorithm": InputObjectField(type: digestAlgorithm),
                "description": InputObjectField(type: string),
                "metadata": InputObjectField(type: jsonString),
                "labels": InputObjectField(type: jsonString),
                "aliases": InputObjectField(type: GraphQLList(GraphQLNonNull(aliasInput))),
                "tags": InputObjectField(type: jsonString),
                "historyStep": InputObjectField(type: int),
                "ttlDurationSeconds": InputObjectField(type: int),
                "enableDigestDeduplication": InputObjectField(type: bool),
                "clientID": InputObjectField(type: id),
                "sequenceClientID": InputObjectField(type: id),
                "distributedID": InputObjectField(type: string),
                "storageRegion": InputObjectField(type: string),
                "clientMutationId": InputObjectField(type: string),
            ])
        let createArtifactPayload = try GraphQLObjectType(
            name: "CreateArtifactPayload",
            fields: [
                "artifact": GraphQLField(type: GraphQLNonNull(artifact), resolve: Resolve.on(CreateArtifactResult.self) { r, _, _ in r.artifact }),
            ])
        let createManifestInput = try GraphQLInputObjectType(
            name: "CreateArtifactManifestInput",
            fields: [
                "artifactID": InputObjectField(type: GraphQLNonNull(id)),
                "baseArtifactID": InputObjectField(type: id),
                "name": InputObjectField(type: GraphQLNonNull(string)),
                "digest": InputObjectField(type: GraphQLNonNull(string)),
                "entityName": InputObjectField(type: string),
                "projectName": InputObjectField(type: string),
                "runName": InputObjectField(type: string),
                "type": InputObjectField(type: manifestType),
                "includeUpload": InputObjectField(type: bool),
                "clientMutationId": InputObjectField(type: string),
            ])
        let manifestPayload = try GraphQLObjectType(
            name: "CreateArtifactManifestPayload",
            fields: ["artifactManifest": GraphQLField(type: GraphQLNonNull(manifest), resolve: Resolve.on(ManifestNode.self) { m, _, _ in m })])
        let uploadPartsInput = try GraphQLInputObjectType(
            name: "UploadPartsInput",
            fields: [
                "partNumber": InputObjectField(type: GraphQLNonNull(int)),
                "hexMD5": InputObjectField(type: GraphQLNonNull(string)),
            ])
        let fileSpecInput = try GraphQLInputObjectType(
            name: "CreateArtifactFileSpecInput",
            fields: [
                "artifactID": InputObjectField(type: GraphQLNonNull(id)),
                "artifactManifestID": InputObjectField(type: id),
                "name": InputObjectField(type: GraphQLNonNull(string)),
                "md5": InputObjectField(type: GraphQLNonNull(string)),
                "digest": InputObjectField(type: string),
                "mimetype": InputObjectField(type: string),
                "uploadPartsInput": InputObjectField(type: GraphQLList(GraphQLNonNull(uploadPartsInput))),
            ])
        let createFilesInput = try GraphQLInputObjectType(
            name: "CreateArtifactFilesInput",
            fields: [
                "artifactFiles": InputObjectField(type: GraphQLNonNull(GraphQLList(GraphQLNonNull(fileSpecInput)))),
                "storageLayout": InputObjectField(type: string),
                "digestAlgorithm": InputObjectField(type: digestAlgorithm),
                "cloudRegionID": InputObjectField(type: id),
                "clientMutationId": InputObjectField(type: string),
            ])
        let partURL = try GraphQLObjectType(
            name: "UploadUrlPart",
            fields: [
                "partNumber": GraphQLField(type: GraphQLNonNull(int), resolve: Resolve.on(UploadPartURLNode.self) { p, _, _ in p.partNumber }),
                "uploadUrl": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(UploadPartURLNode.self) { p, _, _ in p.uploadUrl }),
            ])
        let multipartURLs = try GraphQLObjectType(
            name: "UploadMultipartUrls",
            fields: [
                "uploadID": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(MultipartUploadNode.self) { m, _, _ in m.uploadID }),
                "uploadUrlParts": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(partURL))), resolve: Resolve.on(MultipartUploadNode.self) { m, _, _ in m.parts }),
            ])
        let artifactIDType = try GraphQLObjectType(
            name: "ArtifactReference",
            fields: ["id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ArtifactIDNode.self) { a, _, _ in a.id })])
        let uploadFile = try GraphQLObjectType(
            name: "ArtifactFileUpload",
            fields: [
                "storagePath": GraphQLField(type: string, resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in f.storagePath }),
                "uploadUrl": GraphQLField(type: string, resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in f.uploadUrl }),
                "uploadHeaders": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(string))), resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in f.uploadHeaders }),
                "uploadMultipartUrls": GraphQLField(type: multipartURLs, resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in f.multipart }),
                "artifact": GraphQLField(
                    type: GraphQLNonNull(artifactIDType), resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in ArtifactIDNode(id: f.birthArtifactID) }),
            ])
        let uploadEdge = try GraphQLObjectType(
            name: "ArtifactFileUploadEdge",
            fields: ["node": GraphQLField(type: uploadFile, resolve: Resolve.on(ArtifactFileUploadNode.self) { f, _, _ in f })])
        let uploadConnection = try GraphQLObjectType(
            name: "ArtifactFileUploadConnection",
            fields: [
                "edges": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(uploadEdge))),
                    resolve: Resolve.on([ArtifactFileUploadNode].self) { f, _, _ in f }),
            ])
        let createFilesPayload = try GraphQLObjectType(
            name: "CreateArtifactFilesPayload",
            fields: ["files": GraphQLField(type: GraphQLNonNull(uploadConnection), resolve: Resolve.on([ArtifactFileUploadNode].self) { f, _, _ in f })])
        let completeInput = try GraphQLInputObjectType(
            name: "CompleteMultipartUploadArtifactInput",
            fields: [
                "completeMultipartAction": InputObjectField(type: GraphQLNonNull(multipartAction)),
                "completedParts": InputObjectField(type: GraphQLNonNull(GraphQLList(GraphQLNonNull(uploadPartsInput)))),
                "artifactID": InputObjectField(type: GraphQLNonNull(id)),
                "storagePath": InputObjectField(type: GraphQLNonNull(string)),
                "uploadID": InputObjectField(type: GraphQLNonNull(string)),
                "clientMutationId": InputObjectField(type: string),
            ])
        let completePayload = try GraphQLObjectType(
            name: "CompleteMultipartUploadArtifactPayload",
            fields: ["digest": GraphQLField(type: string, resolve: Resolve.on(DigestResult.self) { d, _, _ in d.digest })])
        let commitInput = try GraphQLInputObjectType(
            name: "CommitArtifactInput",
            fields: [
                "artifactID": InputObjectField(type: GraphQLNonNull(id)),
                "clientMutationId": InputObjectField(type: string),
            ])
        let artifactPayload = try GraphQLObjectType(
            name: "ArtifactPayload",
            fields: ["artifact": GraphQLField(type: artifact, resolve: Resolve.on(ArtifactRecord.self) { a, _, _ in a })])
        let useInput = try GraphQLInputObjectType(
            name: "UseArtifactInput",
            fields: [
                "entityName": InputObjectField(type: string),
                "projectName": InputObjectField(type: GraphQLNonNull(string)),
                "runName": InputObjectField(type: GraphQLNonNull(string)),
                "artifactID": InputObjectField(type: GraphQLNonNull(id)),
                "usedAs": InputObjectField(type: string),
                "artifactEntityName": InputObjectField(type: string),
                "artifactProjectName": InputObjectField(type: string),
                "clientMutationId": InputObjectField(type: string),
            ])

        let mutationFields: GraphQLFieldMap = [
            "createArtifact": GraphQLField(
                type: createArtifactPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(createArtifactInput))],
                resolve: Resolve.root(ArtifactResolvers.createArtifact)),
            "createArtifactManifest": GraphQLField(
                type: manifestPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(createManifestInput))],
                resolve: Resolve.root(ArtifactResolvers.createArtifactManifest)),
            "createArtifactFiles": GraphQLField(
                type: createFilesPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(createFilesInput))],
                resolve: Resolve.root(ArtifactResolvers.createArtifactFiles)),
            "completeMultipartUploadArtifact": GraphQLField(
                type: completePayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(completeInput))],
                resolve: Resolve.root(ArtifactResolvers.completeMultipart)),
            "commitArtifact": GraphQLField(
                type: artifactPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(commitInput))],
                resolve: Resolve.root(ArtifactResolvers.commitArtifact)),
            "useArtifact": GraphQLField(
                type: artifactPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(useInput))],
                resolve: Resolve.root(ArtifactResolvers.useArtifact)),
        ]
        return Parts(
            projectFields: projectFields, queryFields: queryFields, mutationFields: mutationFields, runFields: readParts.runFields,
            types: [collectionInterface, sequence, digestAlgorithm, manifestType, multipartAction])
    }
}
