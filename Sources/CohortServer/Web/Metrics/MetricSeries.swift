/// One run's history, parsed once and kept column-wise: the step, runtime and timestamp of every
/// row, each numeric metric as (row, value) pairs, and the media values logged (descriptors as
/// JSON text, thinned to a bounded number per key). Extended in place as the run logs more rows.
struct MetricSeries: Sendable {
    /// One numeric metric: the rows it appears in (ascending) and its values there.
    struct Column: Sendable {
        var rows: [Int32] = []
        var values: [Double] = []
    }

    /// A media value (`{"_type": …}` object) logged at a row.
    struct MediaEntry: Sendable {
        var row: Int
        var step: Double
        /// The descriptor object as logged (JSON text).
        var json: String
    }

    /// The media values of one key: every `stride`-th one is kept, and the stride doubles when
    /// `maximumEntries` is reached, so a key logged every step stays bounded and evenly spread;
    /// the newest value is always kept in `latest`.
    struct MediaTrack: Sendable {
        static let maximumEntries = 256
        var entries: [MediaEntry] = []
        var stride = 1
        var seen = 0
        var latest: MediaEntry?

        mutating func append(_ entry: MediaEntry) {
            if seen % stride == 0 {
                entries.append(entry)
                if entries.count > Self.maximumEntries {
                    entries = entries.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
                    stride *= 2
                }
            }
            seen += 1
            latest = entry
        }

        /// The kept entries plus the newest one, in row order.
        var all: [MediaEntry] {
            guard let latest, entries.last?.row != latest.row else { return entries }
            return entries + [latest]
        }
    }

    /// History lines consumed so far (the next offset to read).
    var rowCount = 0
    /// `_step` of each row (the row index when absent).
    var steps: [Double] = []
    /// `_runtime` of each row (NaN when absent).
    var runtimes: [Double] = []
    /// `_timestamp` of each row (NaN when absent).
    var timestamps: [Double] = []
    /// Numeric metrics by key (nested objects flattened with `.`; `_`-keys left out).
    var columns: [String: Column] = [:]
    /// Media values by key.
    var media: [String: MediaTrack] = [:]
    /// History lines that were not JSON objects (skipped).
    var malformedRows = 0
    /// Bytes of media JSON appended so far (with overhead), for `byteSize`.
    var mediaBytes = 0

    /// Roughly the memory the series holds, for the cache's budget.
    var byteSize: Int {
        var total = (steps.count + runtimes.count + timestamps.count) * 8 + mediaBytes
        for column in columns.values { total += column.rows.count * 12 + 64 }
        return total
    }

    /// The metric names, sorted.
    var metricNames: [String] { columns.keys.sorted() }

    /// Appends one parsed history row (its values and media) as row `rowCount`.
    mutating func append(_ row: HistoryRow) {
        let index = rowCount
        let step = row.step ?? Double(index)
        steps.append(step)
        runtimes.append(row.runtime ?? .nan)
        timestamps.append(row.timestamp ?? .nan)
        for (key, value) in row.values {
            if let slot = columns.index(forKey: key) {
                columns.values[slot].rows.append(Int32(truncatingIfNeeded: index))
                columns.values[slot].values.append(value)
            } else {
                columns[key] = Column(rows: [Int32(truncatingIfNeeded: index)], values: [value])
            }
        }
        for (key, json) in row.media {
            mediaBytes += json.utf8.count + 48
            media[key, default: MediaTrack()].append(MediaEntry(row: index, step: step, json: json))
        }
        rowCount += 1
    }

    /// Counts a history line that could not be read (it still takes its row number).
    mutating func appendMalformed() {
        malformedRows += 1
        append(HistoryRow())
    }
}
