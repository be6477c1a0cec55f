import CohortModel
import CohortTransport
import Foundation

/// A versioned set of files, as W&B's `Artifact`: a dataset, a model, evaluation results.
///
/// Adding a file reads it once for its MD5 (W&B's manifest digest); the file is uploaded when the run
/// sends the artifact, so it must not change until then. References (`file://`, `http(s)://`,
/// `s3://`) are only recorded: their bytes stay where they are.
///
/// ```swift
/// var data = try Artifact(name: "mnist", type: "dataset", metadata: ["rows": 60_000])
/// try data.addDirectory("/data/mnist", name: "train")
/// try data.addReference("s3://bucket/mnist/raw.tar")
/// try run.logArtifact(data, aliases: ["best"])
/// ```
public struct Artifact: Sendable, Equatable {
    /// The collection name (`[A-Za-z0-9_.-]`, at most 128 characters).
    public let name: String
    /// The artifact type (`dataset`, `model`, …).
    public let type: String
    /// A description shown with each version.
    public var description: String?
    /// Free-form metadata stored with the version.
    public var metadata: [String: JSONValue]
    /// The entries by their path inside the artifact.
    public private(set) var entries: [String: ArtifactManifestEntry] = [:]

    /// The longest artifact name or type W&B takes.
    public static let maximumNameLength = 128

    /// Creates an empty artifact.
    /// - Parameters:
    ///   - name: the collection name; letters, digits, `_`, `-` and `.`, at most 128 characters.
    ///   - type: the artifact type; no `/` or `:`, at most 128 characters.
    ///   - description: shown with each version.
    ///   - metadata: stored with the version.
    /// - Throws: `CohortError` `.invalidArgument` for a bad name or type.
    public init(name: String, type: String, description: String? = nil, metadata: [String: JSONValue] = [:]) throws(CohortError) {
        try Self.validate(name: name, type: type)
        self.name = name
        self.type = type
        self.description = description
        self.metadata = metadata
    }

    /// Adds one file (W&B's `add_file`).
    /// - Parameters:
    ///   - path: the file on disk.
    ///   - name: its path inside the artifact; default the file's name.
    /// - Throws: `CohortError` `.invalidArgument` when the file does not exist or is a directory,
    ///   `.storage` when it cannot be read.
    public mutating func addFile(_ path: String, name: String? = nil) throws(CohortError) {
        let absolute = Self.absolute(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .invalid("addFile: \(path) is not a file; pass an existing file, or use addDirectory for a directory")
        }
        let entryPath = try Self.entryPath(name ?? (absolute as NSString).lastPathComponent)
        try add(ArtifactManifestEntry(path: entryPath, digest: Self.md5(absolute).base64, size: Self.size(absolute), localPath: absolute))
    }

    /// Adds every file under a directory, recursively (W&B's `add_dir`).
    /// - Parameters:
    ///   - path: the directory on disk.
    ///   - name: a prefix for the files' paths inside the artifact; default none.
    /// - Throws: `CohortError` `.invalidArgument` when the directory does not exist, `.storage` when a
    ///   file cannot be read.
    public mutating func addDirectory(_ path: String, name: String? = nil) throws(CohortError) {
        let root = Self.absolute(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalid("addDirectory: \(path) is not a directory; pass an existing directory, or use addFile for a file")
        }
        let prefix = try name.map { (name) throws(CohortError) in try Self.entryPath(name) + "/" } ?? ""
        var added: [ArtifactManifestEntry] = []
        for relative in (FileManager.default.subpaths(atPath: root) ?? []).sorted() {
            let file = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            added.append(ArtifactManifestEntry(path: prefix + relative, digest: try Self.md5(file).base64, size: try Self.size(file), localPath: file))
        }
        for entry in added { try add(entry) }
    }

