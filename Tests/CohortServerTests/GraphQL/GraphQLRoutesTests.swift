import CohortServer
import Foundation
import HTTPTypes
import Testing

/// `POST /graphql` driven through the router with the documents wandb-core 0.31.0 sends.
@Suite("GraphQL: run path")
struct GraphQLRunPathTests {
    @Test("the rebuilt documents have the lengths recorded in the trace")
    func documentsMatchTrace() {
        for (name, document, length) in WandbDocuments.traceLengths {
            #expect(document.utf8.count == length, "\(name)")
        }
    }

    @Test("Viewer without a variables key answers the key's entity")
    func viewer() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(WandbDocuments.viewer, operationName: "Viewer")
        #expect(answer.status == .ok)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "viewer", "entity") as? String == "test-entity")
        #expect(answer.value("data", "viewer", "username") as? String == "test-entity")
        #expect(answer.value("data", "viewer", "flags") as? String == "{}")
        #expect(answer.value("data", "viewer", "id") as? String != nil)
        #expect(answer.isNull("data", "viewer", "email"))
        #expect(answer.value("data", "viewer", "teams", "edges", 0, "node", "name") as? String == "test-entity")
    }

    @Test("ServerFeaturesQuery answers an empty feature list")
    func serverFeatures() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(WandbDocuments.serverFeatures, operationName: "ServerFeaturesQuery")
        #expect(answer.status == .ok)
        #expect(answer.text == #"{"data":{"serverInfo":{"features":[]}}}"#)
    }

    @Test("UpsertBucket with the trace's variables creates the run, then updates it")
    func upsertBucket() async throws {
        let harness = try await GraphQLHarness()
        let first = try await harness.upsertTraceRun()
        #expect(first.status == .ok)
        #expect(first.errors.isEmpty, "\(first.text)")
        #expect(first.value("data", "upsertBucket", "inserted") as? Bool == true)
        #expect(first.value("data", "upsertBucket", "bucket", "name") as? String == "wa5l7hq8")
        #expect((first.value("data", "upsertBucket", "bucket", "displayName") as? String)?.isEmpty == false)
        #expect(first.value("data", "upsertBucket", "bucket", "project", "name") as? String == "proto-research")
        #expect(first.value("data", "upsertBucket", "bucket", "project", "entity", "name") as? String == "test-entity")
        #expect(first.value("data", "upsertBucket", "bucket", "historyLineCount") as? Int == 0)
        #expect(first.isNull("data", "upsertBucket", "bucket", "sweepName"))
        // JSONString travels as a string, unchanged.
        let config = try #require(first.value("data", "upsertBucket", "bucket", "config") as? String)
        #expect(config.hasPrefix(#"{"layers":{"value":[64,64]}"#))

        let stored = try #require(await harness.store.runs[RunKey(entity: "test-entity", project: "proto-research", name: "wa5l7hq8")])
        #expect(stored.groupName == "grp-a")
        #expect(stored.notes == "research run")
        #expect(stored.tags == ["t1", "t2"])
        #expect(stored.jobType == "train")
        #expect(stored.program == "train.py")
        #expect(stored.host == "vm")
        #expect(stored.config == config)
        #expect(first.value("data", "upsertBucket", "bucket", "id") as? String == stored.storageID)

        let second = try await harness.upsertTraceRun()
        #expect(second.value("data", "upsertBucket", "inserted") as? Bool == false)
        #expect(second.value("data", "upsertBucket", "bucket", "id") as? String == stored.storageID)
    }

    @Test("UpsertBucket without an entity puts the run in the key's entity")
    func upsertWithoutEntity() async throws {
        let harness = try await GraphQLHarness()
        // Scenario `gz`: the client left the entity out and used the one the server answered.
        let answer = try await harness.post(
            WandbDocuments.upsertBucket, operationName: "UpsertBucket",
            variables: #"{"name": "emsum2vt", "project": "retry-lab", "entity": null, "config": "{}", "host": "vm"}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "upsertBucket", "bucket", "project", "entity", "name") as? String == "test-entity")
        #expect(await harness.store.runs[RunKey(entity: "test-entity", project: "retry-lab", name: "emsum2vt")] != nil)
    }

    @Test("UpsertBucket in another entity is a GraphQL permission error and stores nothing")
    func upsertPermissionDenied() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.upsertTraceRun(key: GraphQLHarness.otherKey)
        #expect(answer.status == .ok)
        #expect(answer.errorMessages.count == 1)
        #expect(answer.errorMessages.first?.contains("permission denied") == true)
        #expect(answer.errors.first?["path"] as? [String] == ["upsertBucket"])
        #expect(answer.isNull("data", "upsertBucket"))
        // wandb-core reports `input: <path> <message>`: the error carries the field's path and location.
        let location = (answer.errors.first?["locations"] as? [[String: Any]])?.first
        #expect(location?["line"] as? Int == 3)
        #expect(await harness.store.runs.isEmpty)

        // Reads across entities are refused too.
        try await harness.upsertTraceRun()
        let resume = try await harness.post(
            WandbDocuments.runResumeStatus, operationName: "RunResumeStatus",
            variables: #"{"project": "proto-research", "entity": "test-entity", "name": "wa5l7hq8"}"#, key: GraphQLHarness.otherKey)
        #expect(resume.errorMessages.first?.contains("permission denied") == true, "\(resume.text)")
        #expect(resume.isNull("data", "model"))
        let organization = try await harness.post(
            WandbDocuments.organizationCoreWeave, operationName: "OrganizationCoreWeaveOrganizationID",
            variables: #"{"entityName": "test-entity"}"#, key: GraphQLHarness.otherKey)
        #expect(organization.errorMessages.first?.contains("permission denied") == true, "\(organization.text)")

        let admin = try await harness.upsertTraceRun(key: GraphQLHarness.adminKey)
        #expect(admin.errors.isEmpty, "\(admin.text)")
        #expect(admin.value("data", "upsertBucket", "inserted") as? Bool == false)
        #expect(admin.value("data", "upsertBucket", "bucket", "project", "entity", "name") as? String == "test-entity")
    }

    @Test("OrganizationCoreWeaveOrganizationID answers a null organization")
    func organization() async throws {
        let harness = try await GraphQLHarness()
        let answer = try await harness.post(
            WandbDocuments.organizationCoreWeave, operationName: "OrganizationCoreWeaveOrganizationID",
            variables: #"{"entityName": "test-entity"}"#)
        #expect(answer.text == #"{"data":{"entity":{"organization":null}}}"#)
    }

    @Test("RunResumeStatus: a null bucket for a new run, then counts, tails and wandbConfig")
    func runResumeStatus() async throws {
        let harness = try await GraphQLHarness()
        let fresh = try await harness.post(
            WandbDocuments.runResumeStatus, operationName: "RunResumeStatus", variables: WandbDocuments.runResumeVariables)
        #expect(fresh.errors.isEmpty, "\(fresh.text)")
        #expect(fresh.value("data", "model", "name") as? String == "resume-lab")
        #expect(fresh.value("data", "model", "entity", "name") as? String == "test-entity")
        #expect(fresh.isNull("data", "model", "bucket"))

        _ = try await harness.post(
            WandbDocuments.upsertBucket, operationName: "UpsertBucket",
            variables: #"""
                {"name": "resume-0001", "project": "resume-lab", "entity": "test-entity", "tags": ["a"], "notes": "n",
                 "config": "{\"lr\":{\"value\":0.1},\"_wandb\":{\"value\":{\"t\":{\"1\":[5]},\"m\":[]}}}"}
                """#)
        let key = RunKey(entity: "test-entity", project: "resume-lab", name: "resume-0001")
        _ = try await harness.store.applyFileStream(
            FileStreamBatch(
                history: .init(offset: 0, lines: [#"{"_step":0,"v":0}"#, #"{"_step":1,"v":1}"#, #"{"_step":2,"v":2}"#]),
                events: .init(offset: 0, lines: [#"{"system.cpu":1}"#]),
                summary: .init(offset: 0, lines: [#"{"v":2}"#]),
                console: .init(offset: 0, lines: ["hello"])),
            to: key, at: Date())

        let resumed = try await harness.post(
            WandbDocuments.runResumeStatus, operationName: "RunResumeStatus", variables: WandbDocuments.runResumeVariables)
        #expect(resumed.errors.isEmpty, "\(resumed.text)")
        func bucket(_ field: String) -> Any? { resumed.value("data", "model", "bucket", field) }
        #expect(bucket("name") as? String == "resume-0001")
        #expect(bucket("historyLineCount") as? Int == 3)
        // Go decodes these into ints: they must be written as integers, not `3.0`.
        #expect(resumed.text.contains(#""historyLineCount":3,"#), "\(resumed.text)")
        #expect(bucket("eventsLineCount") as? Int == 1)
        #expect(bucket("logLineCount") as? Int == 1)
        #expect(bucket("summaryMetrics") as? String == #"{"v":2}"#)
        #expect(bucket("tags") as? [String] == ["a"])
        #expect(bucket("notes") as? String == "n")
        // historyTail: JSON text of a list of JSON-line strings; the last line is the one used.
        let tail = try #require(bucket("historyTail") as? String)
        let lines = try #require(try JSONSerialization.jsonObject(with: Data(tail.utf8)) as? [String])
        #expect(lines == [#"{"_step":2,"v":2}"#])
        #expect(bucket("eventsTail") as? String == #"["{\"system.cpu\":1}"]"#)
        #expect(bucket("wandbConfig") as? String == #"{"t":{"1":[5]}}"#)
        #expect((bucket("config") as? String)?.contains(#""lr""#) == true)
    }

    @Test("CreateRunFiles answers one signed upload URL per requested file, in order")
    func createRunFiles() async throws {
        let harness = try await GraphQLHarness()
        let run = try await harness.upsertTraceRun()
        let runID = try #require(run.value("data", "upsertBucket", "bucket", "id") as? String)
        let answer = try await harness.post(
            WandbDocuments.createRunFiles, operationName: "CreateRunFiles", variables: WandbDocuments.createRunFilesVariables)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "createRunFiles", "runID") as? String == runID)
        #expect(answer.value("data", "createRunFiles", "uploadHeaders") as? [Any] != nil)
        #expect((answer.value("data", "createRunFiles", "uploadHeaders") as? [Any])?.isEmpty == true)
        let files = try #require(answer.value("data", "createRunFiles", "files") as? [[String: Any]])
        let requested = [
            "media/images/img_11_ccd4fb1727922a0c13fd.png", "media/table/tbl_12_f87e254b768120a6aa89.table.json", "now.txt",
            "wandb-metadata.json", "requirements.txt",
        ]
        #expect(files.compactMap { $0["name"] as? String } == requested)
        for (file, name) in zip(files, requested) {
            let url = try #require(file["uploadUrl"] as? String)
            let path = "/storage/runs/test-entity/proto-research/wa5l7hq8/" + name
            #expect(url.hasPrefix(GraphQLHarness.baseURL + path + "?exp="), "\(url)")
            let query = try #require(URLComponents(string: url)?.queryItems)
            let expiry = try #require(query.first { $0.name == "exp" }?.value.flatMap { Int64($0) })
            let signature = try #require(query.first { $0.name == "sig" }?.value)
            #expect(harness.signer.verify(method: "PUT", path: path, expiry: expiry, signature: signature, now: Date()))
            #expect(!harness.signer.verify(method: "GET", path: path, expiry: expiry, signature: signature, now: Date()))
        }
        let key = RunKey(entity: "test-entity", project: "proto-research", name: "wa5l7hq8")
        let announced = try await harness.store.runFiles(key).map(\.name)
        #expect(Set(announced) == Set(requested))
    }

    @Test("CreateRunFiles percent-encodes file names in the upload path")
    func createRunFilesEncoding() async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        let answer = try await harness.post(
            WandbDocuments.createRunFiles, operationName: "CreateRunFiles",
            variables: #"{"entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8", "files": ["dir/a b#?%.txt", "é.txt"]}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let urls = (answer.value("data", "createRunFiles", "files") as? [[String: Any]] ?? []).compactMap { $0["uploadUrl"] as? String }
        #expect(urls.count == 2)
        #expect(urls.first?.contains("/wa5l7hq8/dir/a%20b%23%3F%25.txt?exp=") == true, "\(urls)")
        #expect(urls.last?.contains("/wa5l7hq8/%C3%A9.txt?exp=") == true, "\(urls)")
    }

    @Test(
        "CreateRunFiles rejects names that escape the run, naming the file, and announces nothing",
        arguments: ["../escape.txt", "media/../../x", "/etc/passwd", "a\u{0}b", #"a\b.txt"#, "", "a//b", "./a"])
    func createRunFilesTraversal(name: String) async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        let variables: [String: Any] = [
            "entity": "test-entity", "project": "proto-research", "run": "wa5l7hq8", "files": ["ok.txt", name],
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: variables), as: UTF8.self)
        let answer = try await harness.post(WandbDocuments.createRunFiles, operationName: "CreateRunFiles", variables: text)
        #expect(answer.status == .ok)
        #expect(answer.errorMessages.count == 1, "\(answer.text)")
        #expect(answer.errorMessages.first?.contains("invalid file name \(String(reflecting: name))") == true, "\(answer.text)")
        #expect(answer.isNull("data", "createRunFiles"))
        let key = RunKey(entity: "test-entity", project: "proto-research", name: "wa5l7hq8")
        #expect(try await harness.store.runFiles(key).isEmpty)
    }

    @Test("CreateRunFiles for a run that does not exist, or in another entity, is a GraphQL error")
    func createRunFilesErrors() async throws {
        let harness = try await GraphQLHarness()
        let missing = try await harness.post(
            WandbDocuments.createRunFiles, operationName: "CreateRunFiles", variables: WandbDocuments.createRunFilesVariables)
        #expect(missing.status == .ok)
        #expect(missing.errorMessages.first?.contains("not found") == true, "\(missing.text)")

        try await harness.upsertTraceRun()
        let denied = try await harness.post(
            WandbDocuments.createRunFiles, operationName: "CreateRunFiles", variables: WandbDocuments.createRunFilesVariables,
            key: GraphQLHarness.otherKey)
        #expect(denied.errorMessages.first?.contains("permission denied") == true, "\(denied.text)")
    }

    @Test("NotifyScriptableRunAlert stores the alert, and answers success when throttled too")
    func alert() async throws {
        let harness = try await GraphQLHarness()
        try await harness.upsertTraceRun()
        for _ in 0..<2 {
            let answer = try await harness.post(
                WandbDocuments.notifyScriptableRunAlert, operationName: "NotifyScriptableRunAlert",
                variables: WandbDocuments.alertVariables)
            #expect(answer.text == #"{"data":{"notifyScriptableRunAlert":{"success":true}}}"#)
        }
        let alerts = await harness.store.storedAlerts
        #expect(alerts.count == 1)
        #expect(alerts.first?.severity == .warn)
        #expect(alerts.first?.title == "hello")
        #expect(alerts.first?.text == "alert text")

        // Without severity the document's default (INFO) applies; waitDuration 0 never throttles.
        let info = try await harness.post(
            WandbDocuments.notifyScriptableRunAlert, operationName: "NotifyScriptableRunAlert",
            variables: #"{"entityName": "test-entity", "projectName": "proto-research", "runName": "wa5l7hq8", "title": "hello", "text": "again", "waitDuration": 0}"#)
        #expect(info.errors.isEmpty, "\(info.text)")
        #expect(await harness.store.storedAlerts.last?.severity == .info)
        #expect(await harness.store.storedAlerts.count == 2)
    }
}

extension GraphQLHarness {
    @discardableResult
    func upsertTraceRun(key: String) async throws -> Answer {
        try await post(
            WandbDocuments.upsertBucket, operationName: "UpsertBucket", variables: WandbDocuments.upsertBucketVariables, key: key)
    }
}
