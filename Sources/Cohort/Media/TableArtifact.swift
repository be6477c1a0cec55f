import CZlib
import CohortModel
import CohortTransport
import Foundation

/// The `run_table` artifact W&B logs with every table: `run-<run id>-<key>` (sanitized as W&B
/// sanitizes artifact names), holding `<key>.table.json` — the table with its column types, cells
/// as descriptors of files inside the artifact — and those files. The table's history descriptor
/// points at it through `wandb-client-artifact://` links made of the artifact's client ids, which
/// the server maps to the version once it is created.
struct TableArtifact: Sendable {
    /// The artifact (collection) name.
    var name: String
    /// The table's entry: `<key>.table.json`.
    var entryName: String
    /// Every entry's bytes by its path in the artifact.
    let files: [String: [UInt8]]
    /// Every entry's base64 MD5 (the manifest's digests), by its path.
    let entryDigests: [String: String]
    /// W&B's manifest digest of the entries (equal tables give equal digests).
    let digest: String
    /// W&B's client id of this version, and of its sequence (for the `:latest` link).
    var clientID: String
    var sequenceClientID: String

    static let type = "run_table"

    /// The history descriptor's `artifact_path`.
    var artifactPath: String { "wandb-client-artifact://\(clientID)/\(entryName)" }
    /// The history descriptor's `_latest_artifact_path`.
    var latestArtifactPath: String { "wandb-client-artifact://\(sequenceClientID):latest/\(entryName)" }

    /// The artifact of `table` logged under `key` by run `runID`; media cells already encoded for
    /// the run file are taken from `cells`.
    init(table: Table, key: String, runID: String, cells: inout TableCellFiles) throws(CohortError) {
        name = Self.sanitizedName("run-\(runID)-\(key)")
        entryName = MediaFile.safeKey(key) + ".table.json"
        var contents = TableArtifactContents()
        let json = try contents.tableJSON(table, key: key, cells: &cells)
        contents.files[entryName] = JSONWriter.bytes(json)
        files = contents.files
        entryDigests = files.mapValues { MD5.hash($0).base64 }
        digest = ArtifactDigest.manifestDigest(entryDigests)
        clientID = Self.clientID()
        sequenceClientID = Self.clientID()
    }

    /// The manifest entries of the files staged under `folder` (see `stage(under:)`).
    func entries(stagedUnder folder: String) -> [ArtifactManifestEntry] {
        files.keys.sorted().map { path in
            ArtifactManifestEntry(
                path: path, digest: entryDigests[path] ?? "", size: Int64(files[path]?.count ?? 0), localPath: folder + "/" + path)
        }
    }

    /// Writes the files under `<root>/<digest>/` unless they are there already (the folder is named
    /// by the content, so a file there holds these bytes); returns that folder. A `log` that fails
    /// after this leaves only such content-named files behind.
    func stage(under root: String) throws(CohortError) -> String {
        let folder = root + "/" + digest
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) where access(folder + "/" + path, F_OK) != 0 {
            do {
                try MediaBatch.place(bytes, at: folder + "/" + path)
            } catch {
                throw CohortError(.storage, "log: the table artifact \(name) could not be written to \(folder)/\(path): \(error); nothing was logged for this call")
            }
        }
        return folder
    }

    /// W&B's `sanitize_artifact_name`: characters outside `[A-Za-z0-9_.-]` are dropped and, when any
    /// were, a suffix of the name's CRC-32 (big-endian, URL-safe base64 without padding) keeps
    /// different names apart.
    static func sanitizedName(_ name: String) -> String {
        let kept = String(name.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) })
        guard kept != name else { return name }
        let bytes = Array(name.utf8)
        let crc = UInt32(bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) })
        let big = [UInt8(crc >> 24), UInt8((crc >> 16) & 0xff), UInt8((crc >> 8) & 0xff), UInt8(crc & 0xff)]
        let suffix = Data(big).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "\(kept)-\(suffix)"
    }

    /// A random client id as W&B makes them: 128 lowercase letters and digits.
    static func clientID() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<128).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}

