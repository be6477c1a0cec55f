public import Foundation

/// Everything the server keeps about entities, keys, projects and runs, behind one interface with
/// two implementations (SQLite by default, PostgreSQL for teams) and one conformance suite.
///
/// Every method is one transaction: a request either changes the store completely or not at all.
/// Implementations bind every value (no SQL built from input) and report failures as `StoreError`.
public protocol RunStore: Sendable {
    /// Applies the named, forward-only migrations not yet applied (recorded in the store).
    func migrate() async throws(StoreError)

    // MARK: API keys

    /// Stores a new key (its hash only).
    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError)
    /// The live (not revoked) key with this hash.
    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord?
    /// Every key, revoked ones included, oldest first.
    func apiKeys() async throws(StoreError) -> [APIKeyRecord]
    /// Revokes a key; `false` when no live key has this id.
    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool

    // MARK: Projects and runs

    /// Creates or updates a run (and its entity and project); `inserted` is true for a new run.
    /// A new run without a display name gets a generated one.
    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool)
    /// The run, if it exists.
    func run(_ key: RunKey) async throws(StoreError) -> RunRecord?
    /// The runs of a project, newest first.
    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord]
    /// The projects of an entity, with run counts.
    func projects(entity: String) async throws(StoreError) -> [ProjectRecord]

    // MARK: file_stream

    /// Applies one file_stream request to a run (history/events appended from their offsets,
    /// ignoring lines already stored; summary replaced; console overwritten from its offset;
    /// `complete` sets the final state) and refreshes its heartbeat. Returns the run afterwards.
    /// Throws `.notFound` when the run does not exist, and `.invalid` (storing nothing) for a history
    /// or events chunk that starts past the lines stored, a negative offset, or a summary line that
    /// is not a JSON object. Any request brings a crashed run back to running.
    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord
    /// History lines `[from, to)` in order. This and the other per-run readers throw `.notFound`
    /// for an unknown run.
    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String]
    /// Events lines `[from, to)` in order.
    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String]
    /// The console output, line by line.
    func console(_ key: RunKey) async throws(StoreError) -> [String]
    /// Marks running runs not heard from since `before` as crashed; returns them.
    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey]

    // MARK: Run files

    /// Records that the client announced a file (`CreateRunFiles`); keeps content already stored.
    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError)
    /// Records a file's content (after its PUT).
    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError)
    /// The files of a run, by name.
    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord]

    // MARK: Alerts

    /// Stores an alert unless one with the same run and title was stored less than
    /// `waitDuration` before; returns whether it was stored (and should be delivered).
    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool
    /// The alerts of a run, oldest first.
    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord]

    // MARK: Stopping

    /// The run with this storage id (W&B's run `id`), or `nil`.
    func run(storageID: String) async throws(StoreError) -> RunRecord?
    /// Asks a run to stop: until it finishes, every file_stream answer says `{"stopped": true}`.
    /// `.notFound` without the run; `.conflict` when it has already finished or failed.
    func requestStop(_ key: RunKey, at date: Date) async throws(StoreError) -> RunRecord

    /// Closes connections.
    func close() async
}

/// A store failure, safe to show: it never contains a DSN or a key.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The thing asked for does not exist.
        case notFound
        /// The request conflicts with what is stored (e.g. a duplicate id).
        case conflict
        /// The input cannot be stored (too large, malformed JSON).
        case invalid
        /// The database failed or is unreachable; the request may succeed later.
        case unavailable
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
