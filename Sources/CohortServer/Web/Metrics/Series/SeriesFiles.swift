import Foundation
import Glibc

/// Why a run's series could not be written. Nothing is lost: the series are a cache of the store,
/// and a failed pass is retried from the store the next time the run is indexed.
struct SeriesFileError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case io, inconsistent }
    private let code: Code
    private let reason: String

    /// The disk refused (full, permissions, …).
    static func io(_ reason: String) -> SeriesFileError { SeriesFileError(code: .io, reason: reason) }
    /// The series does not extend what the manifest describes (rewrite it whole instead).
    static let inconsistent = SeriesFileError(code: .inconsistent, reason: "the series does not extend the stored files")

    /// Whether the stored files should be discarded and written again from the whole series.
    var needsRewrite: Bool { code == .inconsistent }

    var description: String { "series files: \(reason)" }
}

/// The parsed history of runs kept on disk under `<data>/series/<storageID>/`, so the first view of
/// a run after a server start reads binary columns instead of parsing every history line:
///
/// - `steps.f64`, `runtimes.f64`, `timestamps.f64`: one Float64 per row;
/// - `c<n>.rows` (Int32) and `c<n>.values` (Float64) per metric;
/// - `manifest.json` (`SeriesManifest`): the counts, the metric names, the media tracks; written last,
///   to a temporary file renamed over the old one.
///
/// Files are appended in place and not fsynced (the store is the truth; a load that finds a file
/// shorter than the manifest says, or a last value that differs, reports the run damaged and it is
/// rebuilt from the store). One writer per run at a time (`SeriesIndexer`); readers only read what
/// a manifest describes, which a writer never changes. Numbers are in the machine's byte order.
///
/// The methods block on the disk: call them off the concurrency pool (`BlobStore.blocking`).
struct SeriesFiles: Sendable {
    /// What `load` found.
    enum Loaded: Sendable {
        /// Nothing usable on disk (no manifest, another format version, or a file shorter than it says).
        case missing
        /// The files do not hold what the manifest says: rebuild the run from the store.
        case damaged
        case loaded(MetricSeries)
    }

    /// `<data>/series`.
    let root: String

    init(dataDirectory: String) {
        root = dataDirectory + "/series"
    }

    /// A run's directory, or `nil` for an id that is not a plain file name.
    func directory(for storageID: String) -> String? {
        let allowed = storageID.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 45 || byte == 95
        }
        guard allowed, !storageID.isEmpty, storageID.utf8.count <= 128 else { return nil }
        return root + "/" + storageID
    }

    /// The run's manifest when it can be extended: it decodes, has the current version, and every
    /// file is at least as long as it says.
    func manifest(_ storageID: String) -> SeriesManifest? {
        guard let directory = self.directory(for: storageID),
            let data = FileManager.default.contents(atPath: directory + "/manifest.json"),
            let manifest = try? SeriesManifest.decoder.decode(SeriesManifest.self, from: data),  // unreadable: rebuild
            manifest.version == SeriesManifest.currentVersion, (0...Int(Int32.max)).contains(manifest.rows)
        else { return nil }
        let rows = manifest.rows * 8
        var needed = [("steps.f64", rows), ("runtimes.f64", rows), ("timestamps.f64", rows)]
        for column in manifest.columns {
            guard column.count >= 0, column.count <= manifest.rows, self.directory(for: column.file) != nil else { return nil }
            needed += [(column.file + ".rows", column.count * 4), (column.file + ".values", column.count * 8)]
        }
        for (name, bytes) in needed where Self.size(directory + "/" + name) < bytes { return nil }
        return manifest
    }

    /// The run's series as the files describe it, checked against the manifest's last values and
    /// row numbers (so a damaged file is never charted).
    func load(_ storageID: String) -> Loaded {
        guard let manifest = self.manifest(storageID), let directory = self.directory(for: storageID) else { return .missing }
        let rows = manifest.rows
        guard let steps = Self.read(Double.self, directory + "/steps.f64", count: rows),
            let runtimes = Self.read(Double.self, directory + "/runtimes.f64", count: rows),
            let timestamps = Self.read(Double.self, directory + "/timestamps.f64", count: rows)
        else { return .damaged }
        guard rows == 0
            || (steps[rows - 1].bitPattern == manifest.lastStep && runtimes[rows - 1].bitPattern == manifest.lastRuntime
                && timestamps[rows - 1].bitPattern == manifest.lastTimestamp)
        else { return .damaged }
        var series = MetricSeries()
        series.rowCount = rows
        series.steps = steps
        series.runtimes = runtimes
        series.timestamps = timestamps
        for column in manifest.columns {
            guard let numbers = Self.read(Int32.self, directory + "/\(column.file).rows", count: column.count),
                let values = Self.read(Double.self, directory + "/\(column.file).values", count: column.count),
                Self.ascending(numbers, below: rows),
                column.count == 0 || (numbers[column.count - 1] == column.lastRow && values[column.count - 1].bitPattern == column.lastValue)
            else { return .damaged }
            series.columns[column.name] = MetricSeries.Column(rows: numbers, values: values)
        }
        for track in manifest.media {
            guard track.stride > 0, (track.entries + [track.latest].compactMap { $0 }).allSatisfy({ (0..<rows).contains($0.row) })
            else { return .damaged }
        }
        series.media = manifest.seriesMedia
        series.malformedRows = manifest.malformedRows
        series.mediaBytes = manifest.mediaBytes
        return .loaded(series)
    }

    /// Appends the rows of `series` past `previous` (everything, into a fresh directory, when
    /// `previous` is `nil`), then replaces the manifest. Returns the new manifest.
    /// - Throws: `SeriesFileError`; `.inconsistent` when `series` does not extend `previous`.
    @discardableResult
    func persist(_ series: MetricSeries, over previous: SeriesManifest?, storageID: String) throws(SeriesFileError) -> SeriesManifest {
        guard let directory = self.directory(for: storageID) else { throw .io("the run id is not a file name") }
        if previous == nil { discard(storageID) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create the series directory")
        }
        var manifest = previous ?? SeriesManifest()
        let start = manifest.rows
        guard series.rowCount >= start else { throw .inconsistent }
        try Self.append(series.steps[start...], to: directory + "/steps.f64", at: start)
        try Self.append(series.runtimes[start...], to: directory + "/runtimes.f64", at: start)
        try Self.append(series.timestamps[start...], to: directory + "/timestamps.f64", at: start)
        var known = Set(manifest.columns.map(\.name))
        for name in series.columns.keys.sorted() where !known.contains(name) {
            manifest.columns.append(.init(name: name, file: "c\(manifest.columns.count)", count: 0, lastRow: 0, lastValue: 0))
            known.insert(name)
        }
        for index in manifest.columns.indices {
            let stored = manifest.columns[index]
            let column = series.columns[stored.name] ?? MetricSeries.Column()
            guard column.rows.count >= stored.count else { throw .inconsistent }
            guard column.rows.count > stored.count else { continue }
            try Self.append(column.rows[stored.count...], to: directory + "/\(stored.file).rows", at: stored.count)
            try Self.append(column.values[stored.count...], to: directory + "/\(stored.file).values", at: stored.count)
            manifest.columns[index].count = column.rows.count
            manifest.columns[index].lastRow = column.rows.last ?? 0
            manifest.columns[index].lastValue = column.values.last?.bitPattern ?? 0
        }
        manifest.rows = series.rowCount
        manifest.malformedRows = series.malformedRows
        manifest.mediaBytes = series.mediaBytes
        manifest.lastStep = series.steps.last?.bitPattern ?? 0
        manifest.lastRuntime = series.runtimes.last?.bitPattern ?? 0
        manifest.lastTimestamp = series.timestamps.last?.bitPattern ?? 0
        manifest.media = SeriesManifest.mediaTracks(of: series)
        try Self.replace(directory + "/manifest.json", with: manifest)
        return manifest
    }

    /// Runs blocking file work off the concurrency pool's threads.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// Removes the run's files (a run that is gone, or a series to write again from the start).
    func discard(_ storageID: String) {
        guard let directory = self.directory(for: storageID) else { return }
        try? FileManager.default.removeItem(atPath: directory)  // absent already: nothing to do
    }
}

