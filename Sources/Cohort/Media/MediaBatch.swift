import CohortModel
import Crypto
import Foundation
import Glibc

/// One file that a logged media value places under the run's `files/media/<kind>/`.
struct MediaFile: Sendable {
    /// The encoded bytes.
    var bytes: [UInt8]
    /// The lowercase hex SHA-256 of `bytes`.
    var sha256: String
    /// The folder under `media/`: `images`, `table`, `html`.
    var kind: String
    /// The extension with its dot: `.png`, `.table.json`.
    var fileExtension: String
    /// The logged key, made safe for a path (W&B's `make_file_path_upload_safe`).
    var key: String
    /// A path that does not depend on key and step (images inside table cells), or `nil` for W&B's
    /// `<key>_<step>_<hash20><ext>`.
    var fixedPath: String?
    /// The descriptor's fields besides `path`, `sha256` and `size`.
    var fields: [String: JSONValue]

    init(bytes: [UInt8], kind: String, fileExtension: String, key: String, fixedPath: String? = nil, fields: [String: JSONValue]) {
        self.bytes = bytes
        sha256 = Self.hexDigest(bytes)
        self.kind = kind
        self.fileExtension = fileExtension
        self.key = Self.safeKey(key)
        self.fixedPath = fixedPath
        self.fields = fields
    }

    /// The path under `files/` when logged at `step`.
    func path(step: Int64) -> String {
        if let fixedPath { return fixedPath }
        return "media/\(kind)/\(key)_\(step)_\(sha256.prefix(20))\(fileExtension)"
    }

    /// W&B's descriptor of the file when logged at `step`.
    func descriptor(step: Int64) -> JSONValue {
        var object = fields
        object["path"] = .string(path(step: step))
        object["sha256"] = .string(sha256)
        object["size"] = .int(Int64(bytes.count))
        return .object(object)
    }

    static func hexDigest(_ bytes: [UInt8]) -> String {
        let digest = SHA256.hash(data: bytes)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// W&B's `make_file_path_upload_safe`: no leading `/`, `.` and `..` components become `_` and `__`.
    static func safeKey(_ key: String) -> String {
        var trimmed = Substring(key)
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        return trimmed.split(separator: "/", omittingEmptySubsequences: false).map { component in
            component == "." || component == ".." ? component.replacingOccurrences(of: ".", with: "_") : String(component)
        }.joined(separator: "/")
    }
}

/// How a logged value becomes JSON once its step is known: plain JSON, or descriptors of files.
indirect enum MediaTemplate: Sendable {
    case json(JSONValue)
    /// The descriptor of `MediaBatch.files[index]`.
    case file(Int)
    /// The descriptor of `MediaBatch.files[index]` with more members (an image's boxes and masks).
    case fileWith(Int, members: [String: MediaTemplate])
    case object([String: MediaTemplate])
    case array([MediaTemplate])
    /// A table's file descriptor with the links to its `run_table` artifact (`MediaBatch.tables[artifact]`).
    case table(file: Int, artifact: Int)
    /// W&B's `images/separated`: `fields` (width, height, format, count, captions) and the files.
    case imageList(fields: [String: JSONValue], files: [Int])
    /// `fields` plus `member`: the descriptors of the files (W&B's `audio`, `html`, `videos` and
    /// `object3D` lists); with `filenamesUnder`, also `filenames`: the paths relative to that folder.
    case descriptorList(fields: [String: JSONValue], member: String, files: [Int], filenamesUnder: String? = nil)
}

/// A value that holds media: it turns into a template, adding its files to a batch.
protocol MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate
}

/// Media that is one file (audio, video, HTML, 3D): its template is that file's descriptor.
protocol SingleFileMedia: MediaBearing {
    /// The encoded file for a value logged under `key`.
    func mediaFile(key: String) throws(CohortError) -> MediaFile
}

extension SingleFileMedia {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        .file(batch.add(try mediaFile(key: key)))
    }

    /// Adds the file of each value (W&B's lists under one key); returns their batch indices.
    static func addFiles(_ values: [Self], key: String, batch: inout MediaBatch) throws(CohortError) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(values.count)
        for value in values { indices.append(batch.add(try value.mediaFile(key: key))) }
        return indices
    }
}

/// The files of one `log` call: encoded before the run's lock is taken, written under it once the
/// row's step is known, all or nothing.
struct MediaBatch: Sendable {
    private(set) var files: [MediaFile] = []
    /// The `run_table` artifacts of the tables in the batch; their client ids may be replaced by
    /// those of an equal version the run logged before.
    var tables: [TableArtifact] = []
    /// The run whose artifacts these are (`run-<id>-<key>`).
    let runID: String
    /// Entries the row adds to the config's `_wandb` (section → key → value), as W&B's
    /// `_add_singleton`: custom chart panels (`visualize`), box and mask class labels
    /// (`bounding_box/class_labels`, `mask/class_labels`).
    var configEntries: [String: [String: JSONValue]] = [:]

    init(runID: String = "") {
        self.runID = runID
    }

