/// One named, forward-only schema change. A migration is applied once, in list order, and recorded
/// in `schema_migrations`; a shipped migration is never edited (a change is a new migration).
struct StoreMigration: Sendable {
    /// A stable name (`0001_initial`, …): the key in `schema_migrations`.
    var name: String
    /// The statements, run in order in the migrating transaction (one statement per string,
    /// because a prepared statement holds one).
    var statements: [String]
}

/// The SQLite schema. A PostgreSQL store keeps a list with the same names, in the same order, and
/// the same tables and columns (with its own types: `BIGSERIAL`, `TIMESTAMPTZ`/`DOUBLE PRECISION`,
/// `JSONB`-or-`TEXT`, `BOOLEAN`), so both stores answer the conformance suite alike.
///
/// Conventions: times are `REAL` seconds since 1970 (UTC); booleans are `INTEGER` 0/1; JSON is
/// `TEXT` (tags a JSON array of strings, config and summary JSON objects); line tables are keyed
/// by `(run_id, line_no)` so a retried line cannot be stored twice.
enum SQLiteMigrations {
    /// The table that records applied migrations.
    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            name TEXT PRIMARY KEY,
            applied_at REAL NOT NULL
        )
        """

    static let all: [StoreMigration] = [
        StoreMigration(name: "0001_initial", statements: [
            """
            CREATE TABLE entities (
                name TEXT PRIMARY KEY,
                created_at REAL NOT NULL
            )
            """,
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                secret_hash TEXT NOT NULL UNIQUE,
                label TEXT NOT NULL,
                entity TEXT NOT NULL REFERENCES entities(name),
                is_admin INTEGER NOT NULL,
                created_at REAL NOT NULL,
                revoked_at REAL
            )
            """,
            """
            CREATE TABLE projects (
                id INTEGER PRIMARY KEY,
                entity TEXT NOT NULL REFERENCES entities(name),
                name TEXT NOT NULL,
                created_at REAL NOT NULL,
                UNIQUE (entity, name)
            )
            """,
            """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                storage_id TEXT NOT NULL UNIQUE,
                project_id INTEGER NOT NULL REFERENCES projects(id),
                name TEXT NOT NULL,
                display_name TEXT NOT NULL,
                group_name TEXT,
                job_type TEXT,
                notes TEXT,
                description TEXT,
                host TEXT,
                program TEXT,
                git_commit TEXT,
                repo TEXT,
                sweep TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                config TEXT NOT NULL DEFAULT '{}',
                summary TEXT NOT NULL DEFAULT '{}',
                state TEXT NOT NULL,
                exit_code INTEGER,
                preempting INTEGER NOT NULL DEFAULT 0,
                history_line_count INTEGER NOT NULL DEFAULT 0,
                events_line_count INTEGER NOT NULL DEFAULT 0,
                log_line_count INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                heartbeat_at REAL NOT NULL,
                UNIQUE (project_id, name)
            )
            """,
            "CREATE INDEX runs_project_created ON runs (project_id, created_at)",
            "CREATE INDEX runs_state_heartbeat ON runs (state, heartbeat_at)",
            """
            CREATE TABLE history_lines (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                line_no INTEGER NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (run_id, line_no)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE events_lines (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                line_no INTEGER NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (run_id, line_no)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE console_lines (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                line_no INTEGER NOT NULL,
                text TEXT NOT NULL,
                PRIMARY KEY (run_id, line_no)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE run_files (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                digest TEXT,
                size INTEGER,
                updated_at REAL NOT NULL,
                PRIMARY KEY (run_id, name)
            )
            """,
            """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                title TEXT NOT NULL,
                text TEXT NOT NULL,
                severity TEXT NOT NULL,
                created_at REAL NOT NULL
            )
            """,
            "CREATE INDEX alerts_run_title ON alerts (run_id, title, created_at)",
        ]),
        // Artifacts (`ArtifactStore`): a collection (W&B's `ArtifactSequence`) has one type;
        // versions get their index at commit; files point at the version that first stored their
        // bytes (`birth_artifact_id`); an alias names one version of a collection.
        StoreMigration(name: "0002_artifacts", statements: [
            """
            CREATE TABLE artifact_collections (
                id INTEGER PRIMARY KEY,
                entity TEXT NOT NULL,
                project TEXT NOT NULL,
                name TEXT NOT NULL,
                type TEXT NOT NULL,
                created_at REAL NOT NULL,
                UNIQUE (entity, project, name)
            )
            """,
            """
            CREATE TABLE artifacts (
                id TEXT PRIMARY KEY,
                collection_id INTEGER NOT NULL REFERENCES artifact_collections(id),
                version_index INTEGER,
                digest TEXT NOT NULL,
                state TEXT NOT NULL,
                description TEXT,
                metadata TEXT NOT NULL DEFAULT '{}',
                created_by_run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
                history_step INTEGER,
                client_id TEXT,
                sequence_client_id TEXT,
                requested_aliases TEXT NOT NULL DEFAULT '[]',
                manifest_id TEXT,
                manifest_blob TEXT,
                manifest_size INTEGER,
                size INTEGER NOT NULL DEFAULT 0,
                file_count INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                UNIQUE (collection_id, version_index)
            )
            """,
            "CREATE INDEX artifacts_collection_digest ON artifacts (collection_id, digest)",
            "CREATE INDEX artifacts_created_by ON artifacts (created_by_run_id)",
            """
            CREATE TABLE artifact_files (
                artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                md5 TEXT NOT NULL,
                birth_artifact_id TEXT NOT NULL,
                blob_digest TEXT,
                size INTEGER,
                storage_path TEXT NOT NULL,
                PRIMARY KEY (artifact_id, name)
            )
            """,
            "CREATE INDEX artifact_files_storage_path ON artifact_files (storage_path)",
            "CREATE INDEX artifact_files_md5 ON artifact_files (md5)",
            """
            CREATE TABLE artifact_aliases (
                collection_id INTEGER NOT NULL REFERENCES artifact_collections(id),
                alias TEXT NOT NULL,
                artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                PRIMARY KEY (collection_id, alias)
            )
            """,
            "CREATE INDEX artifact_aliases_artifact ON artifact_aliases (artifact_id)",
            """
            CREATE TABLE artifact_usage (
                artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                used_as TEXT,
                created_at REAL NOT NULL,
                PRIMARY KEY (artifact_id, run_id)
            )
            """,
            "CREATE INDEX artifact_usage_run ON artifact_usage (run_id)",
        ]),
        // A user's request that a run stop (`stopRun`): file_stream answers `{"stopped": true}` until
        // the run finishes.
        StoreMigration(name: "0003_run_stop", statements: [
            "ALTER TABLE runs ADD COLUMN stop_requested INTEGER NOT NULL DEFAULT 0",
        ]),
    ]
}
