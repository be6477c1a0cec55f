import CohortModel
import CohortTransport
import Foundation
import Synchronization

extension Run {
    /// Logs an artifact as an output of the run, as W&B's `run.log_artifact`.
    ///
    /// The artifact goes into the journal first (its manifest and the files' local paths); the sender
    /// uploads it in the background, once: online runs while they train, offline runs at
    /// `cohort sync`. A version whose digest the collection already has is not uploaded again, and
    /// files the server already stores are skipped. Files must not change until `finish` returns.
    /// ```swift
    /// var model = try Artifact(name: "resnet", type: "model")
    /// try model.addFile("checkpoints/last.ckpt")
    /// try run.logArtifact(model, aliases: ["best"])
    /// ```
    /// - Parameters:
    ///   - artifact: the artifact; its files are read again when uploaded.
    ///   - aliases: aliases for the new version besides `latest` (no `/` or `:`).
    /// - Throws: `CohortError` `.invalidArgument` for a bad alias, an empty artifact or a file that is
    ///   missing or changed size since it was added (nothing is recorded then); `.runFinished` after `finish`.
    public func logArtifact(_ artifact: Artifact, aliases: [String] = []) throws(CohortError) {
        try Artifact.validate(name: artifact.name, type: artifact.type)
        try Artifact.validate(aliases: aliases)
        guard !artifact.entries.isEmpty else { throw .invalid("the artifact \(artifact.name) is empty; add files or references first") }
        for entry in artifact.entries.values {
            guard let localPath = entry.localPath else { continue }
            let size = (try? FileManager.default.attributesOfItem(atPath: localPath))?[.size] as? NSNumber  // nil: reported below
            guard let size, size.int64Value == entry.size else {
                throw .invalid("\(localPath) (\(entry.path) in artifact \(artifact.name)) is missing or changed since it was added; add it again")
            }
        }
        var unique: [String] = []
        for alias in aliases where alias != "latest" && !unique.contains(alias) { unique.append(alias) }
        try enqueueWhileLive("logArtifact", .record(.artifact, ArtifactRecord(artifact: artifact, aliases: unique).fields), urgent: true)
    }

    /// Uses a logged artifact version as an input of the run, as W&B's `run.use_artifact`: resolves
    /// the version, records the use on the server and returns it, ready to `download`.
    /// ```swift
    /// let data = try await run.useArtifact("mnist:latest")
    /// let directory = try await data.download()
    /// ```
    /// - Parameter name: `name`, `name:alias` or `name:vN`, optionally prefixed `entity/project/`;
    ///   the alias defaults to `latest`.
    /// - Throws: `CohortError` `.needsOnline` for an offline run, `.artifactNotFound` when no version
    ///   has that name, `.server` when the server cannot be reached.
    public func useArtifact(_ name: String) async throws(CohortError) -> UsedArtifact {
        guard !isFinished else { throw .runFinished("useArtifact") }
        guard let session = online.withLock({ $0 }) else {
            throw CohortError(
                .needsOnline,
                "useArtifact needs a run in online mode (it asks the server for the version); this run is \(mode.rawValue). Start the run with mode .online")
        }
        guard let runEntity = session.entity else {
            throw CohortError(.server, "useArtifact: the run is not created on the server yet (the server did not answer); try again later")
        }
        let used = try await UsedArtifact.resolve(
            name, entity: runEntity, project: project, client: session.connection.client, cacheDirectory: settings.artifactCacheDirectory)
        do {
            try await session.connection.client.useArtifact(
                entity: runEntity, project: project, run: id, artifactID: used.id,
                artifactEntity: used.entity == runEntity ? nil : used.entity, artifactProject: used.project == project ? nil : used.project)
        } catch {
            throw WandbSenderBackend.cohortError(error)
        }
        return used
    }
}
