import Foundation
import Logging
import GraphQL

/// The resolvers that do more than read a field: root queries and mutations of the run path.
enum Resolvers {
    /// W&B's project for runs that name none.
    static let defaultProject = "uncategorized"
    /// The client's default `wait_duration` (60 s), used when an alert carries none.
    static let defaultAlertWait: Int64 = 60_000

    // MARK: Queries

    /// `model(name:, entityName:)`: the project by address, even before its first run (the client's
    /// `RunResumeStatus` reads `model.bucket`, null for a new run).
    @Sendable static func model(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let entity = try ctx.entity(args["entityName"].stringOrNil)
        let name = nonEmpty(args["name"].stringOrNil) ?? defaultProject
        try RunNames.checkSegment(name, what: "project")
        return ProjectNode(entity: entity, name: name)
    }

    /// `project(name:, entityName:)`: the project when it has runs, else null.
    @Sendable static func project(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let entity = try ctx.entity(args["entityName"].stringOrNil)
        let name = nonEmpty(args["name"].stringOrNil) ?? defaultProject
        let projects = try await ctx.store { try await $0.projects(entity: entity) }
        guard projects.contains(where: { $0.name == name }) else { return nil }
        return ProjectNode(entity: entity, name: name)
    }

    /// `Project.bucket(name:)` / `Project.run(name:)`: the run, or null.
    @Sendable static func projectRun(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let name = args["name"].stringOrNil else { return nil }
        let key = RunKey(entity: project.entity, project: project.name, name: name)
        return try await ctx.store { try await $0.run(key) }
    }

    /// `Run.historyTail`: JSON text of a list holding the last history line (`[]` when none).
    @Sendable static func historyTail(_ run: RunRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard run.historyLineCount > 0 else { return "[]" }
        let lines = try await ctx.store { try await $0.history(run.key, from: run.historyLineCount - 1, to: nil) }
        return JSONText.encode(strings: Array(lines.suffix(1)))
    }

    /// `Run.eventsTail`: like `historyTail`, for the system-metrics lines.
    @Sendable static func eventsTail(_ run: RunRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard run.eventsLineCount > 0 else { return "[]" }
        let lines = try await ctx.store { try await $0.events(run.key, from: run.eventsLineCount - 1, to: nil) }
        return JSONText.encode(strings: Array(lines.suffix(1)))
    }

    // MARK: Mutations

    /// `upsertBucket(input:)`: creates or updates a run. A null entity means the key's entity; the
    /// answer's `project.entity.name` and `project.name` are what the client prints in the run URL.
    @Sendable static func upsertBucket(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let entity = try ctx.entity(input["entityName"].stringOrNil)
        let project = nonEmpty(input["modelName"].stringOrNil) ?? defaultProject
        let name: String
        if let given = nonEmpty(input["name"].stringOrNil) {
            name = given
        } else if input["id"].stringOrNil != nil {
            throw GraphQLFailure("upsertBucket needs the run's name; updating a run by id alone is not supported")
        } else {
            name = generatedRunName()
        }
        try RunNames.checkSegment(entity, what: "entity")
        try RunNames.checkSegment(project, what: "project")
        try RunNames.checkSegment(name, what: "run")

        var upsert = RunUpsert(key: RunKey(entity: entity, project: project, name: name))
        upsert.displayName = nonEmpty(input["displayName"].stringOrNil)
        upsert.groupName = input["groupName"].stringOrNil
        upsert.jobType = input["jobType"].stringOrNil
        upsert.notes = input["notes"].stringOrNil
        upsert.description = input["description"].stringOrNil
        upsert.host = input["host"].stringOrNil
        upsert.program = input["jobProgram"].stringOrNil
        upsert.commit = input["commit"].stringOrNil
        upsert.repo = input["jobRepo"].stringOrNil
        upsert.sweep = input["sweep"].stringOrNil
        upsert.tags = input["tags"].stringsOrNil
        upsert.config = input["config"].stringOrNil
        upsert.summaryMetrics = input["summaryMetrics"].stringOrNil
        upsert.state = try runState(input["state"].stringOrNil)

        let stored = try await ctx.store { try await $0.upsertRun(upsert, at: ctx.now) }
        return UpsertBucketResult(run: stored.run, inserted: stored.inserted, clientMutationId: input["clientMutationId"].stringOrNil)
    }

