import CohortModel
import Logging

/// The per-run state that turns operations into journal records: the pending history row, the
/// summary and the metric definitions. W&B keeps the same state in its core process.
///
/// Owned and used only by the journal writer's thread.
struct RunEngine: Sendable {
    /// Rows larger than this are skipped with a warning, as W&B does (10 MiB less 100 KiB).
    static let maximumRowBytes = 10 * 1024 * 1024 - 100 * 1024

    private(set) var summary = SummaryTree()
    private(set) var metrics = MetricRegistry()
    private(set) var config: [String: JSONValue] = [:]
    private var pendingRow: [String: JSONValue] = [:]
    private var pendingStep: Int64 = 0
    private var hasPendingRow = false
    /// Set when the summary changed since the last snapshot.
    private(set) var summaryChanged = false
    /// Set when the config (or the metric definitions inside it) changed since config.yaml was written.
    private(set) var configChanged = false
    private var skippedRowWarnings = 0
    /// When set, committed rows are also kept for `takeCommittedRows()` (the group link reports them).
    var collectsRows = false
    private var committedRows: [(step: Int64, row: [String: JSONValue])] = []
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Restores state read from an earlier journal (resume).
    init(logger: Logger, restoredSummary: [String: JSONValue], config: [String: JSONValue]) {
        self.logger = logger
        for (key, value) in restoredSummary { summary.write(value, at: [key]) }
        self.config = config
    }

    /// Applies one operation, appending journal records to `journal`. A `.log` operation's items are
    /// read from `tape`.
    mutating func apply(_ operation: RunOperation, tape: LogTape? = nil, journal: inout JournalBuffer) {
        switch operation {
        case .log(let call):
            if call.commitBefore { commitRow(journal: &journal) }
            if let tape { merge(call, tape: tape) }
            if call.commitAfter { commitRow(journal: &journal) }
        case .commitPendingRow:
            commitRow(journal: &journal)
        case .summaryWrite(let path, let value):
            summary.write(value, at: path)
            summaryChanged = true
            journal.append(.summaryUpdate, ["set": .array(path.map(JSONValue.string)), "value": value])
        case .summaryRemove(let path):
            summary.remove(at: path)
            summaryChanged = true
            journal.append(.summaryUpdate, ["remove": .array(path.map(JSONValue.string))])
        case .defineMetric(let definition, let overwrite):
            define(definition, overwrite: overwrite, journal: &journal)
        case .config(let values):
            config = values
            configChanged = true
            journal.append(.config, ["config": .object(values)])
        case .record(let kind, let payload):
            journal.append(kind, payload)
        case .barrier, .inspect:
            break  // handled by the writer
        }
    }

    /// The state an `inspect` operation sees.
    var view: RunEngineView {
        RunEngineView(summary: summary.visible)
    }

    mutating func markSummaryWritten() { summaryChanged = false }
    mutating func markConfigWritten() { configChanged = false }

    /// Rows nested deeper than this are skipped with a warning: readers of the journal (and of JSON
    /// in general) limit nesting, and such a row would otherwise hide every record after it.
    static let maximumNesting = 64

    private mutating func merge(_ call: LogCall, tape: LogTape) {
        var reader = LogTapeReader(tape, at: call.tapeOffset)
        guard reader.nestingDepth() <= Self.maximumNesting else {
            logger.warning(
                "log dropped: values nested too deeply", metadata: ["run.step": "\(call.step)", "limit": "\(Self.maximumNesting)"])
            return
        }
        if !hasPendingRow || pendingStep != call.step {
            pendingRow.removeAll(keepingCapacity: true)
            pendingStep = call.step
            hasPendingRow = true
        }
        var hasTimestamp = false
        reader.forEachMember { key, value in
            if key == "_step" { return }
            if key == "_timestamp" { hasTimestamp = true }
            Self.merge(value, at: key, into: &pendingRow)
        }
        if !hasTimestamp { pendingRow["_timestamp"] = .double(call.timestamp) }
        pendingRow["_runtime"] = .double(call.runtime)
    }

    /// Sets `value` at `key` as W&B's core does: a dictionary merges leaf by leaf into what is pending
    /// (so an empty one adds nothing), any other value replaces what was there.
    private static func merge(_ value: JSONValue, at key: String, into object: inout [String: JSONValue]) {
        guard case .object(let members) = value else {
            object[key] = value
            return
        }
        var child = object[key]?.objectValue ?? [:]  // a leaf in the way is replaced
        for (member, memberValue) in members { merge(memberValue, at: member, into: &child) }
        if !child.isEmpty { object[key] = .object(child) }
    }

    private mutating func commitRow(journal: inout JournalBuffer) {
        guard hasPendingRow else { return }
        hasPendingRow = false
        // The row is built in place and its storage kept for the next row.
        defer { pendingRow.removeAll(keepingCapacity: true) }
        pendingRow["_step"] = .int(pendingStep)
        let materialized = metrics.prepare(row: &pendingRow)
        for definition in materialized {
            journal.append(.metric, definition.journalPayload.objectValue ?? [:])
            summary.configure(path: MetricPath.split(definition.name), summary: definition.summary)
            configChanged = true
        }
        guard journal.appendRow(pendingRow, limit: Self.maximumRowBytes) else {
            skippedRowWarnings += 1
            if skippedRowWarnings <= 5 || skippedRowWarnings.isMultiple(of: 1000) {
                logger.warning(
                    "history row skipped: larger than the row limit",
                    metadata: ["run.step": "\(pendingStep)", "limit.bytes": "\(Self.maximumRowBytes)"])
            }
            return
        }
        summary.log(row: pendingRow)
        summaryChanged = true
        if collectsRows { committedRows.append((pendingStep, pendingRow)) }
    }

    /// The rows committed since the last call, when `collectsRows` is set.
    mutating func takeCommittedRows() -> [(step: Int64, row: [String: JSONValue])] {
        defer { committedRows.removeAll() }
        return committedRows
    }

    /// Records a definition. A concrete one configures the summary leaf at its path now, so its
    /// aggregates cover everything logged before; a glob acts when a matching key is next logged.
    private mutating func define(_ definition: MetricDefinition, overwrite: Bool, journal: inout JournalBuffer) {
        let inForce = metrics.define(definition, overwrite: overwrite)
        journal.append(.metric, inForce.journalPayload.objectValue ?? [:])
        configChanged = true
        if !inForce.isGlob {
            summary.configure(path: MetricPath.split(inForce.name), summary: inForce.summary)
            summaryChanged = true
        }
    }
}

extension RunEngine {
    /// Rebuilds state from a record of an earlier journal, exactly as it was built the first time.
    mutating func replay(_ record: JournalRecord) {
        switch record.kind {
        case .history:
            guard let row = record.payload.objectValue else { return }
            summary.log(row: row)
        case .summaryUpdate:
            let path = (record.payload["set"] ?? record.payload["remove"])?.arrayValue?.compactMap(\.stringValue) ?? []
            if record.payload["set"] != nil {
                summary.write(record.payload["value"] ?? .null, at: path)
            } else {
                summary.remove(at: path)
            }
        case .metric:
            guard let definition = MetricDefinition(journalPayload: record.payload) else { return }
            _ = metrics.define(definition, overwrite: true)
            if !definition.isGlob {
                summary.configure(path: MetricPath.split(definition.name), summary: definition.summary)
            }
        case .config:
            config = record.payload["config"]?.objectValue ?? [:]
        default:
            break
        }
    }
}