extension SeriesFiles {
    /// The size of a file, or -1 when it cannot be read.
    static func size(_ path: String) -> Int {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),  // absent: -1
            let size = attributes[.size] as? NSNumber
        else { return -1 }
        return size.intValue
    }

    /// The first `count` values of a file of `T`s, or `nil` when it holds fewer.
    static func read<T: BitwiseCopyable>(_ type: T.Type, _ path: String, count: Int) -> [T]? {
        guard count > 0 else { return [] }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var complete = false
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            while offset < raw.count {
                let got = pread(descriptor, raw.baseAddress! + offset, raw.count - offset, off_t(offset))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { break }
                offset += got
            }
            complete = offset == raw.count
            // Every bit pattern is a valid Int32 or Double, so a short read leaves valid (unused) values.
            if !complete { raw.baseAddress!.advanced(by: offset).initializeMemory(as: UInt8.self, repeating: 0, count: raw.count - offset) }
            initialized = count
        }
        return complete ? values : nil
    }

    /// Whether `rows` ascend and stay in `0..<limit` (a row may repeat: a line can give one key twice,
    /// as `{"a.b": 1, "a": {"b": 2}}` does).
    static func ascending(_ rows: [Int32], below limit: Int) -> Bool {
        var previous = Int32(0)
        for row in rows {
            guard row >= previous else { return false }
            previous = row
        }
        return rows.isEmpty || Int(previous) < limit
    }

    /// Writes `values` at element `index` of the file (creating it), cutting off whatever followed.
    static func append<T: BitwiseCopyable>(_ values: ArraySlice<T>, to path: String, at index: Int) throws(SeriesFileError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io("cannot open a column file (errno \(errno))") }
        defer { close(descriptor) }
        let offset = index * MemoryLayout<T>.stride
        guard ftruncate(descriptor, off_t(offset)) == 0 else { throw .io("cannot cut a column file (errno \(errno))") }
        let failure: Int32? = values.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let result = pwrite(descriptor, raw.baseAddress! + written, raw.count - written, off_t(offset + written))
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        if let failure { throw .io("cannot write a column file (errno \(failure))") }
    }

    /// Writes `manifest` to a temporary file and renames it over `path`.
    static func replace(_ path: String, with manifest: SeriesManifest) throws(SeriesFileError) {
        let data: Data
        do {
            data = try SeriesManifest.encoder.encode(manifest)
        } catch {
            throw .io("cannot encode the manifest")
        }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else { throw .io("cannot write the manifest") }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw .io("cannot replace the manifest (errno \(errno))")
        }
    }
}
