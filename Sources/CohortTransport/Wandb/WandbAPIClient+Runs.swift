public import CohortModel

extension WandbAPIClient {
    /// `Viewer`: who the API key belongs to. The first call of a session, to check the key.
    /// - Throws: ``WandbAPIError/Kind/unauthorized`` when the server refuses the key.
    public func viewer() async throws(WandbAPIError) -> WandbViewer {
        let answer = try await answer("Viewer", WandbDocuments.viewer)
        guard let viewer = answer["viewer"].nonNull else {
            throw .malformed("Viewer", "the server answered no viewer for this key")
        }
        return WandbViewer(
            id: try viewer["id"].string(), entity: try viewer["entity"].string(), username: viewer["username"].optionalString,
            email: viewer["email"].optionalString)
    }

    /// `ServerFeaturesQuery`: the server's feature flags.
    public func serverFeatures() async throws(WandbAPIError) -> WandbServerFeatures {
        let answer = try await answer("ServerFeaturesQuery", WandbDocuments.serverFeatures)
        var features: [String: Bool] = [:]
        if let list = answer["serverInfo"].nonNull?["features"].nonNull {
            for feature in try list.array() {
                features[try feature["name"].string()] = feature["isEnabled"].optionalBool ?? false
            }
        }
        return WandbServerFeatures(features: features)
    }

    /// `UpsertBucket`: creates the run, or updates it (tags, notes, config, …) when it exists.
    ///
    /// The config is sent as W&B stores it: a `JSONString` of `{key: {"value": v}}`.
    /// - Parameters:
    ///   - run: the run's identity and settings; `nil` fields are left as the server has them.
    ///   - storageID: the server's id of the run, when resuming one.
    ///   - state: a W&B run state to set (`running`, `finished`, …), if any.
    ///   - summary: a summary to store with the call, if any.
    public func upsertRun(
        _ run: RunUpsert, storageID: String? = nil, state: String? = nil, summary: [String: JSONValue]? = nil
    ) async throws(WandbAPIError) -> UpsertedRun {
        var variables: [String: JSONValue] = [
            "id": .optional(storageID), "name": .string(run.runID), "project": .string(run.project), "entity": .optional(run.entity),
            "groupName": .optional(run.group), "displayName": .optional(run.displayName), "notes": .optional(run.notes),
            "host": .optional(run.host), "program": .optional(run.program), "jobType": .optional(run.jobType),
            "sweep": .optional(run.sweepID), "state": .optional(state), "tags": .array(run.tags.map(JSONValue.string)),
        ]
        if let config = run.config { variables["config"] = .string(JSONWriter.string(Self.wrappedConfig(config))) }
        if let summary { variables["summaryMetrics"] = .string(JSONWriter.string(.object(summary))) }
        let answer = try await answer("UpsertBucket", WandbDocuments.upsertBucket, variables)
        let payload = answer["upsertBucket"]
        guard let bucket = payload["bucket"].nonNull else { throw .malformed("UpsertBucket", "the answer has no bucket") }
        let project = bucket["project"]
        return UpsertedRun(
            storageID: try bucket["id"].string(), runID: try bucket["name"].string(), displayName: bucket["displayName"].optionalString,
            project: try project["name"].string(), entity: try project["entity"]["name"].string(),
            sweepName: bucket["sweepName"].optionalString, historyLineCount: bucket["historyLineCount"].optionalInt ?? 0,
            inserted: payload["inserted"].optionalBool ?? false)
    }

