import CohortModel
import CohortTransport
import Foundation

/// A committed artifact version read from the server, as returned by `run.useArtifact`.
///
/// `download(to:)` fetches the manifest and the files into the local cache (by MD5, so a file that
/// is already there is not fetched again), checks each file's MD5 and copies the files into a
/// directory. Download before `finish`: the run's connection closes then.
public struct UsedArtifact: Sendable {
    /// The version's id on the server.
    public let id: String
    /// The collection name.
    public let name: String
    /// The artifact type.
    public let type: String?
    /// `vN`.
    public let version: String
    /// The manifest digest.
    public let digest: String
    /// The version's aliases (`latest`, `v0`, user aliases).
    public let aliases: [String]
    /// The entity and project the artifact is in.
    public let entity: String
    public let project: String

    let client: WandbAPIClient
    let manifestURL: String?
    let cache: ArtifactCache

    /// Resolves `name` (`[entity/][project/]collection[:alias]`) to a committed version.
    static func resolve(
        _ name: String, entity: String, project: String, client: WandbAPIClient, cacheDirectory: String
    ) async throws(CohortError) -> UsedArtifact {
        var parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let last = parts.removeLast()
        let artifactProject = parts.popLast() ?? project
        let artifactEntity = parts.popLast() ?? entity
        guard parts.isEmpty, !last.isEmpty else { throw .invalid("\"\(name)\" is not an artifact name: use name:alias, project/name:alias or entity/project/name:alias") }
        let (collection, alias) = last.contains(":")
            ? (String(last[..<last.lastIndex(of: ":")!]), String(last[last.index(after: last.lastIndex(of: ":")!)...]))  // contains(":") checked
            : (last, "latest")
        try Artifact.validate(name: collection, type: "any")
        let found: ArtifactVersion?
        do {
            found = try await client.artifact(entity: artifactEntity, project: artifactProject, name: "\(collection):\(alias)")
        } catch {
            throw ArtifactUploader.cohortError(error)
        }
        guard let version = found, version.state == .committed, let index = version.versionIndex else {
            throw CohortError(.artifactNotFound, "no committed artifact \(collection):\(alias) in \(artifactEntity)/\(artifactProject); check the name and alias")
        }
        return UsedArtifact(
            id: version.id, name: collection, type: version.type, version: "v\(index)", digest: version.digest, aliases: version.aliases,
            entity: artifactEntity, project: artifactProject, client: client, manifestURL: version.manifestURL,
            cache: ArtifactCache(directory: cacheDirectory))
    }

    /// The version's manifest entries by path.
    /// - Throws: `CohortError` `.server` when the manifest cannot be fetched.
    public func entries() async throws(CohortError) -> [String: ArtifactManifestEntry] {
        guard let manifestURL else { throw CohortError(.refused, "the server gives no manifest URL for \(name):\(version)") }
        let manifest: JSONValue
        do {
            manifest = try await client.downloadManifest(from: manifestURL)
        } catch {
            throw ArtifactUploader.cohortError(error)
        }
        var entries: [String: ArtifactManifestEntry] = [:]
        for (path, json) in manifest["contents"]?.objectValue ?? [:] {
            entries[path] = ArtifactManifestEntry(path: path, json: json)
        }
        return entries
    }

    /// Downloads the version's files into `root` (default `./artifacts/<name>:<version>`), through
    /// the cache; returns `root`. `file://` references are copied from where they point and
    /// `http(s)://` references fetched from there (without the API key, not cached); `s3://`
    /// references are not fetched.
    /// - Parameters:
    ///   - root: the destination directory; created when missing; files in it are replaced.
    ///   - skipCache: fetch every file straight into `root` (checked as it arrives) without reading
    ///     or filling the cache, as W&B's `download(skip_cache=True)`: one write per file instead of
    ///     two, for files read once.
    ///   - progress: told how far the download has come: at most every 100 ms while bytes arrive,
    ///     after each file, and once at the start (cached files count as done when reached).
    /// - Throws: `CohortError` `.checksumMismatch` when a file arrives different from the manifest
    ///   (the copy is not kept), `.server` when the server cannot be reached, `.storage` for local
    ///   write failures.
    @discardableResult
    public func download(
        to root: String? = nil, skipCache: Bool = false, progress: (@Sendable (ArtifactTransferProgress) -> Void)? = nil
    ) async throws(CohortError) -> String {
        let destination = Artifact.absolute(root ?? "artifacts/\(name):\(version)")
        let entries = try await entries()
        let urls: [String: String]
        do {
            urls = try await client.artifactFileURLs(entity: entity, project: project, collection: name, alias: version)
        } catch {
            throw ArtifactUploader.cohortError(error)
        }
        let files = entries.values.sorted { $0.path < $1.path }
        let meter = progress.map { report in
            TransferMeter(
                artifact: "\(name):\(version)", direction: .download, bytesTotal: files.reduce(0) { $0 + ($1.size ?? 0) },
                filesTotal: files.count, report: report)
        }
        meter?.announce()
        do {
            try await withThrowingTaskGroup(of: Int.self) { group in
                var running = 0
                var next = 0
                while next < files.count || running > 0 {
                    while next < files.count, running < 8 {
                        let (slot, entry) = (next, files[next])
                        next += 1
                        running += 1
                        group.addTask {
                            let moved = meter.map { meter in { @Sendable (bytes: Int64) in meter.moved(bytes, slot: slot) } }
                            try await self.fetch(entry, url: urls[entry.path], into: destination, skipCache: skipCache, progress: moved)
                            return slot
                        }
                    }
                    guard let slot = try await group.next() else { break }
                    running -= 1
                    meter?.finished(slot: slot, bytes: files[slot].size ?? 0)
                }
            }
        } catch {
            throw error as? CohortError ?? CohortError(.storage, "\(error)")
        }
        return destination
    }

