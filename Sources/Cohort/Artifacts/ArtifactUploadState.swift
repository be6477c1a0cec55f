import CohortModel
import CohortTransport
import Foundation

/// How far the upload of one artifact version got: the pending version, its planned `PUT`s (whole
/// files and multipart parts, with the URLs the server handed out) and which of them the server
/// accepted. The uploader saves it beside the journal after every accepted `PUT`, so a sender that
/// starts again (after a crash, a deadline, or at `cohort sync`) sends only what is missing.
struct ArtifactUploadState: Sendable, Equatable {
    /// One `PUT`: a whole file, or one part of a multipart file.
    struct Job: Sendable, Equatable {
        var file: Int
        var part: Int?
        var offset: Int64
        var length: Int64
        var url: String
        var headers: [HTTPHeader]
    }

    /// A file going up in parts.
    struct Multipart: Sendable, Equatable {
        var birthArtifactID: String
        var storagePath: String
        var uploadID: String
        var parts: Int
    }

    /// The record's digest (a state of another version is ignored).
    var digest: String
    var artifactID: String
    var baseArtifactID: String?
    /// The entries, with the birth artifact ids the server gave.
    var entries: [ArtifactManifestEntry]
    var jobs: [Job]
    var multipart: [Int: Multipart]
    /// Indexes of the jobs the server accepted, with the part's ETag ("" for a whole file).
    var accepted: [Int: String] = [:]

    /// Where the state of a run's artifact upload is kept.
    static func path(runDirectory: String) -> String { runDirectory + "/cohort-artifact-upload.json" }

    var json: JSONValue {
        [
            "digest": .string(digest), "artifact_id": .string(artifactID), "base_artifact_id": baseArtifactID.map(JSONValue.string) ?? .null,
            "entries": .array(entries.map { ["path": .string($0.path), "entry": $0.json(includeLocalPath: true)] }),
            "jobs": .array(jobs.map { job -> JSONValue in
                [
                    "file": .int(Int64(job.file)), "part": job.part.map { .int(Int64($0)) } ?? .null, "offset": .int(job.offset),
                    "length": .int(job.length), "url": .string(job.url),
                    "headers": .array(job.headers.map { .string($0.name + ":" + $0.value) }),
                ]
            }),
            "multipart": .array(multipart.map { index, file -> JSONValue in
                [
                    "file": .int(Int64(index)), "birth_artifact_id": .string(file.birthArtifactID), "storage_path": .string(file.storagePath),
                    "upload_id": .string(file.uploadID), "parts": .int(Int64(file.parts)),
                ]
            }),
            "accepted": .object(Dictionary(accepted.map { (String($0.key), JSONValue.string($0.value)) }, uniquingKeysWith: { $1 })),
        ]
    }

    init(digest: String, artifactID: String, baseArtifactID: String?, entries: [ArtifactManifestEntry], jobs: [Job], multipart: [Int: Multipart]) {
        self.digest = digest
        self.artifactID = artifactID
        self.baseArtifactID = baseArtifactID
        self.entries = entries
        self.jobs = jobs
        self.multipart = multipart
    }

    /// Reads a state written by `json`; `nil` when anything is missing.
    init?(json: JSONValue) {
        guard let digest = json["digest"]?.stringValue, let artifactID = json["artifact_id"]?.stringValue,
              let entries = json["entries"]?.arrayValue, let jobs = json["jobs"]?.arrayValue, let multipart = json["multipart"]?.arrayValue
        else { return nil }
        self.digest = digest
        self.artifactID = artifactID
        baseArtifactID = json["base_artifact_id"]?.stringValue
        self.entries = entries.compactMap { entry in
            entry["path"]?.stringValue.flatMap { path in entry["entry"].flatMap { ArtifactManifestEntry(path: path, json: $0) } }
        }
        self.jobs = jobs.compactMap { job -> Job? in
            guard let file = job["file"]?.intValue, let offset = job["offset"]?.intValue, let length = job["length"]?.intValue,
                  let url = job["url"]?.stringValue
            else { return nil }
            let headers = (job["headers"]?.arrayValue ?? []).compactMap(\.stringValue).compactMap { line -> HTTPHeader? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...]))
            }
            return Job(file: Int(file), part: job["part"]?.intValue.map(Int.init), offset: offset, length: length, url: url, headers: headers)
        }
        var files: [Int: Multipart] = [:]
        for file in multipart {
            guard let index = file["file"]?.intValue, let birth = file["birth_artifact_id"]?.stringValue,
                  let storagePath = file["storage_path"]?.stringValue, let uploadID = file["upload_id"]?.stringValue,
                  let parts = file["parts"]?.intValue
            else { return nil }
            files[Int(index)] = Multipart(birthArtifactID: birth, storagePath: storagePath, uploadID: uploadID, parts: Int(parts))
        }
        self.multipart = files
        for (key, value) in json["accepted"]?.objectValue ?? [:] {
            if let index = Int(key), let eTag = value.stringValue { accepted[index] = eTag }
        }
        guard self.entries.count == entries.count, self.jobs.count == jobs.count else { return nil }
    }

    /// The saved state at `path` for the version with `digest`, if any.
    static func load(_ path: String, digest: String) -> ArtifactUploadState? {
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONParser.parse([UInt8](data)),  // an unreadable state only means uploading from the start
              let state = ArtifactUploadState(json: json), state.digest == digest
        else { return nil }
        return state
    }

    func save(_ path: String) {
        try? AtomicFile.write(JSONWriter.bytes(json), to: path)  // not fatal: a lost state means sending again
    }

    static func clear(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)  // a missing file is already clear
    }
}