    /// `createRunFiles(input:)`: one signed upload URL per requested name, in request order (the
    /// client drops the whole batch when the list differs). Every name is checked before any is
    /// announced, so a bad name changes nothing.
    @Sendable static func createRunFiles(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let entity = try ctx.entity(input["entityName"].stringOrNil)
        guard let project = input["projectName"].stringOrNil, let runName = input["runName"].stringOrNil,
            let names = input["files"].stringsOrNil
        else { throw GraphQLFailure("createRunFiles needs entityName, projectName, runName and files") }
        let key = RunKey(entity: entity, project: project, name: runName)
        for name in names { try RunNames.checkRunFile(name) }
        guard let run = try await ctx.store({ try await $0.run(key) }) else {
            throw GraphQLFailure("run \(key) not found")
        }
        var files: [FileNode] = []
        for name in names {
            try await ctx.store { try await $0.announceRunFile(key, name: name, at: ctx.now) }
            let url = ctx.services.runFileURL(method: "PUT", key: key, name: name, now: ctx.now)
            files.append(FileNode(id: OpaqueID.make("File", run.storageID, name), name: name, uploadUrl: url))
        }
        return CreateRunFilesResult(
            runID: run.storageID, uploadHeaders: [], files: files, clientMutationId: input["clientMutationId"].stringOrNil)
    }

    /// `notifyScriptableRunAlert(input:)`: stores the alert unless the same run and title alerted
    /// less than `waitDuration` ms ago. Success either way: throttling is not an error to the client.
    @Sendable static func notifyScriptableRunAlert(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let entity = try ctx.entity(input["entityName"].stringOrNil)
        guard let project = input["projectName"].stringOrNil, let runName = input["runName"].stringOrNil,
            let title = input["title"].stringOrNil, let text = input["text"].stringOrNil
        else { throw GraphQLFailure("notifyScriptableRunAlert needs entityName, projectName, runName, title and text") }
        let severityName = input["severity"].stringOrNil ?? "INFO"
        guard let severity = AlertRecord.Severity(rawValue: severityName) else {
            throw GraphQLFailure("unknown alert severity \(String(reflecting: severityName))")
        }
        let wait = input["waitDuration"].integerOrNil ?? defaultAlertWait
        let key = RunKey(entity: entity, project: project, name: runName)
        guard try await ctx.store({ try await $0.run(key) }) != nil else {
            throw GraphQLFailure("run \(key) not found")
        }
        let alert = AlertRecord(key: key, title: title, text: text, severity: severity, createdAt: ctx.now)
        let stored = try await ctx.store { try await $0.recordAlert(alert, waitDuration: .milliseconds(wait)) }
        if stored { ctx.services.alerts?.enqueue(alert) }  // delivered off the request path
        return SuccessPayload(success: true, clientMutationId: input["clientMutationId"].stringOrNil)
    }

    /// `stopRun(input: {id})`, as `wandb.Api().run(path).stop()` sends it: `id` is the run's storage
    /// id. The run's next file_stream answer says `{"stopped": true}`; the client interrupts the
    /// training process. Another entity's run is reported as not found.
    @Sendable static func stopRun(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        guard let storageID = input["id"].stringOrNil, !storageID.isEmpty else { throw GraphQLFailure("stopRun needs the run's id") }
        guard let run = try await ctx.store({ try await $0.run(storageID: storageID) }),
            ctx.principal.mayAct(in: run.key.entity)
        else { throw GraphQLFailure("run \(String(reflecting: storageID)) not found") }
        _ = try await ctx.store { try await $0.requestStop(run.key, at: ctx.now) }
        ctx.services.logger.notice("run asked to stop", metadata: ["run": "\(run.key)"])
        return SuccessPayload(success: true, clientMutationId: input["clientMutationId"].stringOrNil)
    }

    // MARK: Helpers

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// W&B's run states mapped onto the store's; states the store does not keep (`pending`,
    /// `preempting`, `preempted`) leave the state as it is.
    static func runState(_ value: String?) throws -> RunState? {
        guard let value, !value.isEmpty else { return nil }
        switch value.lowercased() {
        case "running": return .running
        case "finished": return .finished
        case "failed", "killed": return .failed
        case "crashed": return .crashed
        case "pending", "preempting", "preempted": return nil
        default: throw GraphQLFailure("unknown run state \(String(reflecting: value))")
        }
    }

    /// A run id like the client's own: 8 characters of `[a-z0-9]`.
    static func generatedRunName() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<8).map { _ in alphabet.randomElement()! })
    }
}