    /// One entry: from the cache, or fetched into it and checked, then copied to the destination.
    private func fetch(
        _ entry: ArtifactManifestEntry, url: String?, into root: String, skipCache: Bool, progress: (@Sendable (Int64) -> Void)?
    ) async throws(CohortError) {
        let target = root + "/" + (try Artifact.entryPath(entry.path))
        if let ref = entry.ref {
            if ref.hasPrefix("file://") {
                let source = String(ref.dropFirst("file://".count))
                try await OffPool.run { () throws(CohortError) in try ArtifactCache.copy(source, to: target) }
            } else if ref.lowercased().hasPrefix("http://") || ref.lowercased().hasPrefix("https://") {
                try await fetchReference(ref, to: target, progress: progress)
            }  // s3:// stays remote: fetching it needs S3 credentials Cohort does not hold
            return
        }
        if !skipCache, let cached = cache.file(md5: entry.digest, size: entry.size) {
            try await OffPool.run { () throws(CohortError) in try ArtifactCache.copy(cached, to: target) }
            return
        }
        guard let url else { throw CohortError(.refused, "the server gives no download URL for \(entry.path) of \(name):\(version)") }
        let temporary = skipCache ? try Self.partialPath(for: target) : try cache.temporaryPath()
        // The MD5 check, and the copy out of the cache, run behind the download as its bytes arrive.
        let copy = skipCache ? nil : try Self.partialPath(for: target)
        let hasher = GrowingFileHasher(path: temporary, copyPath: copy)
        let reading = Task { try await OffPool.run { () throws(CohortError) in try hasher.run() } }
        func discard() {
            for path in [temporary, copy].compactMap({ $0 }) { try? FileManager.default.removeItem(atPath: path) }
        }
        do {
            _ = try await client.download(from: url, to: temporary, progress: progress)
        } catch {
            hasher.finish()
            _ = try? await reading.value
            discard()  // a partial download is useless
            throw ArtifactUploader.cohortError(error)
        }
        hasher.finish()
        let measured: String
        do {
            measured = try await reading.value.md5.base64
        } catch {
            discard()
            throw error as? CohortError ?? CohortError(.storage, "\(error)")
        }
        let (cache, digest, what) = (self.cache, entry.digest, "\(entry.path) of \(name):\(version)")
        try await OffPool.run { () throws(CohortError) in
            guard let copy else {
                try ArtifactCache.verify(temporary, md5: digest, measured: measured, what: what)
                try Self.replace(target, with: temporary)
                return
            }
            do throws(CohortError) {
                _ = try cache.insert(temporary, md5: digest, measured: measured, what: what)
            } catch {
                try? FileManager.default.removeItem(atPath: copy)  // the copy of a refused file
                throw error
            }
            try Self.replace(target, with: copy)
        }
    }

    /// An `http(s)://` reference, fetched from where it points (no API key is sent there) into
    /// `target`. Recorded as W&B's `checksum=False` references are, with the URL as digest, so there
    /// is nothing to check it against; it is not cached.
    private func fetchReference(_ ref: String, to target: String, progress: (@Sendable (Int64) -> Void)?) async throws(CohortError) {
        let partial = try Self.partialPath(for: target)
        do {
            _ = try await client.download(from: ref, to: partial, progress: progress)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)  // a partial download is useless
            throw ArtifactUploader.cohortError(error)
        }
        try Self.replace(target, with: partial)
    }

    /// A hidden path beside `target` to download into (its directory is created).
    private static func partialPath(for target: String) throws(CohortError) -> String {
        let directory = (target as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create \(directory): \(error)")
        }
        return directory + "/." + (target as NSString).lastPathComponent + ".cohort-" + UUID().uuidString
    }

    /// Moves a checked download onto `target`, replacing what is there.
    private static func replace(_ target: String, with downloaded: String) throws(CohortError) {
        if rename(downloaded, target) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: downloaded)  // nothing else will clean it up
            throw .storage("cannot move the download into \(target): \(reason)")
        }
    }
}

extension UsedArtifact {
    /// Downloads a version without a run, as `cohort artifact get` does (W&B's
    /// `wandb.Api().artifact(name).download()`): nothing is recorded as a use.
    /// - Parameters:
    ///   - name: `[entity/][project/]name[:alias]`; the project defaults to `settings.project`, the
    ///     entity to `settings.entity` or the key's.
    ///   - root: the destination (default `./artifacts/<name>:<version>`).
    ///   - settings: the server, key and cache.
    ///   - skipCache: download straight into `root`, bypassing the cache (see `download(to:skipCache:progress:)`).
    ///   - progress: told how far the download has come (see `download(to:skipCache:progress:)`).
    /// - Returns: the version and the directory that holds its files.
    /// - Throws: `CohortError` as `Run.useArtifact` and `download(to:)` do.
    public static func download(
        _ name: String, to root: String? = nil, settings: Settings = .fromEnvironment(), skipCache: Bool = false,
        progress: (@Sendable (ArtifactTransferProgress) -> Void)? = nil
    ) async throws(CohortError) -> (artifact: UsedArtifact, directory: String) {
        let connection = try await OnlineSession.connect(settings: settings, logger: settings.logger)
        defer { connection.http.shutdown() }
        guard let entity = settings.entity ?? connection.defaultEntity else {
            throw CohortError(.server, "the server did not say which entity the key belongs to; pass the entity (entity/project/name:alias)")
        }
        let artifact = try await resolve(
            name, entity: entity, project: settings.project ?? "uncategorized", client: connection.client,
            cacheDirectory: settings.artifactCacheDirectory)
        let directory = try await artifact.download(to: root, skipCache: skipCache, progress: progress)
        return (artifact, directory)
    }
}