/// The files of a table artifact as they are collected: media by content-addressed path.
private struct TableArtifactContents {
    var files: [String: [UInt8]] = [:]

    /// W&B's artifact form of a table (`Table.to_json(artifact)`).
    mutating func tableJSON(_ table: Table, key: String, cells files: inout TableCellFiles) throws(CohortError) -> JSONValue {
        var rows: [JSONValue] = []
        rows.reserveCapacity(table.data.count)
        for (rowIndex, row) in table.data.enumerated() {
            var cells: [JSONValue] = []
            cells.reserveCapacity(row.count)
            for (column, cell) in row.enumerated() {
                if case .image(let image) = cell, let file = try files.file(of: cell, row: rowIndex, column: column, key: key) {
                    cells.append(try imageJSON(image, file: file, key: key))
                } else if let file = try files.file(of: cell, row: rowIndex, column: column, key: key) {
                    cells.append(add(file))
                } else {
                    cells.append(cell.plainJSON ?? .null)
                }
            }
            rows.append(.array(cells))
        }
        var typeMap: [String: JSONValue] = [:]
        for (column, type) in zip(table.columns, table.columnTypes) { typeMap[column] = type.json }
        return [
            "_type": "table", "columns": .array(table.columns.map(JSONValue.string)), "data": .array(rows),
            "ncols": .int(Int64(table.columns.count)), "nrows": .int(Int64(rows.count)), "log_mode": "IMMUTABLE",
            "column_types": ["wb_type": "typedDict", "params": ["type_map": .object(typeMap)]],
        ]
    }

    /// Adds `file` at `media/<kind>/<hash20><ext>`; returns its artifact descriptor (W&B's
    /// `Media.to_json(artifact)`: the type's fields, path and sha256, no size).
    private mutating func add(_ file: MediaFile) -> JSONValue {
        let path = "media/\(file.kind)/\(file.sha256.prefix(20))\(file.fileExtension)"
        files[path] = file.bytes
        var object = file.fields
        object["path"] = .string(path)
        object["sha256"] = .string(file.sha256)
        return .object(object)
    }

    /// An image in an artifact: boxes inline, masks as files, and W&B's `classes` file naming every
    /// class the boxes and masks label.
    private mutating func imageJSON(_ image: Image, file: MediaFile, key: String) throws(CohortError) -> JSONValue {
        var object = add(file).objectValue ?? [:]
        guard !image.boxes.isEmpty || !image.masks.isEmpty else { return .object(object) }
        var boxes: [String: JSONValue] = [:]
        var masks: [String: JSONValue] = [:]
        var classes: [Int: String] = [:]
        for layer in image.boxes.keys.sorted() {
            let set = image.boxes[layer]!
            _ = try set.mediaFile(key: key)  // checks the boxes as logging them would
            boxes[layer] = .array(set.boxes.map(\.jsonValue))
            classes.merge(set.classLabels) { _, new in new }
        }
        for layer in image.masks.keys.sorted() {
            let mask = image.masks[layer]!
            masks[layer] = add(try mask.mediaFile(key: key, width: image.width, height: image.height))
            classes.merge(mask.classLabels) { _, new in new }
        }
        if !boxes.isEmpty { object["boxes"] = .object(boxes) }
        if !masks.isEmpty { object["masks"] = .object(masks) }
        if !classes.isEmpty {
            let set: JSONValue = .array(classes.keys.sorted().map { ["id": .int(Int64($0)), "name": .string(classes[$0]!)] })
            let bytes = JSONWriter.bytes(["_type": "classes", "class_set": set])
            let md5 = MD5.hash(bytes)
            let path = "media/classes/\(md5.hex)_cls.classes.json"
            files[path] = bytes
            object["classes"] = ["type": "classes-file", "path": .string(path), "digest": .string(md5.base64)]
        }
        return .object(object)
    }
}
