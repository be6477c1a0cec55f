import Foundation
import GraphQL
import OrderedCollections

/// The GraphQL schema the official `wandb` client talks to, with W&B's type and field names
/// (`wandb-protocol.md` §3). A run is W&B's `Run` (reached as `project.bucket` or `project.run`),
/// a project is `Project` (reached as `model` or `project`); the artifact types and mutations come
/// from `ArtifactSchema`. The read queries of `wandb.Api()` are added later; every answer object is
/// a superset of what the clients ask, and `JSONString` values travel as JSON text.
enum CohortSchema {
    /// The schema, built once. Building fails only on a programming error (caught by the tests).
    static let shared: GraphQLSchema = {
        do {
            return try build()
        } catch {
            fatalError("the GraphQL schema is invalid: \(error)")
        }
    }()

    // MARK: Scalars and enums

    /// W&B's `JSONString`: JSON text carried as a GraphQL string, both ways. An object or list sent
    /// in its place is accepted and turned into its JSON text.
    static let jsonString = try! GraphQLScalarType(
        name: "JSONString",
        description: "JSON text, carried as a string both ways.",
        serialize: { value in
            if let text = value as? String { return .string(text) }
            if let map = value as? Map {
                if case .string = map { return map }
                return .string(try JSONText.encode(map))
            }
            throw GraphQLError(message: "JSONString cannot represent \(value)")
        },
        parseValue: { value in
            switch value {
            case .string: return value
            case .dictionary, .array: return .string(try JSONText.encode(value))
            case .null, .undefined: return value
            default: throw GraphQLError(message: "JSONString expects JSON text as a string, not \(value.typeDescription)")
            }
        },
        parseLiteral: { ast in
            guard let string = ast as? StringValue else {
                throw GraphQLError(message: "JSONString expects a string literal holding JSON text", nodes: [ast])
            }
            return .string(string.value)
        })

    /// W&B's `Duration` as `NotifyScriptableRunAlert.waitDuration` uses it: whole milliseconds.
    static let duration = try! GraphQLScalarType(
        name: "Duration",
        description: "A duration in whole milliseconds.",
        serialize: { value in
            if let int = value as? Int { return .number(Number(int)) }
            if let map = value as? Map { return map }
            throw GraphQLError(message: "Duration cannot represent \(value)")
        },
        parseValue: { value in
            if case .null = value { return value }
            if let ms = value.integerOrNil, ms >= 0 { return .number(Number(ms)) }
            if let text = value.stringOrNil, let ms = Int64(text), ms >= 0 { return .number(Number(ms)) }
            throw GraphQLError(message: "Duration expects a whole, non-negative number of milliseconds")
        },
        parseLiteral: { ast in
            if let int = ast as? IntValue, let ms = Int64(int.value), ms >= 0 { return .number(Number(ms)) }
            if let string = ast as? StringValue, let ms = Int64(string.value), ms >= 0 { return .number(Number(ms)) }
            throw GraphQLError(message: "Duration expects a whole, non-negative number of milliseconds", nodes: [ast])
        })

    /// W&B's `JSON`: any JSON value, carried as itself (`sampledHistory` answers lists of objects).
    static let json = try! GraphQLScalarType(
        name: "JSON",
        description: "Any JSON value.",
        serialize: { value in
            if let map = value as? Map { return map }
            if let text = value as? String { return .string(text) }
            throw GraphQLError(message: "JSON cannot represent \(value)")
        },
        parseValue: { $0 },
        parseLiteral: { ast in
            if let string = ast as? StringValue { return .string(string.value) }
            throw GraphQLError(message: "JSON literals must be strings", nodes: [ast])
        })

    /// W&B's `Int64` (wandb-core's `HistoryPage` steps): a whole number, from a number or its text.
    static let int64 = try! GraphQLScalarType(
        name: "Int64",
        description: "A 64-bit whole number.",
        serialize: { value in
            if let int = value as? Int { return .number(Number(int)) }
            if let map = value as? Map { return map }
            throw GraphQLError(message: "Int64 cannot represent \(value)")
        },
        parseValue: { value in
            if case .null = value { return value }
            if let int = value.integerOrNil { return .number(Number(int)) }
            if let text = value.stringOrNil, let int = Int64(text) { return .number(Number(int)) }
            throw GraphQLError(message: "Int64 expects a whole number")
        },
        parseLiteral: { ast in
            if let int = ast as? IntValue, let value = Int64(int.value) { return .number(Number(value)) }
            if let string = ast as? StringValue, let value = Int64(string.value) { return .number(Number(value)) }
            throw GraphQLError(message: "Int64 expects a whole number", nodes: [ast])
        })

