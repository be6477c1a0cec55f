import GraphQL
import OrderedCollections

extension CohortSchema {
    /// The run path's mutations: `upsertBucket`, `createRunFiles`, `notifyScriptableRunAlert`, `stopRun`.
    static func runMutationFields(run: GraphQLObjectType, file: GraphQLObjectType) throws -> GraphQLFieldMap {
        let string = GraphQLString, bool = GraphQLBoolean, id = GraphQLID
        let upsertBucketInput = try GraphQLInputObjectType(
            name: "UpsertBucketInput",
            fields: [
                "id": InputObjectField(type: string),
                "name": InputObjectField(type: string),
                "groupName": InputObjectField(type: string),
                "modelName": InputObjectField(type: string),
                "entityName": InputObjectField(type: string),
                "description": InputObjectField(type: string),
                "displayName": InputObjectField(type: string),
                "notes": InputObjectField(type: string),
                "commit": InputObjectField(type: string),
                "config": InputObjectField(type: jsonString),
                "host": InputObjectField(type: string),
                "debug": InputObjectField(type: bool),
                "jobProgram": InputObjectField(type: string),
                "jobRepo": InputObjectField(type: string),
                "jobType": InputObjectField(type: string),
                "state": InputObjectField(type: string),
                "sweep": InputObjectField(type: string),
                "tags": InputObjectField(type: GraphQLList(GraphQLNonNull(string))),
                "summaryMetrics": InputObjectField(type: jsonString),
                "clientMutationId": InputObjectField(type: string),
            ])
        let upsertBucketPayload = try GraphQLObjectType(
            name: "UpsertBucketPayload",
            fields: [
                "bucket": GraphQLField(type: run, resolve: Resolve.on(UpsertBucketResult.self) { p, _, _ in p.run }),
                "inserted": GraphQLField(type: bool, resolve: Resolve.on(UpsertBucketResult.self) { p, _, _ in p.inserted }),
                "clientMutationId": GraphQLField(
                    type: string, resolve: Resolve.on(UpsertBucketResult.self) { p, _, _ in p.clientMutationId }),
            ])
        let createRunFilesInput = try GraphQLInputObjectType(
            name: "CreateRunFilesInput",
            fields: [
                "entityName": InputObjectField(type: GraphQLNonNull(string)),
                "projectName": InputObjectField(type: GraphQLNonNull(string)),
                "runName": InputObjectField(type: GraphQLNonNull(string)),
                "files": InputObjectField(type: GraphQLNonNull(GraphQLList(GraphQLNonNull(string)))),
                "clientMutationId": InputObjectField(type: string),
            ])
        let createRunFilesPayload = try GraphQLObjectType(
            name: "CreateRunFilesPayload",
            fields: [
                "runID": GraphQLField(type: GraphQLNonNull(id), resolve: Resolve.on(CreateRunFilesResult.self) { p, _, _ in p.runID }),
                "uploadHeaders": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(string))),
                    resolve: Resolve.on(CreateRunFilesResult.self) { p, _, _ in p.uploadHeaders }),
                "files": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(file))),
                    resolve: Resolve.on(CreateRunFilesResult.self) { p, _, _ in p.files }),
                "clientMutationId": GraphQLField(
                    type: string, resolve: Resolve.on(CreateRunFilesResult.self) { p, _, _ in p.clientMutationId }),
            ])
        let alertInput = try GraphQLInputObjectType(
            name: "NotifyScriptableRunAlertInput",
            fields: [
                "entityName": InputObjectField(type: GraphQLNonNull(string)),
                "projectName": InputObjectField(type: GraphQLNonNull(string)),
                "runName": InputObjectField(type: GraphQLNonNull(string)),
                "title": InputObjectField(type: GraphQLNonNull(string)),
                "text": InputObjectField(type: GraphQLNonNull(string)),
                "severity": InputObjectField(type: alertSeverity, defaultValue: .string("INFO")),
                "waitDuration": InputObjectField(type: duration),
                "clientMutationId": InputObjectField(type: string),
            ])
        let alertPayload = try GraphQLObjectType(
            name: "NotifyScriptableRunAlertPayload",
            fields: [
                "success": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(SuccessPayload.self) { p, _, _ in p.success }),
                "clientMutationId": GraphQLField(type: string, resolve: Resolve.on(SuccessPayload.self) { p, _, _ in p.clientMutationId }),
            ])
        let stopRunInput = try GraphQLInputObjectType(
            name: "StopRunInput",
            fields: [
                "id": InputObjectField(type: GraphQLNonNull(id)),
                "clientMutationId": InputObjectField(type: string),
            ])
        let stopRunPayload = try GraphQLObjectType(
            name: "StopRunPayload",
            fields: [
                "success": GraphQLField(type: GraphQLNonNull(bool), resolve: Resolve.on(SuccessPayload.self) { p, _, _ in p.success }),
                "clientMutationId": GraphQLField(type: string, resolve: Resolve.on(SuccessPayload.self) { p, _, _ in p.clientMutationId }),
            ])
        return [
                "upsertBucket": GraphQLField(
                    type: upsertBucketPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(upsertBucketInput))],
                    resolve: Resolve.root(Resolvers.upsertBucket)),
                "createRunFiles": GraphQLField(
                    type: createRunFilesPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(createRunFilesInput))],
                    resolve: Resolve.root(Resolvers.createRunFiles)),
                "notifyScriptableRunAlert": GraphQLField(
                    type: alertPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(alertInput))],
                    resolve: Resolve.root(Resolvers.notifyScriptableRunAlert)),
                "stopRun": GraphQLField(
                    type: stopRunPayload, args: ["input": GraphQLArgument(type: GraphQLNonNull(stopRunInput))],
                    resolve: Resolve.root(Resolvers.stopRun)),
            ]
    }
}
