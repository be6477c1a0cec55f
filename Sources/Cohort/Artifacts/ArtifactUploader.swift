import CohortModel
import CohortTransport
import Foundation
import Logging

/// Uploads one artifact version the way W&B's client does (`wandb-protocol.md` §2.5, §5.3, §5.4):
/// `CreateArtifact` (a `COMMITTED` answer means the collection has this digest: stop),
/// `CreateArtifactManifest` (reserve), `CreateArtifactFiles`, a `PUT` per file the server does not
/// have yet (a null upload URL is skipped), multipart for large files, the manifest, `CommitArtifact`.
///
/// Files of at least `multipartThreshold` bytes go up in parts of `partBytes`, in parallel with the
/// other uploads; each part is retried on its own, then `CompleteMultipartUploadArtifact` joins them.
/// Not resumable inside a version: a crash mid-upload starts the version's uploads again (files the
/// server already stored are skipped by its per-file de-duplication).
struct ArtifactUploader: Sendable {
    /// How artifacts are uploaded (`Settings.artifact*` give the values).
    struct Configuration: Sendable, Equatable {
        /// Files of at least this many bytes go up in parts. Default 2 GiB (W&B's threshold).
        var multipartThreshold: Int64 = 2 << 30
        /// The size of each part; the last holds the rest. Default 100 MiB (W&B's).
        var partBytes: Int64 = 100 << 20
        /// The most `PUT`s (files or parts) at once. Default 8.
        var parallelUploads = 8
        /// How often one part is tried when the transport gave up on it. Default 3.
        var partAttempts = 3
        /// Files per `CreateArtifactFiles` call. Default 1000.
        var filesPerBatch = 1000
    }

    let client: WandbAPIClient
    let configuration: Configuration
    let logger: Logger

    /// One upload: a whole file, or one part of a multipart file.
    private struct Job: Sendable {
        var file: Int
        var region: FileRegion?
        var part: Int?
        var url: String
        var headers: [HTTPHeader]
    }

    /// Uploads and commits `artifact` for `run` in `entity`.
    func upload(_ artifact: ArtifactRecord, entity: String, run: RunUpsert) async throws(CohortError) {
        try Artifact.validate(name: artifact.name, type: artifact.type)
        guard !artifact.entries.isEmpty else { throw .invalid("the artifact record of \(artifact.name) holds no entries") }
        let files = artifact.entries.enumerated().filter { $0.element.localPath != nil && $0.element.ref == nil }.map(\.offset)
        for index in files { try Self.check(artifact.entries[index]) }
        do {
            try await uploadChecked(artifact, files: files, entity: entity, run: run)
        } catch let error as WandbAPIError {
            throw Self.cohortError(error)
        } catch {
            throw error as? CohortError ?? CohortError(.server, "\(error)")
        }
    }