    static let alertSeverity = try! GraphQLEnumType(
        name: "AlertSeverity",
        values: [
            "INFO": GraphQLEnumValue(value: .string("INFO")),
            "WARN": GraphQLEnumValue(value: .string("WARN")),
            "ERROR": GraphQLEnumValue(value: .string("ERROR")),
        ])

    // MARK: Building

    /// Holds a type that later types refer back to (`Project.bucket` → `Run` → `Run.project`).
    private final class Forward {
        var run: GraphQLObjectType?
        var projectArtifactFields: GraphQLFieldMap = [:]
        var runArtifactFields: GraphQLFieldMap = [:]
        var runConnection: GraphQLObjectType?
    }

    static func build() throws -> GraphQLSchema {
        let string = GraphQLString, int = GraphQLInt, bool = GraphQLBoolean, id = GraphQLID

        // Organization, Entity
        let organization = try GraphQLObjectType(
            name: "Organization",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(OrganizationNode.self) { o, _, _ in o.id }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(OrganizationNode.self) { o, _, _ in o.name }),
                "coreWeaveOrganizationId": GraphQLField(
                    type: string, resolve: Resolve.on(OrganizationNode.self) { _, _, _ in nil }),
            ])
        let entity = try GraphQLObjectType(
            name: "Entity",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(EntityNode.self) { e, _, _ in OpaqueID.make("Entity", e.name) }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(EntityNode.self) { e, _, _ in e.name }),
                "isTeam": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(EntityNode.self) { _, _, _ in false }),
                // No CoreWeave organizations here: null means "not CoreWeave" to the client.
                "organization": GraphQLField(type: organization, resolve: Resolve.on(EntityNode.self) { _, _, _ in nil }),
            ])
        let entityEdge = try GraphQLObjectType(
            name: "EntityEdge",
            fields: ["node": GraphQLField(type: entity, resolve: Resolve.on(EntityNode.self) { e, _, _ in e })])
        let entityConnection = try GraphQLObjectType(
            name: "EntityConnection",
            fields: [
                "edges": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(entityEdge))),
                    resolve: Resolve.on([EntityNode].self) { entities, _, _ in entities })
            ])

        // Connections' page info (`PageNode`), and API keys (listed empty: keys are not readable)
        let pageInfo = try GraphQLObjectType(
            name: "PageInfo",
            fields: [
                "endCursor": GraphQLField(type: string, resolve: Resolve.on(PageInfoNode.self) { p, _, _ in p.endCursor }),
                "hasNextPage": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(PageInfoNode.self) { p, _, _ in p.hasNextPage }),
                "startCursor": GraphQLField(type: string, resolve: Resolve.on(PageInfoNode.self) { p, _, _ in p.startCursor }),
                "hasPreviousPage": GraphQLField(
                    type: GraphQLNonNull(bool), resolve: Resolve.on(PageInfoNode.self) { p, _, _ in p.hasPreviousPage }),
            ])
        let apiKey = try GraphQLObjectType(
            name: "ApiKey",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(EmptyNode.self) { _, _, _ in "" }),
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(EmptyNode.self) { _, _, _ in "" }),
                "description": GraphQLField(type: string, resolve: Resolve.on(EmptyNode.self) { _, _, _ in nil }),
            ])
        let apiKeyEdge = try GraphQLObjectType(
            name: "ApiKeyEdge", fields: ["node": GraphQLField(type: apiKey, resolve: Resolve.on(EmptyNode.self) { n, _, _ in n })])
        let apiKeyConnection = try GraphQLObjectType(
            name: "ApiKeyConnection",
            fields: [
                "edges": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(apiKeyEdge))), resolve: Resolve.on(EmptyNode.self) { _, _, _ in [EmptyNode]() })
            ])

        // User (the viewer)
        let user = try GraphQLObjectType(
            name: "User",
            fields: [
                "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in OpaqueID.make("User", k.id) }),
                // Keys belong to entities, not people: the entity stands in for the user name.
                "name": GraphQLField(type: string, resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in k.entity }),
                "username": GraphQLField(type: string, resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in k.entity }),
                "entity": GraphQLField(type: string, resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in k.entity }),
                "email": GraphQLField(type: string, resolve: Resolve.on(APIKeyRecord.self) { _, _, _ in nil }),
                "admin": GraphQLField(type: bool, resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in k.isAdmin }),
                "flags": GraphQLField(type: jsonString, resolve: Resolve.on(APIKeyRecord.self) { _, _, _ in "{}" }),
                "deletedAt": GraphQLField(type: string, resolve: Resolve.on(APIKeyRecord.self) { _, _, _ in nil }),
                "apiKeys": GraphQLField(type: apiKeyConnection, resolve: Resolve.on(APIKeyRecord.self) { _, _, _ in EmptyNode() }),
                "teams": GraphQLField(
                    type: entityConnection, args: ["first": GraphQLArgument(type: int)],
                    resolve: Resolve.on(APIKeyRecord.self) { k, _, _ in [EntityNode(name: k.entity)] }),
            ])

        // ServerInfo
        let serverFeature = try GraphQLObjectType(
            name: "ServerFeature",
            fields: [
                "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ServerFeatureNode.self) { f, _, _ in f.name }),
                "isEnabled": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(ServerFeatureNode.self) { f, _, _ in f.isEnabled }),
            ])
        let serverInfo = try GraphQLObjectType(
            name: "ServerInfo",
            fields: [
                // A first server advertises nothing (`wandb-protocol.md` §7).
                "features": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(serverFeature))),
                    resolve: Resolve.on(ServerInfoNode.self) { info, _, _ in info.features })
            ])

        let (file, fileConnection) = try fileTypes(pageInfo: pageInfo)



        // Project and Run
        let forward = Forward()
        let runArgs: GraphQLArgumentConfigMap = [
            "name": GraphQLArgument(type: GraphQLNonNull(string)),
            "missingOk": GraphQLArgument(type: bool),
        ]
        let project = try GraphQLObjectType(
            name: "Project",
            fields: {
                guard let run = forward.run, let runConnection = forward.runConnection else {
                    throw GraphQLError(message: "Run type not built")
                }
                var fields: GraphQLFieldMap = [
                    "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ProjectNode.self) { p, _, _ in p.id }),
                    "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ProjectNode.self) { p, _, _ in p.name }),
                    "entityName": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(ProjectNode.self) { p, _, _ in p.entity }),
                    "entity": GraphQLField(
                        type: GraphQLNonNull(entity), resolve: Resolve.on(ProjectNode.self) { p, _, _ in EntityNode(name: p.entity) }),
                    "bucket": GraphQLField(type: run, args: runArgs, resolve: Resolve.on(ProjectNode.self, Resolvers.projectRun)),
                    "run": GraphQLField(type: run, args: runArgs, resolve: Resolve.on(ProjectNode.self, Resolvers.projectRun)),
                    // Read fields of `wandb.Api()`
                    "internalId": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(ProjectNode.self) { p, _, _ in String(p.internalID) }),
                    "createdAt": GraphQLField(
                        type: GraphQLNonNull(string), resolve: Resolve.on(ProjectNode.self) { p, _, ctx in WandbTime.string(p.createdAt ?? ctx.now) }),
                    "isBenchmark": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(ProjectNode.self) { _, _, _ in false }),
                    "readOnly": GraphQLField(type: bool, resolve: Resolve.on(ProjectNode.self) { _, _, _ in false }),
                    // Keys belong to entities, not people: projects have no user (the client accepts null).
                    "user": GraphQLField(type: user, resolve: Resolve.on(ProjectNode.self) { _, _, _ in nil }),
                    "runCount": GraphQLField(
                        type: GraphQLNonNull(int), args: ["filters": GraphQLArgument(type: jsonString)],
                        resolve: Resolve.on(ProjectNode.self, Resolvers.runCount)),
                    "runs": GraphQLField(
                        type: runConnection,
                        args: [
                            "filters": GraphQLArgument(type: jsonString), "after": GraphQLArgument(type: string),
                            "first": GraphQLArgument(type: int), "order": GraphQLArgument(type: string),
                        ],
                        resolve: Resolve.on(ProjectNode.self, Resolvers.projectRuns)),
                ]
                for (name, field) in forward.projectArtifactFields { fields[name] = field }
                return fields
            })
        // wandb-core's `RunParquetHistory`: no parquet exports here, every row is live data.
        let parquetHistory = try GraphQLObjectType(
            name: "ParquetHistory",
            fields: [
                "parquetUrls": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(string))), resolve: Resolve.on(ParquetHistoryNode.self) { _, _, _ in [String]() }),
                "liveData": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(json))), resolve: Resolve.on(ParquetHistoryNode.self) { p, _, _ in p.liveData }),
            ])
        let run = try GraphQLObjectType(
            name: "Run",
            fields: {
                var fields: GraphQLFieldMap = [
                    "id": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(RunRecord.self) { r, _, _ in r.storageID }),
                    "name": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(RunRecord.self) { r, _, _ in r.key.name }),
                    "displayName": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.displayName }),
                    "description": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.description }),
                    "notes": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.notes }),
                    "stopped": GraphQLField(type: bool, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.stopRequested }),
                    "group": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.groupName }),
                    "jobType": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.jobType }),
                    "host": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.host }),
                    "program": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.program }),
                    "commit": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.commit }),
                    "sweepName": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.sweep }),
                    "state": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.state.rawValue }),
                    "tags": GraphQLField(
                        type: GraphQLNonNull(GraphQLList(GraphQLNonNull(string))), resolve: Resolve.on(RunRecord.self) { r, _, _ in r.tags }),
                    "config": GraphQLField(type: jsonString, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.config }),
                    "summaryMetrics": GraphQLField(type: jsonString, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.summary }),
                    "wandbConfig": GraphQLField(
                        type: jsonString, args: ["keys": GraphQLArgument(type: GraphQLList(GraphQLNonNull(string)))],
                        resolve: Resolve.on(RunRecord.self) { r, args, _ in
                            JSONText.wandbConfig(fromConfig: r.config, keys: args["keys"].stringsOrNil)
                        }),
                    "historyLineCount": GraphQLField(type: int, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.historyLineCount }),
                    "eventsLineCount": GraphQLField(type: int, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.eventsLineCount }),
                    "logLineCount": GraphQLField(type: int, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.logLineCount }),
                    "historyTail": GraphQLField(type: jsonString, resolve: Resolve.on(RunRecord.self, Resolvers.historyTail)),
                    "eventsTail": GraphQLField(type: jsonString, resolve: Resolve.on(RunRecord.self, Resolvers.eventsTail)),
                    "exitcode": GraphQLField(type: int, resolve: Resolve.on(RunRecord.self) { r, _, _ in r.exitCode }),
                    "project": GraphQLField(
                        type: project,
                        resolve: Resolve.on(RunRecord.self) { r, _, _ in ProjectNode(entity: r.key.entity, name: r.key.project) }),
                    // Read fields of `wandb.Api()`
                    "projectId": GraphQLField(
                        type: GraphQLNonNull(int),
                        resolve: Resolve.on(RunRecord.self) { r, _, _ in ProjectNode.internalID(entity: r.key.entity, name: r.key.project) }),
                    "readOnly": GraphQLField(type: bool, resolve: Resolve.on(RunRecord.self) { _, _, _ in false }),
                    "createdAt": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(RunRecord.self) { r, _, _ in WandbTime.string(r.createdAt) }),
                    "updatedAt": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in WandbTime.string(r.updatedAt) }),
                    "heartbeatAt": GraphQLField(type: string, resolve: Resolve.on(RunRecord.self) { r, _, _ in WandbTime.string(r.heartbeatAt) }),
                    // The client builds a `User` from this object when the key is present, so it may not be
                    // null: the run's entity stands in (keys belong to entities, not people).
                    "user": GraphQLField(
                        type: user,
                        resolve: Resolve.on(RunRecord.self) { r, _, _ in
                            APIKeyRecord(
                                id: "entity:" + r.key.entity, secretHash: "", label: "", entity: r.key.entity, isAdmin: false,
                                createdAt: r.createdAt)
                        }),
                    "systemMetrics": GraphQLField(type: jsonString, resolve: Resolve.on(RunRecord.self, Resolvers.systemMetrics)),
                    "historyKeys": GraphQLField(type: json, resolve: Resolve.on(RunRecord.self, Resolvers.historyKeys)),
                    "history": GraphQLField(
                        type: GraphQLList(GraphQLNonNull(string)),
                        args: ["samples": GraphQLArgument(type: int), "minStep": GraphQLArgument(type: int64), "maxStep": GraphQLArgument(type: int64)],
                        resolve: Resolve.on(RunRecord.self, Resolvers.fullHistory)),
                    "events": GraphQLField(
                        type: GraphQLList(GraphQLNonNull(string)), args: ["samples": GraphQLArgument(type: int)],
                        resolve: Resolve.on(RunRecord.self, Resolvers.events)),
                    "sampledHistory": GraphQLField(
                        type: GraphQLList(json), args: ["specs": GraphQLArgument(type: GraphQLNonNull(GraphQLList(GraphQLNonNull(jsonString))))],
                        resolve: Resolve.on(RunRecord.self, Resolvers.sampledHistory)),
                    "parquetHistory": GraphQLField(
                        type: GraphQLNonNull(parquetHistory), args: ["liveKeys": GraphQLArgument(type: GraphQLList(GraphQLNonNull(string)))],
                        resolve: Resolve.on(RunRecord.self, Resolvers.parquetHistory)),
                    "fileCount": GraphQLField(type: int, resolve: Resolve.on(RunRecord.self, Resolvers.fileCount)),
                    "files": GraphQLField(
                        type: fileConnection,
                        args: [
                            "names": GraphQLArgument(type: GraphQLList(string)), "pattern": GraphQLArgument(type: string),
                            "after": GraphQLArgument(type: string), "first": GraphQLArgument(type: int),
                        ],
                        resolve: Resolve.on(RunRecord.self, Resolvers.runFiles)),
                ]
                for (name, field) in forward.runArtifactFields { fields[name] = field }
                return fields
            })
        forward.run = run
        let runEdge = try GraphQLObjectType(
            name: "RunEdge",
            fields: [
                "node": GraphQLField(type: run, resolve: Resolve.on(PageNode<RunRecord>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<RunRecord>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let runConnection = try connection("RunConnection", edge: runEdge, pageInfo: pageInfo, of: RunRecord.self)
        forward.runConnection = runConnection
        let projectEdge = try GraphQLObjectType(
            name: "ProjectEdge",
            fields: [
                "node": GraphQLField(type: project, resolve: Resolve.on(PageNode<ProjectNode>.Edge.self) { e, _, _ in e.node }),
                "cursor": GraphQLField(type: GraphQLNonNull(string), resolve: Resolve.on(PageNode<ProjectNode>.Edge.self) { e, _, _ in e.cursor }),
            ])
        let projectConnection = try connection("ProjectConnection", edge: projectEdge, pageInfo: pageInfo, of: ProjectNode.self)

        let artifactParts = try ArtifactSchema.build(
            project: project, run: run, runConnection: runConnection, file: file,
            fileConnection: fileConnection, pageInfo: pageInfo, jsonString: jsonString)
        forward.projectArtifactFields = artifactParts.projectFields
        forward.runArtifactFields = artifactParts.runFields

        // Query
        let projectArgs: GraphQLArgumentConfigMap = [
            "name": GraphQLArgument(type: string),
            "entityName": GraphQLArgument(type: string),
        ]
        var queryFields: GraphQLFieldMap = [
                "viewer": GraphQLField(type: user, resolve: Resolve.root { _, ctx in ctx.principal }),
                "serverInfo": GraphQLField(type: serverInfo, resolve: Resolve.root { _, _ in ServerInfoNode(features: []) }),
                "model": GraphQLField(type: project, args: projectArgs, resolve: Resolve.root(Resolvers.model)),
                "project": GraphQLField(type: project, args: projectArgs, resolve: Resolve.root(Resolvers.project)),
                "models": GraphQLField(
                    type: projectConnection,
                    args: ["entityName": GraphQLArgument(type: string), "after": GraphQLArgument(type: string), "first": GraphQLArgument(type: int)],
                    resolve: Resolve.root(Resolvers.models)),
                "entity": GraphQLField(
                    type: entity, args: ["name": GraphQLArgument(type: string)],
                    resolve: Resolve.root { args, ctx in EntityNode(name: try ctx.entity(args["name"].stringOrNil)) }),
            ]
        for (name, field) in artifactParts.queryFields { queryFields[name] = field }
        let query = try GraphQLObjectType(name: "Query", fields: queryFields)

        // Mutation
        var mutationFields = try runMutationFields(run: run, file: file)
        for (name, field) in artifactParts.mutationFields { mutationFields[name] = field }
        let mutation = try GraphQLObjectType(name: "Mutation", fields: mutationFields)

        return try GraphQLSchema(query: query, mutation: mutation, types: [jsonString, json, int64, duration, alertSeverity] + artifactParts.types)
    }

    /// A connection type over `PageNode<Node>`: `edges`, `pageInfo` and `totalCount`.
    static func connection<Node: Sendable>(
        _ name: String, edge: GraphQLObjectType, pageInfo: GraphQLObjectType, of _: Node.Type
    ) throws -> GraphQLObjectType {
        try GraphQLObjectType(
            name: name,
            fields: [
                "edges": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(edge))), resolve: Resolve.on(PageNode<Node>.self) { p, _, _ in p.edges }),
                "pageInfo": GraphQLField(
                    type: GraphQLNonNull(pageInfo),
                    resolve: Resolve.on(PageNode<Node>.self) { p, _, _ in
                        PageInfoNode(endCursor: p.endCursor, hasNextPage: p.hasNextPage, startCursor: p.edges.first?.cursor, hasPreviousPage: false)
                    }),
                "totalCount": GraphQLField(type: GraphQLInt, resolve: Resolve.on(PageNode<Node>.self) { p, _, _ in p.totalCount }),
            ])
    }
}