    /// Records a reference to bytes that stay where they are (W&B's `add_reference`); nothing is
    /// uploaded. A `file://` reference to a file records its MD5 and size, as W&B does; `http(s)://`
    /// and `s3://` references record the URI as their digest (W&B's `checksum=False`: no request is made).
    /// - Parameters:
    ///   - uri: `file:///abs/path`, `http(s)://…` or `s3://bucket/key`.
    ///   - name: its path inside the artifact; default the URI's last component.
    /// - Throws: `CohortError` `.invalidArgument` for another scheme, or a `file://` URI that names no file.
    public mutating func addReference(_ uri: String, name: String? = nil) throws(CohortError) {
        guard let scheme = uri.split(separator: ":", maxSplits: 1).first.map({ $0.lowercased() }),
              ["file", "http", "https", "s3"].contains(scheme), uri.contains("://")
        else { throw .invalid("addReference: \(uri) is not a file://, http(s):// or s3:// URI") }
        let last = uri.split(separator: "/").last.map(String.init) ?? uri
        let entryPath = try Self.entryPath(name ?? last)
        if scheme == "file" {
            let path = String(uri.dropFirst("file://".count))
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw .invalid("addReference: \(uri) names no file; a file:// reference must name an existing file")
            }
            try add(ArtifactManifestEntry(path: entryPath, digest: Self.md5(path).base64, size: Self.size(path), ref: uri))
        } else {
            try add(ArtifactManifestEntry(path: entryPath, digest: uri, ref: uri))
        }
    }

    /// The digest W&B computes for the manifest (`CreateArtifact.digest`): the hex MD5 of
    /// `wandb-artifact-manifest-v1\n` and `<path>:<digest>\n` for each entry, sorted by path.
    public var digest: String { ArtifactDigest.manifestDigest(entries.mapValues(\.digest)) }

    /// The total size of the entries that have one.
    public var size: Int64 { entries.values.reduce(0) { $0 + ($1.size ?? 0) } }

    /// The manifest as W&B writes `wandb_manifest.json` (without birth artifact ids, which the
    /// server assigns at upload, and without local paths).
    public var manifest: JSONValue { Self.manifest(entries.values.map { $0.json(includeLocalPath: false) }, paths: entries.values.map(\.path)) }

    /// A manifest JSON (version 1, `wandb-storage-policy-v1`, storage layout V2) of these entries.
    static func manifest(_ contents: [JSONValue], paths: [String]) -> JSONValue {
        [
            "version": 1, "storagePolicy": "wandb-storage-policy-v1", "storagePolicyConfig": ["storageLayout": "V2"],
            "contents": .object(Dictionary(zip(paths, contents), uniquingKeysWith: { $1 })),
        ]
    }

    private mutating func add(_ entry: ArtifactManifestEntry) throws(CohortError) {
        if let existing = entries[entry.path], existing.digest != entry.digest || existing.ref != entry.ref {
            throw .invalid("the artifact already holds a different \(entry.path); give the new entry another name")
        }
        entries[entry.path] = entry
    }
}

extension Artifact {
    /// Checks a name and type as W&B does (and a little stricter for names, so `name:alias` parses).
    static func validate(name: String, type: String) throws(CohortError) {
        guard !name.isEmpty, name.count <= maximumNameLength,
              name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) })
        else {
            throw .invalid("the artifact name \"\(name)\" is not valid: use 1 to 128 letters, digits, '_', '-' or '.'")
        }
        guard !type.isEmpty, type.count <= maximumNameLength, !type.contains("/"), !type.contains(":") else {
            throw .invalid("the artifact type \"\(type)\" is not valid: use 1 to 128 characters without '/' or ':'")
        }
    }

    /// Checks aliases as W&B does: not empty, no `/` or `:`.
    static func validate(aliases: [String]) throws(CohortError) {
        for alias in aliases where alias.isEmpty || alias.contains("/") || alias.contains(":") || alias.count > maximumNameLength {
            throw .invalid("the alias \"\(alias)\" is not valid: use 1 to 128 characters without '/' or ':'")
        }
    }

    /// A path inside the artifact: relative, `/`-separated, without `.` or `..` parts.
    static func entryPath(_ name: String) throws(CohortError) -> String {
        let parts = name.split(separator: "/", omittingEmptySubsequences: true)
        guard !parts.isEmpty, !parts.contains(where: { $0 == "." || $0 == ".." }) else {
            throw .invalid("\"\(name)\" is not a path inside an artifact: use a relative path without '.' or '..' parts")
        }
        return parts.joined(separator: "/")
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return (full as NSString).standardizingPath
    }

    static func md5(_ path: String) throws(CohortError) -> MD5.Digest {
        do {
            return try ArtifactDigest.md5(ofFile: path)
        } catch {
            throw .storage("cannot read \(path) to compute its checksum: \(error)")
        }
    }

    static func size(_ path: String) throws(CohortError) -> Int64 {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {  // nil is reported below
            throw .storage("cannot read the size of \(path)")
        }
        return size.int64Value
    }
}