    private func uploadChecked(_ artifact: ArtifactRecord, files: [Int], entity: String, run: RunUpsert) async throws {
        let created = try await client.createArtifact(
            ArtifactCreation(
                entity: entity, project: run.project, type: artifact.type, collection: artifact.name, runID: run.runID,
                digest: artifact.digest, description: artifact.description, metadata: artifact.metadata, aliases: artifact.aliases))
        guard created.state == .pending else {
            logger.info("artifact: the collection already has this content; nothing uploaded", metadata: ["artifact.name": "\(artifact.name)"])
            return
        }
        let reserved = try await client.createArtifactManifest(
            artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: entity, project: run.project, run: run.runID,
            digest: "", includeUpload: false)
        var entries = artifact.entries
        var jobs: [Job] = []
        var multipart: [Int: (upload: ArtifactFileUpload, parts: Int)] = [:]
        for batch in stride(from: 0, to: files.count, by: configuration.filesPerBatch).map({ Array(files[$0..<min($0 + configuration.filesPerBatch, files.count)]) }) {
            var specs: [ArtifactFileSpec] = []
            var regions: [Int: [FileRegion]] = [:]
            for index in batch {
                let entry = entries[index]
                var spec = ArtifactFileSpec(artifactID: created.id, manifestID: reserved.id, name: entry.path, md5: entry.digest)
                if let size = entry.size, size >= configuration.multipartThreshold, let path = entry.localPath {
                    let parts = Self.regions(path: path, size: size, partBytes: configuration.partBytes)
                    regions[index] = parts
                    spec.parts = try parts.enumerated().map { number, region in
                        ArtifactFileSpec.Part(number: number + 1, hexMD5: try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length).hex)
                    }
                }
                specs.append(spec)
            }
            let uploads = try await client.createArtifactFiles(specs)
            for (index, upload) in zip(batch, uploads) {
                entries[index].birthArtifactID = upload.birthArtifactID
                guard upload.uploadURL != nil || upload.multipart != nil else { continue }  // the server has these bytes
                if let parts = regions[index], let urls = upload.multipart {
                    multipart[index] = (upload, parts.count)
                    for (number, region) in parts.enumerated() {
                        guard let url = urls.partURLs[number + 1] else {
                            throw CohortError(.refused, "CreateArtifactFiles gave no URL for part \(number + 1) of \(entries[index].path)")
                        }
                        jobs.append(Job(file: index, region: region, part: number + 1, url: url, headers: []))
                    }
                } else if let url = upload.uploadURL {
                    jobs.append(Job(file: index, url: url, headers: upload.uploadHeaders))
                }
            }
        }
        let eTags = try await perform(jobs, entries: entries)
        for (index, file) in multipart.sorted(by: { $0.key < $1.key }) {
            let tags = eTags[index] ?? [:]
            guard tags.count == file.parts, let storagePath = file.upload.storagePath, let uploadID = file.upload.multipart?.uploadID else {
                throw CohortError(.refused, "a part of \(entries[index].path) has no ETag, or the file no storage path")
            }
            try await client.completeMultipartUpload(artifactID: file.upload.birthArtifactID, storagePath: storagePath, uploadID: uploadID, parts: tags)
        }
        let manifest = JSONWriter.bytes(Artifact.manifest(entries.map { $0.json(includeLocalPath: false) }, paths: entries.map(\.path)))
        let manifestUpload = try await client.createArtifactManifest(
            artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: entity, project: run.project, run: run.runID,
            digest: MD5.hash(manifest).base64, includeUpload: true)
        guard let manifestURL = manifestUpload.uploadURL else {
            throw CohortError(.refused, "CreateArtifactManifest gave no upload URL for the manifest")
        }
        try await client.upload(.bytes(manifest), to: manifestURL, headers: manifestUpload.uploadHeaders)
        try await client.commitArtifact(id: created.id)
        logger.info("artifact: committed", metadata: ["artifact.name": "\(artifact.name)", "artifact.files": "\(jobs.count)"])
    }

    /// Runs the uploads, at most `parallelUploads` at once; returns the parts' ETags by file.
    private func perform(_ jobs: [Job], entries: [ArtifactManifestEntry]) async throws -> [Int: [Int: String]] {
        try await withThrowingTaskGroup(of: (file: Int, part: Int?, eTag: String?).self) { group in
            var eTags: [Int: [Int: String]] = [:]
            var next = 0
            var running = 0
            while next < jobs.count || running > 0 {
                while next < jobs.count, running < configuration.parallelUploads {
                    let job = jobs[next]
                    let path = entries[job.file].localPath ?? ""
                    next += 1
                    running += 1
                    group.addTask { try await self.put(job, path: path) }
                }
                guard let result = try await group.next() else { break }
                running -= 1
                if let part = result.part, let eTag = result.eTag { eTags[result.file, default: [:]][part] = eTag }
            }
            return eTags
        }
    }

    /// One `PUT`; a part is tried up to `partAttempts` times.
    private func put(_ job: Job, path: String) async throws -> (file: Int, part: Int?, eTag: String?) {
        guard let region = job.region, let part = job.part else {
            try await client.upload(.file(path: path), to: job.url, headers: job.headers)
            return (job.file, nil, nil)
        }
        let md5 = try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length)
        var attempt = 1
        while true {
            do {
                let receipt = try await client.upload(.region(region), to: job.url, headers: [HTTPHeader("Content-MD5", md5.base64)])
                guard let eTag = receipt.eTag else { throw CohortError(.refused, "part \(part) was stored without an ETag") }
                return (job.file, part, eTag)
            } catch let error as WandbAPIError where attempt < configuration.partAttempts && Self.retryable(error) {
                attempt += 1
                logger.warning("artifact: a part failed; trying it again", metadata: ["part": "\(part)", "error": "\(error)"])
            }
        }
    }

    /// The parts of a file: `partBytes` each, the last holding the rest.
    static func regions(path: String, size: Int64, partBytes: Int64) -> [FileRegion] {
        var regions: [FileRegion] = []
        var offset: Int64 = 0
        repeat {
            regions.append(FileRegion(path: path, offset: offset, length: min(partBytes, size - offset)))
            offset += partBytes
        } while offset < size
        return regions
    }

    /// A file still has the size it had when added (its bytes are checked by the server's Content-MD5).
    static func check(_ entry: ArtifactManifestEntry) throws(CohortError) {
        guard let path = entry.localPath else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber  // nil is reported below
        guard let size, size.int64Value == entry.size else {
            throw .invalid("\(path) (\(entry.path)) is missing or changed since the artifact was logged; log the artifact again")
        }
    }

    static func retryable(_ error: WandbAPIError) -> Bool {
        switch error.kind {
        case .transport: true
        case .httpStatus: (error.status ?? 500) >= 500 || error.status == 429
        default: false
        }
    }

    /// Transient failures are `.server` (the sender tries again); refusals are `.refused`.
    static func cohortError(_ error: WandbAPIError) -> CohortError {
        switch error.kind {
        case .fileUnreadable: CohortError(.storage, "\(error)")
        case .unauthorized, .forbidden: CohortError(.unauthorized, "\(error)")
        case .graphQL, .malformedAnswer: CohortError(.refused, "\(error)")
        default: retryable(error) ? CohortError(.server, "\(error)") : CohortError(.refused, "\(error)")
        }
    }
}
