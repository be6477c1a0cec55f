import CohortServer
import Foundation

/// TEMPORARY: an in-memory `RunStore` for the GraphQL tests, only until the SQLite store
/// (`SQLiteRunStore`, written in another branch) merges; then these tests should run against it
/// and this file should go. It follows the `RunStore` doc comments simply, without transactions
/// across actors or any persistence. `failure`, when set, makes every call but the API key lookup
/// throw it (to test how the GraphQL route, past the key check, answers store errors).
actor MemoryRunStore: RunStore {
    var keys: [APIKeyRecord] = []
    var runs: [RunKey: RunRecord] = [:]
    var historyLines: [RunKey: [String]] = [:]
    var eventLines: [RunKey: [String]] = [:]
    var consoleLines: [RunKey: [String]] = [:]
    var files: [RunKey: [String: RunFileRecord]] = [:]
    var storedAlerts: [AlertRecord] = []
    var failure: StoreError?
    private var nextID = 1

    init() {}

    func fail(with error: StoreError?) { failure = error }

    private func check() throws(StoreError) {
        if let failure { throw failure }
    }

    private func requireRun(_ key: RunKey) throws(StoreError) -> RunRecord {
        guard let run = runs[key] else { throw StoreError(.notFound, "run \(key) not found") }
        return run
    }

    func migrate() async throws(StoreError) { try check() }

    func insertAPIKey(_ key: APIKeyRecord) async throws(StoreError) {
        try check()
        guard !keys.contains(where: { $0.id == key.id || $0.secretHash == key.secretHash }) else {
            throw StoreError(.conflict, "duplicate key")
        }
        keys.append(key)
    }

    func apiKey(secretHash: String) async throws(StoreError) -> APIKeyRecord? {
        return keys.first { $0.secretHash == secretHash && $0.revokedAt == nil }
    }

    func apiKeys() async throws(StoreError) -> [APIKeyRecord] {
        try check()
        return keys
    }

    func revokeAPIKey(id: String, at date: Date) async throws(StoreError) -> Bool {
        try check()
        guard let index = keys.firstIndex(where: { $0.id == id && $0.revokedAt == nil }) else { return false }
        keys[index].revokedAt = date
        return true
    }

    func upsertRun(_ upsert: RunUpsert, at date: Date) async throws(StoreError) -> (run: RunRecord, inserted: Bool) {
        try check()
        for json in [upsert.config, upsert.summaryMetrics].compactMap({ $0 }) {
            guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) is [String: Any] else {
                throw StoreError(.invalid, "config and summary must be JSON objects")
            }
        }
        let inserted = runs[upsert.key] == nil
        var run =
            runs[upsert.key]
            ?? RunRecord(
                storageID: "run-\(nextID)", key: upsert.key, displayName: upsert.displayName ?? "run-\(nextID)",
                createdAt: date, updatedAt: date, heartbeatAt: date)
        if inserted { nextID += 1 }
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
        if let value = upsert.config { run.config = value }
        if let value = upsert.summaryMetrics { run.summary = Self.merge(run.summary, value) }
        if let value = upsert.state { run.state = value }
        run.updatedAt = date
        run.heartbeatAt = date
        runs[upsert.key] = run
        return (run, inserted)
    }

    private static func merge(_ base: String, _ over: String) -> String {
        let a = (try? JSONSerialization.jsonObject(with: Data(base.utf8))) as? [String: Any] ?? [:]
        let b = (try? JSONSerialization.jsonObject(with: Data(over.utf8))) as? [String: Any] ?? [:]
        let merged = a.merging(b) { _, new in new }
        let data = (try? JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    func run(_ key: RunKey) async throws(StoreError) -> RunRecord? {
        try check()
        return runs[key]
    }

    func runs(entity: String, project: String) async throws(StoreError) -> [RunRecord] {
        try check()
        return runs.values.filter { $0.key.entity == entity && $0.key.project == project }.sorted { $0.createdAt > $1.createdAt }
    }

    func projects(entity: String) async throws(StoreError) -> [ProjectRecord] {
        try check()
        let grouped = Dictionary(grouping: runs.values.filter { $0.key.entity == entity }, by: \.key.project)
        return grouped.map { name, runs in
            ProjectRecord(entity: entity, name: name, runCount: runs.count, lastActivity: runs.map(\.updatedAt).max())
        }.sorted { $0.name < $1.name }
    }

    func applyFileStream(_ batch: FileStreamBatch, to key: RunKey, at date: Date) async throws(StoreError) -> RunRecord {
        try check()
        var run = try requireRun(key)
        func append(_ chunk: FileStreamBatch.Chunk?, to lines: inout [String]) {
            guard let chunk else { return }
            for (index, line) in chunk.lines.enumerated() where chunk.offset + index == lines.count {
                lines.append(line)
            }
        }
        append(batch.history, to: &historyLines[key, default: []])
        append(batch.events, to: &eventLines[key, default: []])
        if let line = batch.summary?.lines.last { run.summary = line }
        if let console = batch.console {
            var lines = consoleLines[key, default: []]
            for (index, line) in console.lines.enumerated() {
                let at = console.offset + index
                if at < lines.count { lines[at] = line } else if at == lines.count { lines.append(line) }
            }
            consoleLines[key] = lines
        }
        if batch.complete {
            run.state = (batch.exitCode ?? 0) == 0 ? .finished : .failed
            run.exitCode = batch.exitCode
        }
        run.historyLineCount = historyLines[key, default: []].count
        run.eventsLineCount = eventLines[key, default: []].count
        run.logLineCount = consoleLines[key, default: []].count
        run.updatedAt = date
        run.heartbeatAt = date
        runs[key] = run
        return run
    }

    func history(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try check()
        return Self.slice(historyLines[key] ?? [], from: from, to: to)
    }

    func events(_ key: RunKey, from: Int, to: Int?) async throws(StoreError) -> [String] {
        try check()
        return Self.slice(eventLines[key] ?? [], from: from, to: to)
    }

    private static func slice(_ lines: [String], from: Int, to: Int?) -> [String] {
        let lower = max(0, min(from, lines.count))
        let upper = max(lower, min(to ?? lines.count, lines.count))
        return Array(lines[lower..<upper])
    }

    func console(_ key: RunKey) async throws(StoreError) -> [String] {
        try check()
        return consoleLines[key] ?? []
    }

    func markSilentRunsCrashed(before: Date, at date: Date) async throws(StoreError) -> [RunKey] {
        try check()
        var crashed: [RunKey] = []
        for (key, run) in runs where run.state == .running && run.heartbeatAt < before {
            runs[key]?.state = .crashed
            runs[key]?.updatedAt = date
            crashed.append(key)
        }
        return crashed
    }

    func announceRunFile(_ key: RunKey, name: String, at date: Date) async throws(StoreError) {
        try check()
        _ = try requireRun(key)
        if files[key]?[name] == nil {
            files[key, default: [:]][name] = RunFileRecord(name: name, digest: nil, size: nil, updatedAt: date)
        }
    }

    func storeRunFile(_ key: RunKey, name: String, digest: String, size: Int, at date: Date) async throws(StoreError) {
        try check()
        _ = try requireRun(key)
        files[key, default: [:]][name] = RunFileRecord(name: name, digest: digest, size: size, updatedAt: date)
    }

    func runFiles(_ key: RunKey) async throws(StoreError) -> [RunFileRecord] {
        try check()
        return (files[key] ?? [:]).values.sorted { $0.name < $1.name }
    }

    func recordAlert(_ alert: AlertRecord, waitDuration: Duration) async throws(StoreError) -> Bool {
        try check()
        _ = try requireRun(alert.key)
        let seconds = Double(waitDuration.components.seconds) + Double(waitDuration.components.attoseconds) / 1e18
        if let last = storedAlerts.last(where: { $0.key == alert.key && $0.title == alert.title }),
            alert.createdAt.timeIntervalSince(last.createdAt) < seconds
        {
            return false
        }
        storedAlerts.append(alert)
        return true
    }

    func alerts(_ key: RunKey) async throws(StoreError) -> [AlertRecord] {
        try check()
        return storedAlerts.filter { $0.key == key }
    }

    func close() async {}
}
