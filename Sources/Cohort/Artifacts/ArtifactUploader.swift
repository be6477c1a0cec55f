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
/// With a state path, progress is saved after every accepted `PUT` (`ArtifactUploadState`): an upload
/// that is interrupted (crash, deadline) resumes with the same pending version and sends only the
/// files and parts the server has not accepted.
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
    /// Told how far the `PUT`s have come (`Settings.onArtifactProgress`).
    var onProgress: (@Sendable (ArtifactTransferProgress) -> Void)? = nil

    typealias Job = ArtifactUploadState.Job

    /// Uploads and commits `artifact` for `run` in `entity`.
    /// - Parameter statePath: where to keep the upload's progress, so a later attempt resumes it
    ///   (`nil`: start from the beginning each time).
    func upload(_ artifact: ArtifactRecord, entity: String, run: RunUpsert, statePath: String? = nil) async throws(CohortError) {
        try Artifact.validate(name: artifact.name, type: artifact.type)
        guard !artifact.entries.isEmpty else { throw .invalid("the artifact record of \(artifact.name) holds no entries") }
        let files = artifact.entries.enumerated().filter { $0.element.localPath != nil && $0.element.ref == nil }.map(\.offset)
        for index in files { try Self.check(artifact.entries[index]) }
        let saved = statePath.flatMap { ArtifactUploadState.load($0, digest: artifact.digest) }
        do {
            var state: ArtifactUploadState
            if let saved {
                logger.info("artifact: resuming an interrupted upload", metadata: ["artifact.name": "\(artifact.name)", "accepted": "\(saved.accepted.count)"])
                state = saved
            } else {
                guard let planned = try await plan(artifact, files: files, entity: entity, run: run) else { return }
                state = planned
            }
            if let statePath { state.save(statePath) }
            try await finish(&state, artifact: artifact, entity: entity, run: run, statePath: statePath)
            if let statePath { ArtifactUploadState.clear(statePath) }
        } catch {
            let failure = error as? CohortError ?? (error as? WandbAPIError).map(Self.cohortError) ?? CohortError(.server, "\(error)")
            // A refused resume (expired URLs, a version gone) starts again from the beginning next time.
            if saved != nil, failure.code != .server, let statePath { ArtifactUploadState.clear(statePath) }
            // (An expired signed URL answers 403: that too is worth a fresh attempt.)
            throw saved != nil && [.refused, .unauthorized].contains(failure.code) ? CohortError(.server, failure.message) : failure
        }
    }

    /// `CreateArtifact`, the reserved manifest and `CreateArtifactFiles`: the `PUT`s to make, or
    /// `nil` when the collection already has this content.
    private func plan(_ artifact: ArtifactRecord, files: [Int], entity: String, run: RunUpsert) async throws -> ArtifactUploadState? {
        let created = try await client.createArtifact(
            ArtifactCreation(
                entity: entity, project: run.project, type: artifact.type, collection: artifact.name, runID: run.runID,
                digest: artifact.digest, description: artifact.description, metadata: artifact.metadata, aliases: artifact.aliases,
                clientID: artifact.clientID, sequenceClientID: artifact.sequenceClientID))
        guard created.state == .pending else {
            logger.info("artifact: the collection already has this content; nothing uploaded", metadata: ["artifact.name": "\(artifact.name)"])
            return nil
        }
        let reserved = try await client.createArtifactManifest(
            artifactID: created.id, baseArtifactID: created.latestArtifactID, entity: entity, project: run.project, run: run.runID,
            digest: "", includeUpload: false)
        var state = ArtifactUploadState(
            digest: artifact.digest, artifactID: created.id, baseArtifactID: created.latestArtifactID, entries: artifact.entries, jobs: [],
            multipart: [:])
        for batch in stride(from: 0, to: files.count, by: configuration.filesPerBatch).map({ Array(files[$0..<min($0 + configuration.filesPerBatch, files.count)]) }) {
            var specs: [ArtifactFileSpec] = []
            var regions: [Int: [FileRegion]] = [:]
            var partMD5s: [Int: [MD5.Digest]] = [:]  // hashed once: for the request and each part's Content-MD5
            for index in batch {
                let entry = state.entries[index]
                var spec = ArtifactFileSpec(artifactID: created.id, manifestID: reserved.id, name: entry.path, md5: entry.digest)
                if let size = entry.size, size >= configuration.multipartThreshold, let path = entry.localPath {
                    let parts = Self.regions(path: path, size: size, partBytes: configuration.partBytes)
                    regions[index] = parts
                    let digests = try await OffPool.run { () throws(WandbAPIError) -> [MD5.Digest] in
                        try parts.map { region throws(WandbAPIError) in try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length) }
                    }
                    partMD5s[index] = digests
                    spec.parts = digests.enumerated().map { ArtifactFileSpec.Part(number: $0.offset + 1, hexMD5: $0.element.hex) }
                }
                specs.append(spec)
            }
            let uploads = try await client.createArtifactFiles(specs)
            for (index, upload) in zip(batch, uploads) {
                state.entries[index].birthArtifactID = upload.birthArtifactID
                if let parts = regions[index], let urls = upload.multipart {
                    guard let storagePath = upload.storagePath else {
                        throw CohortError(.refused, "CreateArtifactFiles gave no storage path for \(state.entries[index].path)")
                    }
                    state.multipart[index] = .init(
                        birthArtifactID: upload.birthArtifactID, storagePath: storagePath, uploadID: urls.uploadID, parts: parts.count)
                    for (number, region) in parts.enumerated() {
                        guard let url = urls.partURLs[number + 1] else {
                            throw CohortError(.refused, "CreateArtifactFiles gave no URL for part \(number + 1) of \(state.entries[index].path)")
                        }
                        let contentMD5 = partMD5s[index].map { [HTTPHeader("Content-MD5", $0[number].base64)] } ?? []
                        state.jobs.append(Job(file: index, part: number + 1, offset: region.offset, length: region.length, url: url, headers: contentMD5))
                    }
                } else if let url = upload.uploadURL {  // no URL: the server has these bytes
                    state.jobs.append(Job(file: index, part: nil, offset: 0, length: state.entries[index].size ?? 0, url: url, headers: upload.uploadHeaders))
                }
            }
        }
        return state
    }

    /// The `PUT`s not accepted yet, the multipart completions, the manifest and the commit.
    private func finish(_ state: inout ArtifactUploadState, artifact: ArtifactRecord, entity: String, run: RunUpsert, statePath: String?) async throws {
        try await perform(&state, statePath: statePath, artifact: artifact.name)
        for (index, file) in state.multipart.sorted(by: { $0.key < $1.key }) {
            var tags: [Int: String] = [:]
            for (job, eTag) in state.accepted where state.jobs[job].file == index { tags[state.jobs[job].part ?? 0] = eTag }
            guard tags.count == file.parts else { throw CohortError(.refused, "a part of \(state.entries[index].path) has no ETag") }
            try await client.completeMultipartUpload(artifactID: file.birthArtifactID, storagePath: file.storagePath, uploadID: file.uploadID, parts: tags)
        }
        let manifest = JSONWriter.bytes(Artifact.manifest(state.entries.map { $0.json(includeLocalPath: false) }, paths: state.entries.map(\.path)))
        let manifestUpload = try await client.createArtifactManifest(
            artifactID: state.artifactID, baseArtifactID: state.baseArtifactID, entity: entity, project: run.project, run: run.runID,
            digest: MD5.hash(manifest).base64, includeUpload: true)
        guard let manifestURL = manifestUpload.uploadURL else {
            throw CohortError(.refused, "CreateArtifactManifest gave no upload URL for the manifest")
        }
        try await client.upload(.bytes(manifest), to: manifestURL, headers: manifestUpload.uploadHeaders)
        try await client.commitArtifact(id: state.artifactID)
        logger.info("artifact: committed", metadata: ["artifact.name": "\(artifact.name)", "artifact.puts": "\(state.jobs.count)"])
    }

    /// Runs the `PUT`s the server has not accepted, at most `parallelUploads` at once, saving the
    /// state after each one it accepts.
    private func perform(_ state: inout ArtifactUploadState, statePath: String?, artifact: String) async throws {
        let pending = state.jobs.indices.filter { state.accepted[$0] == nil }
        let jobs = state.jobs
        let entries = state.entries
        let meter = onProgress.map { report in
            let accepted = jobs.indices.filter { !pending.contains($0) }
            return TransferMeter(
                artifact: artifact, direction: .upload, bytesTotal: jobs.reduce(0) { $0 + $1.length }, filesTotal: jobs.count,
                alreadyDone: (accepted.reduce(0) { $0 + jobs[$1].length }, accepted.count), report: report)
        }
        meter?.announce()
        try await withThrowingTaskGroup(of: (job: Int, eTag: String).self) { group in
            var next = 0
            var running = 0
            while next < pending.count || running > 0 {
                while next < pending.count, running < configuration.parallelUploads {
                    try Task.checkCancellation()  // a deadline passed: the state says what is left
                    let index = pending[next]
                    let path = entries[jobs[index].file].localPath ?? ""
                    next += 1
                    running += 1
                    group.addTask {
                        let progress = meter.map { meter in { @Sendable (bytes: Int64) in meter.moved(bytes, slot: index) } }
                        return (index, try await self.put(jobs[index], path: path, progress: progress))
                    }
                }
                guard let result = try await group.next() else { break }
                running -= 1
                meter?.finished(slot: result.job, bytes: jobs[result.job].length)
                state.accepted[result.job] = result.eTag
                if let statePath { state.save(statePath) }
            }
        }
    }

    /// One `PUT`; a part is tried up to `partAttempts` times. Returns the part's ETag ("" for a file).
    private func put(_ job: Job, path: String, progress: (@Sendable (Int64) -> Void)?) async throws -> String {
        guard let part = job.part else {
            try await client.upload(.file(path: path), to: job.url, headers: job.headers, progress: progress)
            return ""
        }
        let region = FileRegion(path: path, offset: job.offset, length: job.length)
        var headers = job.headers
        if headers.isEmpty {
            let md5 = try await OffPool.run { () throws(WandbAPIError) in try ArtifactDigest.md5(ofFile: path, offset: region.offset, length: region.length) }
            headers = [HTTPHeader("Content-MD5", md5.base64)]
        }
        var attempt = 1
        while true {
            do {
                let receipt = try await client.upload(.region(region), to: job.url, headers: headers, progress: progress)
                guard let eTag = receipt.eTag else { throw CohortError(.refused, "part \(part) was stored without an ETag") }
                return eTag
            } catch let error as WandbAPIError
                where attempt < configuration.partAttempts && Self.retryable(error) && error.transportError?.kind != .cancelled
                && !Task.isCancelled {  // cancelled (a deadline): stop now; the upload stays resumable
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
