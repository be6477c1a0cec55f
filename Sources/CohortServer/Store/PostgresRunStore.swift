import CohortModel
import Foundation
import Logging
import PostgresNIO

/// The team store: PostgreSQL 15+ through a `PostgresClient` connection pool, run by a task the store
/// owns (started in `open`, cancelled in `close`). Every protocol method is one transaction on one
/// leased connection (`BEGIN` … `COMMIT`, `ROLLBACK` on any error), with the same semantics as
/// `SQLiteRunStore` (the shared rules are in `StoreRules`). Unlike SQLite, transactions here run
/// concurrently, so the read-modify-write methods lock what they change: `applyFileStream`,
/// `upsertRun` (of an existing run) and `recordAlert` take the run row `FOR UPDATE`; creating a run
/// locks its project row (run ordinals, and so generated names, stay unique); committing an artifact
/// locks its collection row (version indexes stay unique; `PostgresArtifactStore.swift`); migrations
/// take an advisory lock. All values are bound; no SQL is built from input.
///
/// Failures are logged without the DSN or password and reported as `.unavailable` ("the database is
/// unavailable"), except constraint violations (`.conflict`).
final class PostgresRunStore: RunStore {
    private let client: PostgresClient
    private let runTask: Task<Void, Never>
    private let logger: Logger
    /// A schema this store created for itself (tests) and drops at `close`.
    private let ownedSchema: String?

    private init(client: PostgresClient, runTask: Task<Void, Never>, logger: Logger, ownedSchema: String?) {
        self.client = client
        self.runTask = runTask
        self.logger = logger
        self.ownedSchema = ownedSchema
    }

