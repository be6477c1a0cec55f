public import CohortModel
import Logging

/// A run's summary (W&B's `run.summary`): by default the last logged value of every metric, or the
/// aggregates `defineMetric` asks for; manual writes override a metric until it is logged again.
///
/// Reads wait until everything logged before them has been applied (as in W&B).
public struct Summary: Sendable {
    let run: Run

    /// The summary entry of a top-level key. Setting it writes the whole value (a dictionary is not
    /// exploded); setting `nil` removes the entry.
    public subscript(key: String) -> JSONValue? {
        get { values[key] }
        nonmutating set {
            if let newValue { run.writeSummary(path: [key], value: newValue) } else { run.removeSummary(path: [key]) }
        }
    }

    /// The entry at a nested path, such as `["eval", "f1"]`.
    public func value(at path: [String]) -> JSONValue? {
        guard let first = path.first, var value = values[first] else { return nil }
        for key in path.dropFirst() {
            guard let next = value[key] else { return nil }
            value = next
        }
        return value
    }

    /// The whole summary as a nested object.
    public var values: [String: JSONValue] { run.readSummary() }

    /// Writes one entry.
    public func set(_ key: String, _ value: some Loggable) {
        run.writeSummary(path: [key], value: value.jsonValue)
    }

    /// Writes an entry at a nested path (W&B's `summary["a"]["b"] = v`).
    public func set(path: [String], _ value: some Loggable) {
        guard !path.isEmpty else { return }
        run.writeSummary(path: path, value: value.jsonValue)
    }

    /// Writes several entries.
    public func update(_ values: [String: any Loggable]) {
        for (key, value) in values { run.writeSummary(path: [key], value: value.jsonValue) }
    }

    /// Removes an entry: a leaf disappears until it is logged again; a nested group goes whole.
    public func remove(_ key: String) { run.removeSummary(path: [key]) }

    /// Removes the entry at a nested path.
    public func remove(path: [String]) {
        guard !path.isEmpty else { return }
        run.removeSummary(path: path)
    }
}

extension Run {
    func writeSummary(path: [String], value: JSONValue) {
        guard value.nestingDepth + path.count <= RunEngine.maximumNesting else {
            logger.warning("summary write ignored: the value is nested too deeply", metadata: ["summary.key": "\(path.joined(separator: "."))"])
            return
        }
        enqueueSummaryChange(.summaryWrite(path: path, value: value), what: "summary write")
    }

    func removeSummary(path: [String]) {
        enqueueSummaryChange(.summaryRemove(path: path), what: "summary removal")
    }

    /// Summary changes after finish are ignored with a warning (W&B warns too); they cannot throw
    /// because `summary[key] = value` is a subscript setter.
    private func enqueueSummaryChange(_ operation: RunOperation, what: String) {
        do {
            try enqueueWhileLive(what, operation)
        } catch {
            logger.warning("summary change ignored: the run has finished", metadata: ["run.id": "\(id)", "change": "\(what)"])
        }
    }

    func readSummary() -> [String: JSONValue] {
        if let view = writer.inspect() { return view.summary }
        finishOnce.waitBlocking()  // the writer has stopped: its final state is readable once finish completes
        return writer.finalView.summary
    }
}