    /// `RunResumeStatus`: what the server holds of a run, to continue it.
    /// - Parameter entity: the entity; `nil` means the key's default entity.
    /// - Returns: `nil` when the run does not exist yet.
    public func runResumeStatus(entity: String?, project: String, run: String) async throws(WandbAPIError) -> RunResumeState? {
        let answer = try await answer(
            "RunResumeStatus", WandbDocuments.runResumeStatus, ["entity": .optional(entity), "project": .string(project), "name": .string(run)])
        guard let bucket = answer["model"]["bucket"].nonNull else { return nil }
        var lastRow: JSONValue?
        if let tail = try bucket["historyTail"].jsonString()?.arrayValue, let line = tail.last?.stringValue {
            lastRow = try? JSONParser.parse(line)  // a damaged tail line only loses the `_step` hint
        }
        return RunResumeState(
            storageID: try bucket["id"].string(), displayName: bucket["displayName"].optionalString, notes: bucket["notes"].optionalString,
            tags: try bucket["tags"].strings(), historyLineCount: bucket["historyLineCount"].optionalInt ?? 0,
            eventsLineCount: bucket["eventsLineCount"].optionalInt ?? 0, logLineCount: bucket["logLineCount"].optionalInt ?? 0,
            summary: try bucket["summaryMetrics"].jsonObject(), config: Self.unwrappedConfig(try bucket["config"].jsonObject()),
            lastHistoryRow: lastRow)
    }

    /// `CreateRunFiles`: one upload URL per path, in request order.
    /// - Throws: ``WandbAPIError/Kind/malformedAnswer`` when the answer's list does not match the request.
    public func createRunFiles(entity: String, project: String, run: String, paths: [String]) async throws(WandbAPIError) -> RunFileUploads {
        let answer = try await answer(
            "CreateRunFiles", WandbDocuments.createRunFiles,
            ["entity": .string(entity), "project": .string(project), "run": .string(run), "files": .array(paths.map(JSONValue.string))])
        let payload = answer["createRunFiles"]
        var files: [RunFileUploads.File] = []
        for file in try payload["files"].array() {
            files.append(RunFileUploads.File(name: try file["name"].string(), uploadURL: file["uploadUrl"].optionalString))
        }
        guard files.map(\.name) == paths else {
            throw .malformed("CreateRunFiles", "the answer lists \(files.count) files for \(paths.count) requested, or in another order")
        }
        return RunFileUploads(
            runID: try payload["runID"].string(), uploadHeaders: HTTPHeader.wandbUploadHeaders(try payload["uploadHeaders"].strings()),
            files: files)
    }

    /// Stored run files with their GET URLs (`project.run.files`), following pages.
    /// - Parameter names: only these paths; `nil` for all.
    /// - Returns: path → direct download URL.
    public func runFileURLs(entity: String, project: String, run: String, names: [String]? = nil) async throws(WandbAPIError) -> [String: String] {
        try await directURLs("RunFiles", WandbDocuments.runFiles) { cursor in
            var variables: [String: JSONValue] = [
                "entity": .string(entity), "project": .string(project), "run": .string(run), "cursor": .optional(cursor), "perPage": 1000,
            ]
            if let names { variables["names"] = .array(names.map(JSONValue.string)) }
            return variables
        } files: { $0["project"]["run"]["files"] }
    }

    /// `NotifyScriptableRunAlert`: sends an alert; the server throttles repeats of a title within `waitDuration`.
    /// - Parameter waitDuration: W&B's wait duration (sent in whole milliseconds); `nil` for the server's default.
    /// - Returns: the server's `success`.
    @discardableResult
    public func notifyAlert(
        entity: String, project: String, run: String, title: String, text: String, level: AlertLevel = .info, waitDuration: Duration? = nil
    ) async throws(WandbAPIError) -> Bool {
        let answer = try await answer(
            "NotifyScriptableRunAlert", WandbDocuments.notifyScriptableRunAlert,
            [
                "entityName": .string(entity), "projectName": .string(project), "runName": .string(run), "title": .string(title),
                "text": .string(text), "severity": .string(level.rawValue),
                "waitDuration": waitDuration.map { .int(Self.milliseconds($0)) } ?? .null,
            ])
        return answer["notifyScriptableRunAlert"]["success"].optionalBool ?? false
    }

    // MARK: Helpers

    /// W&B's stored config shape: `{key: {"value": v}}`.
    static func wrappedConfig(_ config: [String: JSONValue]) -> JSONValue {
        .object(config.mapValues { ["value": $0] })
    }

    /// The reverse of ``wrappedConfig(_:)``; entries not in the wrapped shape are kept as they are.
    static func unwrappedConfig(_ stored: [String: JSONValue]) -> [String: JSONValue] {
        stored.mapValues { value in
            if let object = value.objectValue, let inner = object["value"] { return inner }
            return value
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