    /// Connects once (so a wrong password or an unreachable server fails here, clearly and at once,
    /// rather than in the pool's background retries), then starts the pool. With `createSchema`, the
    /// store first creates `settings.schema` (a fresh name of `[a-z0-9_]`, never input) and drops it,
    /// with everything in it, at `close`. Call `migrate()` before use.
    static func open(
        settings: PostgresSettings, logger: Logger, createSchema: Bool = false
    ) async throws(StoreError) -> PostgresRunStore {
        if createSchema {
            guard let schema = settings.schema, Self.isPlainIdentifier(schema) else {
                throw StoreError(.invalid, "a schema to create must be a plain lowercase identifier")
            }
        }
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try settings.connectionConfiguration(), id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            if createSchema, let schema = settings.schema {
                // The one identifier written into SQL: checked above to be [a-z_][a-z0-9_]*.
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA \"\(schema)\""), logger: logger)
            }
        } catch {
            throw connectError(error, logger: logger)
        }
        let client = PostgresClient(configuration: settings.clientConfiguration, backgroundLogger: logger)
        let runTask = Task { await client.run() }
        return PostgresRunStore(
            client: client, runTask: runTask, logger: logger, ownedSchema: createSchema ? settings.schema : nil)
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 63,
              first == "_" || ("a"..."z").contains(first)
        else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// A failure to connect, told without the DSN or password.
    private static func connectError(_ error: any Error, logger: Logger) -> StoreError {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState]
            logger.error(
                "cannot connect to PostgreSQL",
                metadata: ["code": "\(error.code)", "sqlstate": "\(state ?? "-")",
                           "message": "\(error.serverInfo?[.message] ?? "-")"])
            switch state {
            case "28P01", "28000":
                return StoreError(.unavailable, "the database is unavailable: authentication failed (check the user and password of --database)")
            case "3D000":
                return StoreError(.unavailable, "the database is unavailable: the database named in --database does not exist")
            default:
                break
            }
            if error.code == .sslUnsupported {
                return StoreError(.unavailable, "the database is unavailable: the server does not support TLS (sslmode=require)")
            }
            if error.code == .connectionError {
                return StoreError(.unavailable, "the database is unavailable: cannot connect to the server")
            }
        } else {
            logger.error("cannot connect to PostgreSQL", metadata: ["error": "\(type(of: error))"])
        }
        return StoreError(.unavailable, "the database is unavailable")
    }

    // MARK: Migrations

    func migrate() async throws(StoreError) {
        try await transaction { tx in
            // Two servers starting at once migrate one after the other (per schema).
            try await tx.exec("SELECT pg_advisory_xact_lock(hashtext('cohort.migrate.' || coalesce(current_schema(), '')))")
            try await tx.exec(PostgresQuery(unsafeSQL: PostgresMigrations.bookkeeping))
            let applied = Set(try await tx.rows("SELECT name FROM schema_migrations").compactMap { $0.text("name") })
            for migration in PostgresMigrations.all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    try await tx.exec(PostgresQuery(unsafeSQL: statement))
                }
                try await tx.exec(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (\(migration.name), \(Date().timeIntervalSince1970))")
                logger.info("applied store migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }

    // MARK: Projects and runs

    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        // Checked before the transaction: bad JSON stores nothing.
        if let config = upsert.config { _ = try StoreRules.object(config, "config") }
        if let summary = upsert.summaryMetrics { _ = try StoreRules.object(summary, "summaryMetrics") }

        return try await transaction { tx in
            let key = upsert.key
            if let run = try await tx.run(key, lock: true) {
                return (try await Self.update(run, with: upsert, at: date, tx), false)
            }

            try await tx.ensureEntity(key.entity, at: date)
            try await tx.exec(
                """
                INSERT INTO projects (entity, name, created_at) VALUES (\(key.entity), \(key.project), \(date.timeIntervalSince1970))
                ON CONFLICT (entity, name) DO NOTHING
                """)
            // The project row lock serializes run creation in a project (ordinals stay unique).
            guard let projectID = try await tx.rows(
                "SELECT id FROM projects WHERE entity = \(key.entity) AND name = \(key.project) FOR UPDATE"
            ).first?.int("id") else {
                throw StoreError(.unavailable, "the database is unavailable")
            }
            // Created by a concurrent request while this one waited for the lock.
            if let run = try await tx.run(key, lock: true) {
                return (try await Self.update(run, with: upsert, at: date, tx), false)
            }
            let count = try await tx.rows(
                "SELECT count(*) AS n FROM runs WHERE project_id = \(projectID)"
            ).first?.int("n") ?? 0
            let summary = try upsert.summaryMetrics.map { try StoreRules.mergeSummary("{}", $0) } ?? "{}"
            let record = RunRecord(
                storageID: StoreRules.newStorageID(), key: key,
                displayName: upsert.displayName ?? StoreRules.generatedName(ordinal: count + 1),
                groupName: upsert.groupName, jobType: upsert.jobType, notes: upsert.notes,
                description: upsert.description, host: upsert.host, program: upsert.program, commit: upsert.commit,
                repo: upsert.repo, sweep: upsert.sweep, tags: upsert.tags ?? [], config: upsert.config ?? "{}",
                summary: summary, state: upsert.state ?? .running, createdAt: date, updatedAt: date, heartbeatAt: date)
            let time = date.timeIntervalSince1970
            try await tx.exec(
                """
                INSERT INTO runs (storage_id, project_id, name, display_name, group_name, job_type, notes, description,
                    host, program, git_commit, repo, sweep, tags, config, summary, state, created_at, updated_at,
                    heartbeat_at)
                VALUES (\(record.storageID), \(projectID), \(key.name), \(record.displayName),
                    \(record.groupName), \(record.jobType), \(record.notes), \(record.description),
                    \(record.host), \(record.program), \(record.commit), \(record.repo),
                    \(record.sweep), \(StoreRules.encodeTags(record.tags)), \(record.config),
                    \(record.summary), \(record.state.rawValue), \(time), \(time), \(time))
                """)
            return (record, true)
        }
    }

    /// The existing-run half of `upsertRun` (the run row is locked).
    private static func update(_ stored: StoredRun, with upsert: RunUpsert, at date: Date, _ tx: Transaction) async throws -> RunRecord {
        var run = stored
        try StoreRules.apply(upsert, to: &run.record, at: date)
        let r = run.record
        let time = date.timeIntervalSince1970
        try await tx.exec(
            """
            UPDATE runs SET display_name = \(r.displayName), group_name = \(r.groupName), job_type = \(r.jobType),
                notes = \(r.notes), description = \(r.description), host = \(r.host), program = \(r.program),
                git_commit = \(r.commit), repo = \(r.repo), sweep = \(r.sweep), tags = \(StoreRules.encodeTags(r.tags)),
                config = \(r.config), summary = \(r.summary), state = \(r.state.rawValue), updated_at = \(time),
                heartbeat_at = \(time)
            WHERE id = \(run.id)
            """)
        return r
    }

    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? {
        try await transaction { tx in try await tx.run(key, lock: false)?.record }
    }

    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] {
        try await transaction { tx in
            try await tx.rows(
                "\(unescaped: Transaction.runSelect) WHERE p.entity = \(entity) AND p.name = \(project) ORDER BY r.created_at DESC, r.id DESC"
            ).map { Transaction.run(from: $0).record }
        }
    }

    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] {
        try await transaction { tx in
            try await tx.rows(
                """
                SELECT p.name AS name, count(r.id) AS run_count, max(r.heartbeat_at) AS last_activity
                FROM projects p LEFT JOIN runs r ON r.project_id = p.id
                WHERE p.entity = \(entity) GROUP BY p.id, p.name ORDER BY p.name COLLATE "C"
                """
            ).map {
                ProjectRecord(
                    entity: entity, name: $0.text("name") ?? "", runCount: $0.int("run_count") ?? 0,
                    lastActivity: $0.date("last_activity"))
            }
        }
    }

    // MARK: file_stream

    /// Applies one file_stream request with the rules of `SQLiteRunStore.applyFileStream`. The run row
    /// is locked (`FOR UPDATE`) first, so concurrent requests on one run (retries racing) apply one
    /// after the other and each line is stored once; the line tables' `(run_id, line_no)` keys back this up.
    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        if let summary = batch.summary, let last = summary.lines.last {
            _ = try StoreRules.object(last, "the summary line")
        }
        for (name, chunk) in [("history", batch.history), ("events", batch.events), ("console", batch.console)] {
            if let chunk, chunk.offset < 0 { throw StoreError(.invalid, "negative \(name) offset \(chunk.offset)") }
        }

        return try await transaction { tx in
            guard var run = try await tx.run(key, lock: true) else { throw StoreError(.notFound, "no run \(key)") }
            let id = run.id

            if let chunk = batch.history {
                run.record.historyLineCount = try await tx.append(
                    chunk, table: "history_lines", what: "history", run: id, stored: run.record.historyLineCount)
            }
            if let chunk = batch.events {
                run.record.eventsLineCount = try await tx.append(
                    chunk, table: "events_lines", what: "events", run: id, stored: run.record.eventsLineCount)
            }
            if let chunk = batch.console, !chunk.lines.isEmpty {
                try await tx.exec(
                    """
                    INSERT INTO console_lines (run_id, line_no, text)
                    SELECT \(id), \(chunk.offset) + t.ord - 1, t.line FROM unnest(\(Array(chunk.lines))::text[]) WITH ORDINALITY AS t(line, ord)
                    ON CONFLICT (run_id, line_no) DO UPDATE SET text = excluded.text
                    """)
                run.record.logLineCount = max(run.record.logLineCount, chunk.offset + chunk.lines.count)
            }
            if let last = batch.summary?.lines.last {
                run.record.summary = last
            }
            for name in batch.uploaded {
                try await tx.exec(
                    """
                    INSERT INTO run_files (run_id, name, updated_at) VALUES (\(id), \(name), \(date.timeIntervalSince1970))
                    ON CONFLICT (run_id, name) DO NOTHING
                    """)
            }
            if batch.complete {
                run.record.state = StoreRules.finalState(exitCode: batch.exitCode)
                run.record.exitCode = batch.exitCode
                run.record.stopRequested = false  // the stop, if asked for, has happened
            } else if run.record.state == .crashed {
                run.record.state = .running
            }
            if batch.preempting { run.record.preempting = true }
            run.record.updatedAt = date
            run.record.heartbeatAt = date
            let r = run.record
            let time = date.timeIntervalSince1970
            try await tx.exec(
                """
                UPDATE runs SET history_line_count = \(r.historyLineCount), events_line_count = \(r.eventsLineCount),
                    log_line_count = \(r.logLineCount), summary = \(r.summary), state = \(r.state.rawValue),
                    exit_code = \(r.exitCode), preempting = \(r.preempting), stop_requested = \(r.stopRequested), updated_at = \(time), heartbeat_at = \(time)
                WHERE id = \(id)
                """)
            return r
        }
    }

    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try await lines("history_lines", key, from: from, to: to)
    }

    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try await lines("events_lines", key, from: from, to: to)
    }

    func console(_ key: RunKey) async throws(StoreError) -> [String] {
        try await lines("console_lines", key, from: 0, to: nil)
    }

    /// `table` is one of three constants, never input.
    private func lines(_ table: StaticString, _ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try await transaction { tx in
            let id = try await tx.runID(key, lock: false)
            return try await tx.rows(
                """
                SELECT text FROM \(unescaped: "\(table)") WHERE run_id = \(id) AND line_no >= \(max(from, 0))
                    AND line_no < \(to ?? Int.max) ORDER BY line_no
                """
            ).map { $0.text("text") ?? "" }
        }
    }

    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] {
        try await transaction { tx in
            try await tx.rows(
                """
                UPDATE runs r SET state = 'crashed', updated_at = \(date.timeIntervalSince1970)
                FROM projects p
                WHERE p.id = r.project_id AND r.state = 'running' AND r.heartbeat_at < \(before.timeIntervalSince1970)
                RETURNING p.entity AS entity, p.name AS project, r.name AS name
                """
            ).map {
                RunKey(entity: $0.text("entity") ?? "", project: $0.text("project") ?? "", name: $0.text("name") ?? "")
            }
        }
    }

    func close() async {
        if let schema = ownedSchema {
            do {
                // The one identifier written into SQL: checked in `open` to be [a-z_][a-z0-9_]*.
                try await client.query(PostgresQuery(unsafeSQL: "DROP SCHEMA IF EXISTS \"\(schema)\" CASCADE"), logger: logger)
            } catch {
                logger.warning("dropping the store's schema failed", metadata: ["error": "\(Self.describe(error))"])
            }
        }
        runTask.cancel()
        await runTask.value
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one leased connection (the run and the artifact methods alike).
    func transaction<T: Sendable>(_ body: (Transaction) async throws -> T) async throws(StoreError) -> T {
        let logger = self.logger
        do {
            return try await client.withConnection { connection in
                let tx = Transaction(connection: connection, logger: logger)
                try await tx.exec("BEGIN")
                do {
                    let result = try await body(tx)
                    // COMMIT and ROLLBACK run even in a cancelled task (GraphQL cancels sibling
                    // fields when one fails), so no connection goes back to the pool mid-transaction.
                    try await Task.detached { try await tx.exec("COMMIT") }.value
                    return result
                } catch {
                    do {
                        try await Task.detached { try await tx.exec("ROLLBACK") }.value
                    } catch let rollback {
                        logger.warning("ROLLBACK failed", metadata: ["error": "\(Self.describe(rollback))"])
                    }
                    throw error
                }
            }
        } catch {
            throw storeError(error)
        }
    }

    /// What may be logged about a failure: its kind, SQLSTATE and server message (never a DSN).
    private static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return "\(error.code) sqlstate=\(error.serverInfo?[.sqlState] ?? "-") \(error.serverInfo?[.message] ?? "")"
        }
        return "\(error)"
    }

    private func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState], state.hasPrefix("23") {
            logger.debug("PostgreSQL constraint violation", metadata: ["error": "\(Self.describe(error))"])
            return StoreError(.conflict, "the request conflicts with stored data")
        }
        logger.error("PostgreSQL failure", metadata: ["error": "\(Self.describe(error))"])
        return StoreError(.unavailable, "the database is unavailable")
    }

    /// The statements of one transaction (only valid inside `transaction`).
    struct Transaction {
        let connection: PostgresConnection
        let logger: Logger

        func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
            var result: [PostgresRandomAccessRow] = []
            for try await row in try await connection.query(query, logger: logger) {
                result.append(PostgresRandomAccessRow(row))
            }
            return result
        }

        func exec(_ query: PostgresQuery) async throws {
            _ = try await rows(query)
        }

        func ensureEntity(_ name: String, at date: Date) async throws {
            try StoreRules.checkEntityName(name)
            try await exec(
                "INSERT INTO entities (name, created_at) VALUES (\(name), \(date.timeIntervalSince1970)) ON CONFLICT (name) DO NOTHING")
        }

        static let runSelect = """
            SELECT r.*, p.entity AS entity, p.name AS project FROM runs r JOIN projects p ON p.id = r.project_id
            """

        func run(_ key: RunKey, lock: Bool) async throws -> StoredRun? {
            try await rows(
                """
                \(unescaped: Self.runSelect) WHERE p.entity = \(key.entity) AND p.name = \(key.project) AND r.name = \(key.name)
                \(unescaped: lock ? "FOR UPDATE OF r" : "")
                """
            ).first.map(Self.run(from:))
        }

        /// The row id of a run (locked with `lock`), or `.notFound`.
        func runID(_ key: RunKey, lock: Bool) async throws -> Int {
            guard let id = try await rows(
                """
                SELECT r.id AS id FROM runs r JOIN projects p ON p.id = r.project_id
                WHERE p.entity = \(key.entity) AND p.name = \(key.project) AND r.name = \(key.name)
                \(unescaped: lock ? "FOR UPDATE OF r" : "")
                """
            ).first?.int("id") else {
                throw StoreError(.notFound, "no run \(key)")
            }
            return id
        }

        /// Appends an append-only chunk (see `SQLiteRunStore.applyFileStream`); returns the new line count.
        /// `table` is one of two constants, never input.
        func append(
            _ chunk: FileStreamBatch.Chunk, table: StaticString, what: String, run id: Int, stored: Int
        ) async throws -> Int {
            guard !chunk.lines.isEmpty else { return stored }
            if chunk.offset > stored {
                throw StoreError(
                    .invalid, "\(what) offset \(chunk.offset) is past the \(stored) lines stored (lines would be missing)")
            }
            let skip = stored - chunk.offset
            guard skip < chunk.lines.count else { return stored }  // a pure retry
            let fresh = Array(chunk.lines[(chunk.lines.startIndex + skip)...])
            try await exec(
                """
                INSERT INTO \(unescaped: "\(table)") (run_id, line_no, text)
                SELECT \(id), \(stored) + t.ord - 1, t.line FROM unnest(\(fresh)::text[]) WITH ORDINALITY AS t(line, ord)
                """)
            return chunk.offset + chunk.lines.count
        }

        static func run(from row: PostgresRandomAccessRow) -> StoredRun {
            let key = RunKey(entity: row.text("entity") ?? "", project: row.text("project") ?? "", name: row.text("name") ?? "")
            let record = RunRecord(
                storageID: row.text("storage_id") ?? "", key: key, displayName: row.text("display_name") ?? "",
                groupName: row.text("group_name"), jobType: row.text("job_type"), notes: row.text("notes"),
                description: row.text("description"), host: row.text("host"), program: row.text("program"),
                commit: row.text("git_commit"), repo: row.text("repo"), sweep: row.text("sweep"),
                tags: StoreRules.decodeTags(row.text("tags") ?? "[]"), config: row.text("config") ?? "{}",
                summary: row.text("summary") ?? "{}",
                state: RunState(rawValue: row.text("state") ?? "") ?? .running, exitCode: row.int("exit_code"),
                historyLineCount: row.int("history_line_count") ?? 0, eventsLineCount: row.int("events_line_count") ?? 0,
                logLineCount: row.int("log_line_count") ?? 0, createdAt: row.date("created_at") ?? .distantPast,
                updatedAt: row.date("updated_at") ?? .distantPast, heartbeatAt: row.date("heartbeat_at") ?? .distantPast,
                preempting: row.bool("preempting") ?? false, stopRequested: row.bool("stop_requested") ?? false)
            return StoredRun(id: row.int("id") ?? 0, record: record)
        }
    }

    struct StoredRun {
        var id: Int
        var record: RunRecord
    }
}
