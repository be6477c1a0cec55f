import CohortServer
import Foundation
import HTTPTypes
import Testing

/// The read queries of `wandb.Api()` (`docs/wandb-api-queries.md`) on the real SQLite store.
@Suite("GraphQL read queries of wandb.Api()")
struct ReadQueriesTests {
    static let runFields = "id name displayName group jobType state tags notes config summaryMetrics projectId createdAt historyLineCount"

    /// Three runs in `test-entity/lab`: a (train, finished, score 0.9), b (eval, failed, 0.5),
    /// c (train, running, 0.1, other group); a has history and a stored file.
    static func seeded() async throws -> GraphQLHarness {
        let harness = try await GraphQLHarness()
        let specs: [(String, String, String, [String], String, Double, Bool?)] = [
            ("run-a", "g1", "train", ["t1", "shared"], #"{"lr":{"value":0.1},"opt":{"value":{"name":"adam"}}}"#, 0.9, true),
            ("run-b", "g1", "eval", ["t2", "shared"], #"{"lr":{"value":0.01}}"#, 0.5, false),
            ("run-c", "g2", "train", [], #"{"lr":{"value":0.5}}"#, 0.1, nil),
        ]
        var date = Date(timeIntervalSince1970: 1_700_000_000)
        for (name, group, job, tags, config, score, finished) in specs {
            var upsert = RunUpsert(key: RunKey(entity: "test-entity", project: "lab", name: name))
            upsert.displayName = "display-" + name
            upsert.groupName = group
            upsert.jobType = job
            upsert.tags = tags
            upsert.config = config
            upsert.notes = "notes " + name
            _ = try await harness.store.upsertRun(upsert, at: date)
            var batch = FileStreamBatch(summary: .init(offset: 0, lines: [#"{"score":\#(score)}"#]))
            if name == "run-a" {
                batch.history = .init(offset: 0, lines: (0..<5).map { #"{"_step":\#($0),"loss":\#(Double(5 - $0)),"acc":0.5}"# })
                batch.events = .init(offset: 0, lines: [#"{"system.cpu":3}"#])
            }
            if let finished {
                batch.complete = true
                batch.exitCode = finished ? 0 : 1
            }
            _ = try await harness.store.applyFileStream(batch, to: upsert.key, at: date)
            date += 60
        }
        let a = RunKey(entity: "test-entity", project: "lab", name: "run-a")
        try await harness.store.announceRunFile(a, name: "dir/notes.txt", at: date)
        try await harness.store.storeRunFile(a, name: "dir/notes.txt", digest: String(repeating: "ab", count: 32), size: 11, at: date)
        try await harness.store.announceRunFile(a, name: "pending.bin", at: date)
        return harness
    }

    static func runs(_ harness: GraphQLHarness, filters: String, order: String = "+created_at", first: Int = 50, after: String? = nil)
        async throws -> GraphQLHarness.Answer
    {
        var variables: [String: Any] = ["entity": "test-entity", "project": "lab", "filters": filters, "order": order, "perPage": first]
        if let after { variables["cursor"] = after }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: variables), as: UTF8.self)
        // Like the client, retry a 503: on a loaded machine (the whole suite in parallel) the SQLite
        // store can report itself busy; these tests check answers, not load behaviour.
        for _ in 0..<4 {
            let answer = try await runsOnce(harness, variables: text)
            if answer.status != .serviceUnavailable { return answer }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await runsOnce(harness, variables: text)
    }

    private static func runsOnce(_ harness: GraphQLHarness, variables text: String) async throws -> GraphQLHarness.Answer {
        try await harness.post(
            """
            query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
              project(name: $project, entityName: $entity) {
                internalId readOnly runCount(filters: $filters)
                runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
                  edges { node { \(runFields) user { name } } cursor }
                  pageInfo { endCursor hasNextPage }
                }
              }
            }
            """, operationName: "Runs", variables: text)
    }

    static func names(_ answer: GraphQLHarness.Answer) -> [String] {
        let edges = answer.value("data", "project", "runs", "edges") as? [[String: Any]] ?? []
        return edges.compactMap { ($0["node"] as? [String: Any])?["name"] as? String }
    }

    @Test("models lists the entity's projects with W&B's project fields")
    func models() async throws {
        let harness = try await Self.seeded()
        let answer = try await harness.post(
            """
            query GetProjects($entity: String, $cursor: String, $perPage: Int = 50) {
              models(entityName: $entity, after: $cursor, first: $perPage) {
                pageInfo { __typename endCursor hasNextPage }
                edges { node { __typename id name entityName createdAt isBenchmark user { id apiKeys { edges { node { id } } } } } }
              }
            }
            """, operationName: "GetProjects", variables: #"{"entity": "test-entity", "perPage": 10}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        let edges = try #require(answer.value("data", "models", "edges") as? [[String: Any]])
        #expect(edges.compactMap { ($0["node"] as? [String: Any])?["name"] as? String } == ["lab"])
        #expect(answer.value("data", "models", "edges", 0, "node", "entityName") as? String == "test-entity")
        #expect(answer.value("data", "models", "edges", 0, "node", "isBenchmark") as? Bool == false)
        #expect(answer.value("data", "models", "pageInfo", "hasNextPage") as? Bool == false)

        let other = try await harness.post(
            "query { models(entityName: \"other-entity\") { edges { node { name } } } }", operationName: nil)
        #expect(other.errorMessages.contains { $0.contains("permission denied") }, "\(other.text)")
    }

    @Test("runs: every run in created order, counts, and the client's filter language")
    func runFilters() async throws {
        let harness = try await Self.seeded()
        let all = try await Self.runs(harness, filters: "{}")
        #expect(all.errors.isEmpty, "\(all.text)")
        #expect(Self.names(all) == ["run-a", "run-b", "run-c"])
        #expect(all.value("data", "project", "runCount") as? Int == 3)
        #expect(all.value("data", "project", "runs", "edges", 0, "node", "projectId") is Int)
        #expect(all.value("data", "project", "runs", "edges", 0, "node", "createdAt") as? String == "2023-11-14T22:13:20")
        #expect(all.value("data", "project", "runs", "edges", 0, "node", "user", "name") as? String == "test-entity")

        let cases: [(String, [String])] = [
            (#"{"group": "g1"}"#, ["run-a", "run-b"]),
            (#"{"jobType": "train"}"#, ["run-a", "run-c"]),
            (#"{"job_type": "eval"}"#, ["run-b"]),
            (#"{"state": "failed"}"#, ["run-b"]),
            (#"{"state": {"$in": ["running", "finished"]}}"#, ["run-a", "run-c"]),
            (#"{"tags": {"$in": ["t1"]}}"#, ["run-a"]),
            (#"{"tags": "shared"}"#, ["run-a", "run-b"]),
            (#"{"display_name": "display-run-c"}"#, ["run-c"]),
            (#"{"name": "run-b"}"#, ["run-b"]),
            (#"{"config.lr": 0.1}"#, ["run-a"]),
            (#"{"config.lr.value": {"$gte": 0.1}}"#, ["run-a", "run-c"]),
            (#"{"config.opt.value.name": "adam"}"#, ["run-a"]),
            (#"{"summary_metrics.score": {"$gt": 0.4}}"#, ["run-a", "run-b"]),
            (#"{"summary_metrics.score": {"$lt": 0.4}}"#, ["run-c"]),
            (#"{"summary_metrics.score": {"$eq": 0.5}}"#, ["run-b"]),
            (#"{"$and": [{"group": "g1"}, {"summary_metrics.score": {"$lt": 0.7}}]}"#, ["run-b"]),
            (#"{"$or": [{"group": "g2"}, {"state": "failed"}]}"#, ["run-b", "run-c"]),
            (#"{"summary_metrics.missing": {"$exists": false}}"#, ["run-a", "run-b", "run-c"]),
            (#"{"group": "nope"}"#, []),
        ]
        for (filters, expected) in cases {
            let answer = try await Self.runs(harness, filters: filters)
            #expect(answer.errors.isEmpty, "\(filters): \(answer.text)")
            #expect(Self.names(answer) == expected, "\(filters)")
            #expect(answer.value("data", "project", "runCount") as? Int == expected.count, "\(filters)")
        }
        let bad = try await Self.runs(harness, filters: #"{"group": {"$bogus": 1}}"#)
        #expect(bad.errorMessages.contains { $0.contains("$bogus") }, "\(bad.text)")
    }

    @Test("runs: ordering and cursor paging")
    func runPaging() async throws {
        let harness = try await Self.seeded()
        let descending = try await Self.runs(harness, filters: "{}", order: "-created_at")
        #expect(Self.names(descending) == ["run-c", "run-b", "run-a"])
        let bySummary = try await Self.runs(harness, filters: "{}", order: "-summary_metrics.score")
        #expect(Self.names(bySummary) == ["run-a", "run-b", "run-c"])

        let first = try await Self.runs(harness, filters: "{}", first: 2)
        #expect(Self.names(first) == ["run-a", "run-b"])
        #expect(first.value("data", "project", "runs", "pageInfo", "hasNextPage") as? Bool == true)
        let cursor = try #require(first.value("data", "project", "runs", "pageInfo", "endCursor") as? String)
        let second = try await Self.runs(harness, filters: "{}", first: 2, after: cursor)
        #expect(Self.names(second) == ["run-c"])
        #expect(second.value("data", "project", "runs", "pageInfo", "hasNextPage") as? Bool == false)
    }

    @Test("run: config, summary, historyKeys, history, sampledHistory and systemMetrics")
    func runHistory() async throws {
        let harness = try await Self.seeded()
        let answer = try await harness.post(
            """
            query Run($project: String!, $entity: String!, $name: String!, $specs: [JSONString!]!) {
              project(name: $project, entityName: $entity) {
                run(name: $name) {
                  projectId \(Self.runFields) systemMetrics historyKeys heartbeatAt readOnly sweepName
                  history(samples: 500) sampledHistory(specs: $specs)
                  sampled: history(samples: 2)
                }
              }
            }
            """, operationName: "Run",
            variables: #"{"entity": "test-entity", "project": "lab", "name": "run-a", "specs": ["{\"keys\": [\"_step\", \"loss\"], \"samples\": 3}"]}"#)
        #expect(answer.errors.isEmpty, "\(answer.text)")
        func run(_ field: String) -> Any? { answer.value("data", "project", "run", field) }
        #expect(run("displayName") as? String == "display-run-a")
        #expect(run("state") as? String == "finished")
        #expect(run("group") as? String == "g1" && run("jobType") as? String == "train")
        #expect(run("systemMetrics") as? String == #"{"system.cpu":3}"#)
        let keys = try #require(run("historyKeys") as? [String: Any], "a JSON object, not text")
        #expect(keys["lastStep"] as? Int == 4)
        #expect(((keys["keys"] as? [String: Any])?["loss"] as? [String: Any]) != nil)
        let history = try #require(run("history") as? [String])
        #expect(history.count == 5 && history[0] == #"{"_step":0,"loss":5.0,"acc":0.5}"#)
        #expect((run("sampled") as? [String])?.count == 2)
        let sampled = try #require(run("sampledHistory") as? [[[String: Any]]])
        #expect(sampled.count == 1)
        #expect(sampled[0].map { $0["_step"] as? Int } == [0, 2, 4])
        #expect(sampled[0].map { $0["loss"] as? Double } == [5, 3, 1])
        #expect(sampled[0].allSatisfy { $0["acc"] == nil }, "only the spec's keys")

        let empty = try await harness.post(
            "query { project(name: \"lab\", entityName: \"test-entity\") { run(name: \"run-b\") { historyKeys history } } }",
            operationName: nil)
        #expect(empty.value("data", "project", "run", "historyKeys", "lastStep") as? Int == -1)
        #expect((empty.value("data", "project", "run", "history") as? [String]) == [])
    }

    @Test("run files: stored files only, signed GET URLs, names and pattern")
    func runFiles() async throws {
        let harness = try await Self.seeded()
        func files(_ extra: String) async throws -> GraphQLHarness.Answer {
            try await harness.post(
                """
                query RunFiles($project: String!, $entity: String!, $name: String!, $fileNames: [String] = [], $upload: Boolean = false, $pattern: String) {
                  project(name: $project, entityName: $entity) {
                    internalId
                    run(name: $name) {
                      fileCount
                      files(names: $fileNames, first: 50, pattern: $pattern) {
                        edges { node { id name url(upload: $upload) directUrl sizeBytes mimetype updatedAt md5 } cursor }
                        pageInfo { endCursor hasNextPage }
                      }
                    }
                  }
                }
                """, operationName: "RunFiles", variables: #"{"entity": "test-entity", "project": "lab", "name": "run-a"\#(extra)}"#)
        }
        let answer = try await files("")
        #expect(answer.errors.isEmpty, "\(answer.text)")
        #expect(answer.value("data", "project", "run", "fileCount") as? Int == 1, "announced but not uploaded files are not listed")
        let node = try #require(answer.value("data", "project", "run", "files", "edges", 0, "node") as? [String: Any])
        #expect(node["name"] as? String == "dir/notes.txt")
        #expect(node["sizeBytes"] as? Int == 11)
        #expect(node["mimetype"] as? String == "text/plain")
        let url = try #require(node["url"] as? String)
        #expect(url.hasPrefix(GraphQLHarness.baseURL + "/storage/runs/test-entity/lab/run-a/dir/notes.txt?"), "\(url)")
        #expect(node["directUrl"] as? String == url)
        #expect(try await files(#", "fileNames": ["nope"]"#).value("data", "project", "run", "files", "edges") as? [Any] != nil)
        #expect((try await files(#", "fileNames": ["nope"]"#).value("data", "project", "run", "files", "edges") as? [Any])?.isEmpty == true)
        #expect((try await files(#", "pattern": "%.txt""#).value("data", "project", "run", "files", "edges") as? [Any])?.count == 1)
        #expect((try await files(#", "pattern": "%.json""#).value("data", "project", "run", "files", "edges") as? [Any])?.isEmpty == true)
    }

    @Test("another entity's runs are a permission error")
    func otherEntity() async throws {
        let harness = try await Self.seeded()
        let answer = try await Self.runs(harness, filters: "{}")
        #expect(answer.errors.isEmpty)
        let denied = try await harness.post(
            "query { project(name: \"lab\", entityName: \"test-entity\") { runs { edges { node { name } } } } }",
            operationName: nil, key: GraphQLHarness.otherKey)
        #expect(denied.errorMessages.contains { $0.contains("permission denied") }, "\(denied.text)")
    }
}
