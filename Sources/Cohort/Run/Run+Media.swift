import CohortModel
import Logging
import Synchronization

extension Run {
    /// `log` for a row that holds media: encodes every media value first (outside the run's lock),
    /// then, under the lock, decides the row's step, writes the files named after it, records them
    /// for upload (as `now` files) and queues the row with W&B's descriptors; custom charts log their
    /// table as `<key>_table` and their panel into the config's `_wandb.visualize`; images with boxes or
    /// masks put their class labels there too, as W&B does; tables' `run_table` artifacts are staged
    /// first, outside the lock, and recorded with the row. A failure anywhere leaves the step, the
    /// journal and the files directory as they were (at most, content-named staged table files stay).
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
        // Table artifacts do not depend on the step: staged here, outside the run's lock.
        let stagedTables = try batch.tables.map { table throws(CohortError) in try table.stage(under: syncDir + "/run_table") }
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
                let tables = recordTables(&batch, stagedIn: stagedTables, versions: &versions)
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

    /// The `run_table` artifacts of the batch's tables, staged in `folders` (one per table): each
    /// new version is recorded; a version equal to the one logged last under the same name keeps
    /// that version's client ids and is not recorded again (W&B logs a table object once).
    private func recordTables(_ batch: inout MediaBatch, stagedIn folders: [String], versions: inout [String: TableVersion]) -> [ArtifactRecord] {
        var records: [ArtifactRecord] = []
        for (index, folder) in zip(batch.tables.indices, folders) {
            let table = batch.tables[index]
            if let known = versions[table.name], known.digest == table.digest {
                batch.tables[index].clientID = known.clientID
                batch.tables[index].sequenceClientID = known.sequenceClientID
                continue
            }
            records.append(ArtifactRecord(
                name: table.name, type: TableArtifact.type, aliases: ["latest"], entries: table.entries(stagedUnder: folder),
                clientID: table.clientID, sequenceClientID: table.sequenceClientID))
            versions[table.name] = TableVersion(digest: table.digest, clientID: table.clientID, sequenceClientID: table.sequenceClientID)
        }
        return records
    }
}