    /// Adds `file`; returns its index for `MediaTemplate.file`.
    mutating func add(_ file: MediaFile) -> Int {
        files.append(file)
        return files.count - 1
    }

    /// The template of any loggable value: media become file templates, the rest stays JSON.
    mutating func template(of value: any Loggable, key: String) throws(CohortError) -> MediaTemplate {
        guard value.containsMedia, let media = value as? any MediaBearing else { return .json(value.jsonValue) }
        return try media.mediaTemplate(key: key, batch: &self)
    }

    /// The JSON a template stands for at `step`.
    func render(_ template: MediaTemplate, step: Int64) -> JSONValue {
        switch template {
        case .json(let value): return value
        case .file(let index): return files[index].descriptor(step: step)
        case .table(let index, let artifact):
            var object = files[index].descriptor(step: step).objectValue ?? [:]
            object["artifact_path"] = .string(tables[artifact].artifactPath)
            object["_latest_artifact_path"] = .string(tables[artifact].latestArtifactPath)
            return .object(object)
        case .fileWith(let index, let members):
            var object = files[index].descriptor(step: step).objectValue ?? [:]
            for (name, member) in members { object[name] = render(member, step: step) }
            return .object(object)
        case .object(let members): return .object(members.mapValues { render($0, step: step) })
        case .array(let elements): return .array(elements.map { render($0, step: step) })
        case .imageList(let fields, let indices):
            var object = fields
            object["_type"] = .string("images/separated")
            object["filenames"] = .array(indices.map { .string(files[$0].path(step: step)) })
            return .object(object)
        case .descriptorList(let fields, let member, let indices, let folder):
            var object = fields
            object[member] = .array(indices.map { files[$0].descriptor(step: step) })
            if let folder {
                object["filenames"] = .array(indices.map { .string(String(files[$0].path(step: step).dropFirst(folder.count + 1))) })
            }
            return .object(object)
        }
    }

    /// Writes every file for `step` under `filesDirectory` (each through a temporary file and a
    /// rename); on failure removes what it wrote and throws. Returns the written paths and sizes.
    func write(step: Int64, into filesDirectory: String, key: String) throws(CohortError) -> [(path: String, size: Int)] {
        var written: [(path: String, size: Int)] = []
        var seen: Set<String> = []
        for file in files {
            let path = file.path(step: step)
            guard seen.insert(path).inserted else { continue }
            do {
                try Self.place(file.bytes, at: filesDirectory + "/" + path)
                written.append((path, file.bytes.count))
            } catch {
                for done in written { unlink(filesDirectory + "/" + done.path) }
                throw CohortError(.storage, "log: the media of \"\(key)\" could not be written to \(path): \(error); nothing was logged for this call")
            }
        }
        return written
    }

    /// Writes `bytes` at `target` through a temporary file and a rename, creating the folders.
    static func place(_ bytes: [UInt8], at target: String) throws {
        let directory = String(target[..<(target.lastIndex(of: "/") ?? target.startIndex)])
        if access(directory, F_OK) != 0 {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let temporary = target + ".cohort-tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CohortError.storage(String(cString: strerror(errno))) }
        var written = 0
        let failure: Int32? = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }  // nothing to write
            while written < buffer.count {
                let result = Glibc.write(descriptor, base + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return nil
        }
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw CohortError.storage(String(cString: strerror(failure)))
        }
        guard rename(temporary, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CohortError.storage(reason)
        }
    }
}

extension NestedLog: MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        var members: [String: MediaTemplate] = [:]
        for (member, value) in items { members[member] = try batch.template(of: value, key: member) }
        return .object(members)
    }
}

extension Dictionary: MediaBearing where Key == String, Value: Loggable {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        var members: [String: MediaTemplate] = [:]
        for (member, value) in self { members[member] = try batch.template(of: value, key: member) }
        return .object(members)
    }
}

extension Optional: MediaBearing where Wrapped: Loggable {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        guard let self else { return .json(.null) }
        return try batch.template(of: self, key: key)
    }
}

extension ContiguousArray: MediaBearing where Element: Loggable {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        try Array(self).mediaTemplate(key: key, batch: &batch)
    }
}

extension Array: MediaBearing where Element: Loggable {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        if let images = self as? [Image], !images.isEmpty { return try Image.listTemplate(images, key: key, batch: &batch) }
        if let clips = self as? [Audio], !clips.isEmpty { return try Audio.listTemplate(clips, key: key, batch: &batch) }
        if let objects = self as? [Object3D], !objects.isEmpty { return try Object3D.listTemplate(objects, key: key, batch: &batch) }
        if let pages = self as? [Html], !pages.isEmpty { return try Html.listTemplate(pages, key: key, batch: &batch) }
        if let videos = self as? [Video], !videos.isEmpty { return try Video.listTemplate(videos, key: key, batch: &batch) }
        var elements: [MediaTemplate] = []
        elements.reserveCapacity(count)
        for element in self { elements.append(try batch.template(of: element, key: key)) }
        return .array(elements)
    }
}
