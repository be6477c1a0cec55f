import CohortModel
import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// The embedded store: one SQLite file (WAL, foreign keys on, 5 s busy timeout) behind one
/// connection. Every protocol method runs as one transaction (`BEGIN IMMEDIATE` for writes, so a
/// second process on the same file waits instead of failing at its first write), and transactions
/// are serialized by a FIFO gate because statements of two transactions must not interleave on one
/// connection. All values are bound; no SQL is built from input.
///
/// SQLite errors are logged (with their details) and reported as `.unavailable` ("the database is
/// unavailable"), except constraint violations (`.conflict`); messages never contain the file path.
final class SQLiteRunStore: RunStore {
    private let connection: SQLiteConnection
    private let gate = TransactionGate()
    private let logger: Logger

    private init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Opens (creating it if needed) the database at `path` and sets its pragmas. Call `migrate()`
    /// before use.
    static func open(path: String, logger: Logger) async throws(StoreError) -> SQLiteRunStore {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            logger.error("cannot open the SQLite database", metadata: ["path": "\(path)", "error": "\(error)"])
            throw StoreError(.unavailable, "the database is unavailable")
        }
        let store = SQLiteRunStore(connection: connection, logger: logger)
        do {
            // busy_timeout replaces sqlite-nio's retry-forever busy handler.
            _ = try await store.rows("PRAGMA busy_timeout = 5000", [])
            let mode = try await store.rows("PRAGMA journal_mode = WAL", [])
            if mode.first?.column("journal_mode")?.string?.lowercased() != "wal" {
                logger.warning("SQLite did not switch to WAL mode", metadata: ["path": "\(path)"])
            }
            // NORMAL is durable across a killed process in WAL mode (only a power loss may drop the
            // last transactions) and avoids an fsync per file_stream request.
            _ = try await store.rows("PRAGMA synchronous = NORMAL", [])
            _ = try await store.rows("PRAGMA foreign_keys = ON", [])
        } catch {
            logger.error("cannot configure the SQLite database", metadata: ["path": "\(path)", "error": "\(error)"])
            try? await connection.close()
            throw StoreError(.unavailable, "the database is unavailable")
        }
        return store
    }

    // MARK: Migrations

    func migrate() async throws(StoreError) {
        try await write { tx in
            _ = try await tx.rows(SQLiteMigrations.bookkeeping)
            let applied = Set(try await tx.rows("SELECT name FROM schema_migrations").compactMap { $0.text("name") })
            for migration in SQLiteMigrations.all where !applied.contains(migration.name) {
                for statement in migration.statements {
                    _ = try await tx.rows(statement)
                }
                _ = try await tx.rows(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    [.text(migration.name), .time(Date())])
                logger.info("applied store migration", metadata: ["migration": "\(migration.name)"])
            }
        }
    }

    // MARK: Projects and runs

    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        // Checked before the transaction: bad JSON stores nothing.
        if let config = upsert.config { _ = try StoreRules.object(config, "config") }
        if let summary = upsert.summaryMetrics { _ = try StoreRules.object(summary, "summaryMetrics") }

        return try await write { tx in
            let key = upsert.key
            if var run = try await tx.run(key) {
                let id = run.id
                try StoreRules.apply(upsert, to: &run.record, at: date)
                let r = run.record
                _ = try await tx.rows(
                    """
                    UPDATE runs SET display_name = ?, group_name = ?, job_type = ?, notes = ?, description = ?,
                        host = ?, program = ?, git_commit = ?, repo = ?, sweep = ?, tags = ?, config = ?,
                        summary = ?, state = ?, updated_at = ?, heartbeat_at = ?
                    WHERE id = ?
                    """,
                    [.text(r.displayName), .textOrNull(r.groupName), .textOrNull(r.jobType), .textOrNull(r.notes), .textOrNull(r.description),
                     .textOrNull(r.host), .textOrNull(r.program), .textOrNull(r.commit), .textOrNull(r.repo), .textOrNull(r.sweep),
                     .text(StoreRules.encodeTags(r.tags)), .text(r.config), .text(r.summary),
                     .text(r.state.rawValue), .time(date), .time(date), .integer(id)])
                return (r, false)
            }

            try await tx.ensureEntity(key.entity, at: date)
            _ = try await tx.rows(
                "INSERT INTO projects (entity, name, created_at) VALUES (?, ?, ?) ON CONFLICT (entity, name) DO NOTHING",
                [.text(key.entity), .text(key.project), .time(date)])
            guard let projectID = try await tx.rows(
                "SELECT id FROM projects WHERE entity = ? AND name = ?", [.text(key.entity), .text(key.project)]
            ).first?.int("id") else {
                throw StoreError(.unavailable, "the database is unavailable")
            }
            let count = try await tx.rows(
                "SELECT count(*) AS n FROM runs WHERE project_id = ?", [.integer(projectID)]
            ).first?.int("n") ?? 0
            let summary = try upsert.summaryMetrics.map { try StoreRules.mergeSummary("{}", $0) } ?? "{}"
            let record = RunRecord(
                storageID: StoreRules.newStorageID(), key: key,
                displayName: upsert.displayName ?? StoreRules.generatedName(ordinal: count + 1),
                groupName: upsert.groupName, jobType: upsert.jobType, notes: upsert.notes,
                description: upsert.description, host: upsert.host, program: upsert.program, commit: upsert.commit,
                repo: upsert.repo, sweep: upsert.sweep, tags: upsert.tags ?? [], config: upsert.config ?? "{}",
                summary: summary, state: upsert.state ?? .running, createdAt: date, updatedAt: date, heartbeatAt: date)
            _ = try await tx.rows(
                """
                INSERT INTO runs (storage_id, project_id, name, display_name, group_name, job_type, notes, description,
                    host, program, git_commit, repo, sweep, tags, config, summary, state, created_at, updated_at,
                    heartbeat_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(record.storageID), .integer(projectID), .text(key.name), .text(record.displayName),
                 .textOrNull(record.groupName), .textOrNull(record.jobType), .textOrNull(record.notes), .textOrNull(record.description),
                 .textOrNull(record.host), .textOrNull(record.program), .textOrNull(record.commit), .textOrNull(record.repo),
                 .textOrNull(record.sweep), .text(StoreRules.encodeTags(record.tags)), .text(record.config),
                 .text(record.summary), .text(record.state.rawValue), .time(date), .time(date), .time(date)])
            return (record, true)
        }
    }

    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? {
        try await read { tx in try await tx.run(key)?.record }
    }

    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] {
        try await read { tx in
            try await tx.rows(
                Transaction.runSelect + " WHERE p.entity = ? AND p.name = ? ORDER BY r.created_at DESC, r.id DESC",
                [.text(entity), .text(project)]
            ).map { Transaction.run(from: $0).record }
        }
    }

    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] {
        try await read { tx in
            try await tx.rows(
                """
                SELECT p.name AS name, count(r.id) AS run_count, max(r.heartbeat_at) AS last_activity
                FROM projects p LEFT JOIN runs r ON r.project_id = p.id
                WHERE p.entity = ? GROUP BY p.id ORDER BY p.name
                """,
                [.text(entity)]
            ).map {
                ProjectRecord(
                    entity: entity, name: $0.text("name") ?? "", runCount: $0.int("run_count") ?? 0,
                    lastActivity: $0.date("last_activity"))
            }
        }
    }

    // MARK: file_stream

    /// Applies one file_stream request. Offsets follow `wandb-protocol.md` §4:
    ///
    /// - history and events are append-only. With `n` lines stored, a chunk at offset `o`:
    ///   lines with index below `n` are a retry of lines already stored and are skipped; the rest are
    ///   stored at `n`, `n+1`, …. A chunk that starts *past* `n` (`o > n`, a gap) is rejected with
    ///   `.invalid` and the whole request stores nothing. The official client sends strictly
    ///   sequential requests and takes its starting offsets from our own line counts (resume), so a gap
    ///   means the client and the store disagree; storing lines at their given indices would leave
    ///   holes that the readers (`history(from:to:)`, line counts, `historyTail`) would then have to
    ///   explain, while rejecting keeps "line `i` is at index `i`, no holes" true for every run.
    /// - summary: the chunk's last line (a JSON object) replaces the summary.
    /// - console (`output.log`): lines overwrite from `o` (line `o` is replaced, and so on);
    ///   the log line count becomes `max(stored, o + lines)`. A console chunk past the end is stored
    ///   where it says (the console is a screen, not a ledger).
    /// - `uploaded` names are recorded as announced run files (content kept).
    /// - `complete`: finished when the exit code is 0 or absent, else failed; the exit code is kept.
    /// - any request (a heartbeat `{}` included) refreshes `heartbeat_at` and brings a crashed run
    ///   back to running.
    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        if let summary = batch.summary, let last = summary.lines.last {
            _ = try StoreRules.object(last, "the summary line")
        }
        for (name, chunk) in [("history", batch.history), ("events", batch.events), ("console", batch.console)] {
            if let chunk, chunk.offset < 0 { throw StoreError(.invalid, "negative \(name) offset \(chunk.offset)") }
        }

        return try await write { tx in
            guard var run = try await tx.run(key) else { throw StoreError(.notFound, "no run \(key)") }
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
                _ = try await tx.rows(
                    """
                    INSERT INTO console_lines (run_id, line_no, text)
                    SELECT ?, ? + j.key, j.value FROM json_each(?) AS j WHERE true
                    ON CONFLICT (run_id, line_no) DO UPDATE SET text = excluded.text
                    """,
                    [.integer(id), .integer(chunk.offset), .text(Self.jsonArray(chunk.lines[...]))])
                run.record.logLineCount = max(run.record.logLineCount, chunk.offset + chunk.lines.count)
            }
            if let last = batch.summary?.lines.last {
                run.record.summary = last
            }
            for name in batch.uploaded {
                _ = try await tx.rows(
                    "INSERT INTO run_files (run_id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT (run_id, name) DO NOTHING",
                    [.integer(id), .text(name), .time(date)])
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
            _ = try await tx.rows(
                """
                UPDATE runs SET history_line_count = ?, events_line_count = ?, log_line_count = ?, summary = ?,
                    state = ?, exit_code = ?, preempting = ?, stop_requested = ?, updated_at = ?, heartbeat_at = ?
                WHERE id = ?
                """,
                [.integer(r.historyLineCount), .integer(r.eventsLineCount), .integer(r.logLineCount), .text(r.summary),
                 .text(r.state.rawValue), r.exitCode.map { .integer($0) } ?? .null, .bool(r.preempting),
                 .bool(r.stopRequested), .time(date),
                 .time(date), .integer(id)])
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
        try await read { tx in
            let id = try await tx.runID(key)
            return try await tx.rows(
                "SELECT text FROM \(table) WHERE run_id = ? AND line_no >= ? AND line_no < ? ORDER BY line_no",
                [.integer(id), .integer(max(from, 0)), .integer(to ?? Int.max)]
            ).map { $0.text("text") ?? "" }
        }
    }

    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] {
        try await write { tx in
            try await tx.rows(
                """
                UPDATE runs SET state = 'crashed', updated_at = ?
                WHERE state = 'running' AND heartbeat_at < ?
                RETURNING project_id, name
                """,
                [.time(date), .time(before)]
            ).asyncMap { row in
                let project = try await tx.rows(
                    "SELECT entity, name FROM projects WHERE id = ?", [.integer(row.int("project_id") ?? 0)]
                ).first
                return RunKey(
                    entity: project?.text("entity") ?? "", project: project?.text("name") ?? "",
                    name: row.text("name") ?? "")
            }
        }
    }

    func close() async {
        await gate.acquire()
        defer { gate.release() }
        do {
            try await connection.close()
        } catch {
            logger.warning("closing the SQLite database failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Transactions

    func write<T>(_ body: (Transaction) async throws -> T) async throws(StoreError) -> T {
        try await transaction("BEGIN IMMEDIATE", body)
    }

    func read<T>(_ body: (Transaction) async throws -> T) async throws(StoreError) -> T {
        try await transaction("BEGIN", body)
    }

    private func transaction<T>(_ begin: StaticString, _ body: (Transaction) async throws -> T) async throws(StoreError) -> T {
        await gate.acquire()
        defer { gate.release() }
        let tx = Transaction(store: self)
        do {
            _ = try await rows("\(begin)", [])
        } catch {
            throw storeError(error)
        }
        do {
            let result = try await body(tx)
            try await uncancellable("COMMIT")
            return result
        } catch {
            do {
                try await uncancellable("ROLLBACK")
            } catch let rollback {
                logger.warning("ROLLBACK failed", metadata: ["error": "\(rollback)"])
            }
            throw storeError(error)
        }
    }

    /// Runs COMMIT or ROLLBACK even when the calling task was cancelled (GraphQL cancels sibling
    /// fields when one fails): a cancelled ROLLBACK would leave the one connection inside a
    /// transaction, and every later BEGIN would fail.
    private func uncancellable(_ statement: StaticString) async throws {
        try await Task.detached { [self] in _ = try await self.rows("\(statement)", []) }.value
    }

    private func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? SQLiteError {
            switch error.reason {
            case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintForeignKeyFailed,
                .constraintNotNullFailed, .constraintCheckFailed:
                logger.debug("SQLite constraint violation", metadata: ["error": "\(error)"])
                return StoreError(.conflict, "the request conflicts with stored data")
            default: break
            }
        }
        logger.error("SQLite failure", metadata: ["error": "\(error)"])
        return StoreError(.unavailable, "the database is unavailable")
    }

    /// Runs one statement and collects its rows. Uses the connection's own async `query`, which
    /// calls back on the thread pool (the `SQLiteDatabase` convenience hops to the event loop per row).
    func rows(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        let box = RowBox()
        try await connection.query(sql, binds) { box.rows.append($0) }
        return box.rows
    }

    /// Lines as one bound JSON array, expanded by `json_each` into rows: one statement per chunk.
    fileprivate static func jsonArray(_ lines: ArraySlice<String>) -> String {
        JSONWriter.string(.array(lines.map { .string($0) }))
    }

    /// The statements of one transaction (only valid inside `transaction`).
    struct Transaction {
        let store: SQLiteRunStore

        func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
            try await store.rows(sql, binds)
        }

        func ensureEntity(_ name: String, at date: Date) async throws {
            try StoreRules.checkEntityName(name)
            _ = try await rows(
                "INSERT INTO entities (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                [.text(name), .time(date)])
        }

        static let runSelect = """
            SELECT r.*, p.entity AS entity, p.name AS project FROM runs r JOIN projects p ON p.id = r.project_id
            """

        func run(_ key: RunKey) async throws -> StoredRun? {
            try await rows(
                Self.runSelect + " WHERE p.entity = ? AND p.name = ? AND r.name = ?",
                [.text(key.entity), .text(key.project), .text(key.name)]
            ).first.map(Self.run(from:))
        }

        /// The row id of a run, or `.notFound`.
        func runID(_ key: RunKey) async throws -> Int {
            guard let id = try await rows(
                """
                SELECT r.id AS id FROM runs r JOIN projects p ON p.id = r.project_id
                WHERE p.entity = ? AND p.name = ? AND r.name = ?
                """,
                [.text(key.entity), .text(key.project), .text(key.name)]
            ).first?.int("id") else {
                throw StoreError(.notFound, "no run \(key)")
            }
            return id
        }

        /// Appends an append-only chunk (see `applyFileStream`); returns the new line count.
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
            _ = try await rows(
                "INSERT INTO \(table) (run_id, line_no, text) SELECT ?, ? + j.key, j.value FROM json_each(?) AS j",
                [.integer(id), .integer(stored), .text(SQLiteRunStore.jsonArray(chunk.lines[(chunk.lines.startIndex + skip)...]))])
            return chunk.offset + chunk.lines.count
        }

        static func run(from row: SQLiteRow) -> StoredRun {
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
                preempting: row.int("preempting") == 1, stopRequested: row.int("stop_requested") == 1)
            return StoredRun(id: row.int("id") ?? 0, record: record)
        }
    }

    struct StoredRun {
        var id: Int
        var record: RunRecord
    }
}

/// Rows collected by a query callback; written only on the thread pool during the query, read after it.
private final class RowBox: @unchecked Sendable {
    var rows: [SQLiteRow] = []
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var result: [T] = []
        result.reserveCapacity(count)
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
