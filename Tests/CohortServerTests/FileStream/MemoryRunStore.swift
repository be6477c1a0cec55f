// TEMPORARY: an in-memory RunStore for the file_stream and blob route tests, until the SQLite
// store (written in another branch) merges; then these tests should run against it (or the
// conformance suite's fixture) and this file goes away. It follows the doc comments of
// `RunStore` for the methods the routes use; the rest is the simplest faithful version.
import CohortModel
@testable import CohortServer
import Foundation

actor MemoryRunStore: RunStore {
    private var keys: [APIKeyRecord] = []
    private var runsByKey: [RunKey: RunRecord] = [:]
    private var historyLines: [RunKey: [String]] = [:]
    private var eventLines: [RunKey: [String]] = [:]
    private var consoleLines: [RunKey: [String]] = [:]
    private var files: [RunKey: [String: RunFileRecord]] = [:]
    private var alertList: [AlertRecord] = []
    /// When set, every call fails with this (to test 503s).
    private var failure: StoreError?
    /// How many times `applyFileStream` was called.
    private(set) var fileStreamCalls = 0
    /// The last batch `applyFileStream` received.
    private(set) var lastBatch: FileStreamBatch?

    func fail(with error: StoreError?) { failure = error }

    private func check() throws(StoreError) {
        if let failure { throw failure }
    }

    func migrate() async throws(StoreError) {}

    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) {
        guard !keys.contains(where: { $0.id == key.id }) else { throw StoreError(.conflict, "duplicate key id") }
        keys.append(key)
    }

    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? {
        keys.first { $0.secretHash == secretHash && $0.revokedAt == nil }
    }

    func apiKeys() async throws(StoreError) -> [APIKeyRecord] { keys }

    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool {
        guard let index = keys.firstIndex(where: { $0.id == id && $0.revokedAt == nil }) else { return false }
        keys[index].revokedAt = date
        return true
    }

    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        try check()
        let inserted = runsByKey[upsert.key] == nil
        var run = runsByKey[upsert.key] ?? RunRecord(
            storageID: UUID().uuidString, key: upsert.key, displayName: upsert.displayName ?? "run-\(runsByKey.count + 1)",
            createdAt: date, updatedAt: date, heartbeatAt: date)
        if let value = upsert.displayName { run.displayName = value }
        if let value = upsert.groupName { run.groupName = value }
        if let value = upsert.jobType { run.jobType = value }
        if let value = upsert.notes { run.notes = value }
        if let value = upsert.description { run.description = value }
        if let value = upsert.host { run.host = value }
        if let value = upsert.program { run.program = value }
        if let value = upsert.commit { run.commit = value }
        if let value = upsert.repo { run.repo = value }
        if let value = upsert.sweep { run.sweep = value }
        if let value = upsert.tags { run.tags = value }
        if let value = upsert.summaryMetrics {
            // Merged over the stored summary, key by key.
            guard case .object(let given)? = try? JSONParser.parse(value) else {
                throw StoreError(.invalid, "summaryMetrics is not a JSON object")
            }
            var merged = (try? JSONParser.parse(run.summary))?.objectValue ?? [:]
            merged.merge(given) { _, new in new }
            run.summary = JSONWriter.string(.object(merged))
        }
        if let value = upsert.config { run.config = value }
        if let value = upsert.state { run.state = value }
        run.updatedAt = date
        run.heartbeatAt = date
        runsByKey[upsert.key] = run
        return (run, inserted)
    }

    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? {
        try check()
        return runsByKey[key]
    }

    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] {
        runsByKey.values.filter { $0.key.entity == entity && $0.key.project == project }
            .sorted { $0.createdAt > $1.createdAt }
    }

    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] {
        let names = Set(runsByKey.keys.filter { $0.entity == entity }.map(\.project))
        return names.sorted().map { name in
            let runs = runsByKey.values.filter { $0.key.entity == entity && $0.key.project == name }
            return ProjectRecord(entity: entity, name: name, runCount: runs.count, lastActivity: runs.map(\.updatedAt).max())
        }
    }

    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        try check()
        fileStreamCalls += 1
        lastBatch = batch
        guard var run = runsByKey[key] else { throw StoreError(.notFound, "no run \(key)") }
        if let chunk = batch.history { Self.append(chunk, to: &historyLines[key, default: []]) }
        if let chunk = batch.events { Self.append(chunk, to: &eventLines[key, default: []]) }
        if let chunk = batch.summary, let last = chunk.lines.last { run.summary = last }
        if let chunk = batch.console {
            var lines = consoleLines[key, default: []]
            while lines.count < chunk.offset { lines.append("") }
            for (index, line) in chunk.lines.enumerated() {
                let at = chunk.offset + index
                if at < lines.count { lines[at] = line } else { lines.append(line) }
            }
            consoleLines[key] = lines
        }
        if batch.complete {
            run.exitCode = batch.exitCode
            run.state = (batch.exitCode ?? 0) == 0 ? .finished : .failed
        }
        run.historyLineCount = historyLines[key]?.count ?? 0
        run.eventsLineCount = eventLines[key]?.count ?? 0
        run.logLineCount = consoleLines[key]?.count ?? 0
        run.heartbeatAt = date
        run.updatedAt = date
        runsByKey[key] = run
        return run
    }

    /// Append-only: lines below the stored count are a retry and skipped.
    private static func append(_ chunk: FileStreamBatch.Chunk, to lines: inout [String]) {
        let skip = max(0, lines.count - chunk.offset)
        guard skip < chunk.lines.count else { return }
        lines.append(contentsOf: chunk.lines[skip...])
    }

    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        Self.slice(historyLines[key] ?? [], from: from, to: to)
    }

    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        Self.slice(eventLines[key] ?? [], from: from, to: to)
    }

    private static func slice(_ lines: [String], from: Int, to: Int?) -> [String] {
        let end = min(to ?? lines.count, lines.count)
        guard from < end else { return [] }
        return Array(lines[max(0, from)..<end])
    }

    func console(_ key: RunKey) async throws(StoreError) -> [String] { consoleLines[key] ?? [] }

    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] {
        var crashed: [RunKey] = []
        for (key, run) in runsByKey where run.state == .running && run.heartbeatAt < before {
            runsByKey[key]?.state = .crashed
            runsByKey[key]?.updatedAt = date
            crashed.append(key)
        }
        return crashed
    }

    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {
        try check()
        guard runsByKey[key] != nil else { throw StoreError(.notFound, "no run \(key)") }
        if files[key, default: [:]][name] == nil {
            files[key, default: [:]][name] = RunFileRecord(name: name, digest: nil, size: nil, updatedAt: date)
        }
    }

    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {
        try check()
        guard runsByKey[key] != nil else { throw StoreError(.notFound, "no run \(key)") }
        files[key, default: [:]][name] = RunFileRecord(name: name, digest: digest, size: size, updatedAt: date)
    }

    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] {
        try check()
        return (files[key] ?? [:]).values.sorted { $0.name < $1.name }
    }

    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool {
        let wait = Double(waitDuration.components.seconds)
        if let last = alertList.last(where: { $0.key == alert.key && $0.title == alert.title }),
            alert.createdAt.timeIntervalSince(last.createdAt) < wait
        {
            return false
        }
        alertList.append(alert)
        return true
    }

    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] { alertList.filter { $0.key == key } }

    func close() async {}
}
