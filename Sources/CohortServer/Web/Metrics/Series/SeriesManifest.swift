import Foundation

/// What one run's series directory holds (`manifest.json`): how many history rows the column files
/// describe, which file holds which metric and how many values of it count, the media tracks (small,
/// so kept here whole) and the last value of every file, which a load compares with what it reads.
///
/// The manifest is written last, by rename, after the column files were appended; so the files are
/// never shorter than it says unless the disk lost their tail (a power failure), which the length
/// and last-value checks catch. Bytes past its counts (a pass cut off before its rename) are ignored
/// and overwritten by the next pass.
struct SeriesManifest: Codable, Sendable, Equatable {
    /// The layout this server writes and reads. Bump it whenever `HistoryLineScanner` or
    /// `MetricSeries.append` change what a history line gives: series written by another version are
    /// then rebuilt from the store instead of read.
    static let currentVersion = 1

    /// One metric's files: `<file>.rows` (Int32 row numbers) and `<file>.values` (Float64).
    struct Column: Codable, Sendable, Equatable {
        var name: String
        var file: String
        var count: Int
        /// The last row and the bit pattern of the last value (checked on load).
        var lastRow: Int32
        var lastValue: UInt64
    }

    /// One kept media value (`MetricSeries.MediaEntry`).
    struct MediaEntry: Codable, Sendable, Equatable {
        var row: Int
        var step: Double
        var json: String
    }

    /// One media key's track (`MetricSeries.MediaTrack`), whole.
    struct MediaTrack: Codable, Sendable, Equatable {
        var key: String
        var entries: [MediaEntry]
        var stride: Int
        var seen: Int
        var latest: MediaEntry?
    }

    var version = Self.currentVersion
    /// History rows the files describe (`steps.f64` etc. hold this many values).
    var rows = 0
    var malformedRows = 0
    var mediaBytes = 0
    /// Bit patterns of the last step, runtime and timestamp (checked on load); 0 when `rows` is 0.
    var lastStep: UInt64 = 0
    var lastRuntime: UInt64 = 0
    var lastTimestamp: UInt64 = 0
    var columns: [Column] = []
    var media: [MediaTrack] = []
}

extension SeriesManifest {
    /// JSON with NaN and the infinities as strings (a step may be NaN).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// Reads what `encoder` writes.
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

extension SeriesManifest.MediaEntry {
    init(_ entry: MetricSeries.MediaEntry) {
        self.init(row: entry.row, step: entry.step, json: entry.json)
    }

    var series: MetricSeries.MediaEntry { MetricSeries.MediaEntry(row: row, step: step, json: json) }
}

extension SeriesManifest {
    /// The media tracks of `series`, sorted by key.
    static func mediaTracks(of series: MetricSeries) -> [MediaTrack] {
        series.media.keys.sorted().compactMap { key in
            guard let track = series.media[key] else { return nil }
            return MediaTrack(
                key: key, entries: track.entries.map(MediaEntry.init), stride: track.stride, seen: track.seen,
                latest: track.latest.map(MediaEntry.init))
        }
    }

    /// `media` as the series keeps it.
    var seriesMedia: [String: MetricSeries.MediaTrack] {
        var tracks: [String: MetricSeries.MediaTrack] = [:]
        for track in media {
            var restored = MetricSeries.MediaTrack()
            restored.entries = track.entries.map(\.series)
            restored.stride = track.stride
            restored.seen = track.seen
            restored.latest = track.latest?.series
            tracks[track.key] = restored
        }
        return tracks
    }
}
