import CohortModel

// How the sender's machine cuts waiting lines into requests, and the helpers its inputs share.

extension SenderStateMachine {
    /// Moves waiting lines into a request, up to the size limit.
    mutating func takeBatch() -> FileStreamRequest {
        var request = FileStreamRequest()
        var budget = configuration.maximumRequestBytes
        func take(_ lines: inout [String]) -> [String] {
            var count = 0
            for line in lines {
                let size = Self.size(of: line)
                if count > 0 && size > budget { break }
                budget -= size
                count += 1
            }
            defer { lines.removeFirst(count) }
            return Array(lines.prefix(count))
        }
        let history = take(&pendingHistory)
        if !history.isEmpty { request.history = .init(offset: cursor.historyBase + cursor.historyLines, lines: history) }
        let output = take(&pendingOutput)
        if !output.isEmpty { request.output = .init(offset: cursor.outputBase + cursor.outputLines, lines: output) }
        if let summary = pendingSummary {
            request.summary = .init(offset: 0, lines: [summary])
            pendingSummary = nil
        }
        request.uploaded = pendingUploaded
        pendingUploaded = []
        request.preempting = pendingPreempting
        pendingPreempting = false
        pendingBytes = max(0, pendingBytes - Self.size(of: request))
        if pendingHistory.isEmpty && pendingOutput.isEmpty && pendingSummary == nil { pendingBytes = 0 }
        return request
    }

    // MARK: Helpers

    mutating func applyIdentity(_ payload: JSONValue) {
        guard let id = payload["id"]?.stringValue, let project = payload["project"]?.stringValue else { return }
        var next = upsert ?? RunUpsert(runID: id, project: project)
        next.runID = id
        next.project = project
        next.entity = payload["entity"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        next.group = payload["group"]?.stringValue
        next.jobType = payload["job_type"]?.stringValue
        next.displayName = payload["name"]?.stringValue ?? next.displayName
        next.notes = payload["notes"]?.stringValue ?? next.notes
        if let tags = payload["tags"]?.arrayValue { next.tags = tags.compactMap(\.stringValue) }
        next.sweepID = payload["sweep_id"]?.stringValue
        next.host = payload["host"]?.stringValue
        next.program = payload["program"]?.stringValue ?? next.program
        setUpsert(next)
    }

    mutating func setUpsert(_ next: RunUpsert) {
        guard next != upsert else { return }
        let first = upsert == nil
        upsert = next
        // A live run's owner created the run from the same facts before training started.
        if !(first && runCreated) { upsertPending = true }
    }

    mutating func addOutput(_ lines: [String]) {
        for line in lines {
            outputSeen += 1
            if outputSeen > cursor.outputLines {
                pendingOutput.append(line)
                pendingBytes += Self.size(of: line)
            }
        }
    }

    /// A line's share of a request body: its bytes, quotes and comma.
    static func size(of line: String) -> Int { line.utf8.count + 3 }

    static func size(of request: FileStreamRequest) -> Int {
        let lines = (request.history?.lines ?? []) + (request.output?.lines ?? []) + (request.summary?.lines ?? [])
        return lines.reduce(0) { $0 + size(of: $1) }
    }
}
