import CohortModel
import CohortTransport
import Logging
import Synchronization

extension Run {
    /// `log` for a row that holds media: encodes every media value first (outside the run's lock),
    /// then, under the lock, decides the row's step, writes the files named after it, records them
    /// for upload (as `now` files) and queues the row with W&B's descriptors; custom charts log their
    /// table as `<key>_table` and their panel into the config's `_wandb.visualize`; images with boxes or
    /// masks put their class labels there too, as W&B does. A failure anywhere
    /// leaves the step, the journal and the run directory as they were.
    func logMedia(_ data: [String: any Loggable], step: Int?, commit: Bool?) throws(CohortError) {
        var batch = MediaBatch(runID: id)
        var templates: [String: MediaTemplate] = [:]
        var row = data
        for (key, value) in data where value.containsMedia {
            if let chart = value as? CustomChart {
                // W&B logs the chart's table as `<key>_table` and the chart into the config.
                let tableKey = chart.tableKey(key)
                row[key] = nil
                templates[tableKey] = try chart.table.mediaTemplate(key: tableKey, batch: &batch)
                batch.configEntries["visualize", default: [:]][key] = chart.panel(key: key)
            } else {
                templates[key] = try batch.template(of: value, key: key)
            }
        }
        let mediaKeys = templates.keys.sorted().joined(separator: ", ")
        let timestamp = RunClock.timestamp()
        let runtime = clock.runtime()
        let dropped: (requested: Int64, current: Int64)? = try state.withLock { (state) throws(CohortError) in
            guard !state.finished else { throw .runFinished("log") }
            var steps = state.steps
            switch steps.log(step: step.map(Int64.init), commit: commit) {
            case .drop(let requested, let current):
                return (requested, current)
            case .merge(let rowStep, let commitBefore, let commitAfter):
                var versions = state.tableVersions
                let tables = try recordTables(&batch, versions: &versions)
                let written = try batch.write(step: rowStep, into: dir, key: mediaKeys)
                state.tableVersions = versions
                state.steps = steps
                for file in written {
                    writer.enqueue(.record(.file, [
                        "path": .string(file.path), "policy": .string(SavePolicy.now.rawValue), "size": .int(Int64(file.size)),
                    ]))
                }
                if !batch.configEntries.isEmpty {
                    var internalKeys = state.config["_wandb"]?.objectValue ?? [:]
                    for (section, entries) in batch.configEntries {
                        var merged = internalKeys[section]?.objectValue ?? [:]
                        merged.merge(entries) { _, new in new }
                        internalKeys[section] = .object(merged)
                    }
                    state.config["_wandb"] = .object(internalKeys)
                    writer.enqueue(.config(state.config))
                }
                for table in tables { writer.enqueue(.record(.artifact, table.fields)) }
                for (key, template) in templates { row[key] = batch.render(template, step: rowStep) }
                writer.enqueueLog(
                    row, step: rowStep, commitBefore: commitBefore, commitAfter: commitAfter,
                    timestamp: timestamp, runtime: runtime)
                return nil
            }
        }
        if let dropped { warnDropped(dropped) }
    }

    /// The `run_table` artifacts of the batch's tables: each new version's files are written under
    /// `<run>/run_table/<digest>/` (by content, so a failed `log` leaves nothing that matters) and
    /// recorded; a version equal to the one logged last under the
    /// same name keeps that version's client ids (W&B logs a table object once).
    private func recordTables(_ batch: inout MediaBatch, versions: inout [String: TableVersion]) throws(CohortError) -> [ArtifactRecord] {
        var records: [ArtifactRecord] = []
        for index in batch.tables.indices {
            let table = batch.tables[index]
            let digest = table.digest
            if let known = versions[table.name], known.digest == digest {
                batch.tables[index].clientID = known.clientID
                batch.tables[index].sequenceClientID = known.sequenceClientID
                continue
            }
            let folder = syncDir + "/run_table/" + digest
            var entries: [ArtifactManifestEntry] = []
            for (path, bytes) in table.files.sorted(by: { $0.key < $1.key }) {
                let local = folder + "/" + path
                do {
                    try MediaBatch.place(bytes, at: local)
                } catch {
                    throw CohortError(.storage, "log: the table artifact \(table.name) could not be written to \(local): \(error); nothing was logged for this call")
                }
                entries.append(ArtifactManifestEntry(path: path, digest: MD5.hash(bytes).base64, size: Int64(bytes.count), localPath: local))
            }
            records.append(ArtifactRecord(
                name: table.name, type: TableArtifact.type, aliases: ["latest"], entries: entries, clientID: table.clientID,
                sequenceClientID: table.sequenceClientID))
            versions[table.name] = TableVersion(digest: digest, clientID: table.clientID, sequenceClientID: table.sequenceClientID)
        }
        return records
    }
}
