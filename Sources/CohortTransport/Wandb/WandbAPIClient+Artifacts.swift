public import CohortModel

extension WandbAPIClient {
    /// `CreateArtifact`: a new pending version, or the committed one that has the same digest.
    ///
    /// When the answer is ``ArtifactState/committed``, the artifact is already stored: upload nothing.
    public func createArtifact(_ creation: ArtifactCreation) async throws(WandbAPIError) -> CreatedArtifact {
        var aliases = ["latest"]
        for alias in creation.aliases where !aliases.contains(alias) { aliases.append(alias) }
        let input: [String: JSONValue] = [
            "entityName": .string(creation.entity), "projectName": .string(creation.project),
            "artifactTypeName": .string(creation.type), "artifactCollectionName": .string(creation.collection),
            "runName": .optional(creation.runID), "digest": .string(creation.digest), "digestAlgorithm": "MANIFEST_MD5",
            "description": .optional(creation.description),
            "metadata": creation.metadata.map { .string(JSONWriter.string(.object($0))) } ?? .null,
            "aliases": .array(aliases.map { (alias) -> JSONValue in ["alias": .string(alias), "artifactCollectionName": .string(creation.collection)] }),
            "historyStep": .optional(creation.historyStep), "enableDigestDeduplication": .bool(creation.enableDigestDeduplication),
            "clientID": .optional(creation.clientID), "sequenceClientID": .optional(creation.sequenceClientID),
        ]
        let answer = try await answer("CreateArtifact", WandbDocuments.createArtifact, ["input": .object(input.droppingNulls())])
        let artifact = answer["createArtifact"]["artifact"]
        let state = ArtifactState(rawValue: try artifact["state"].string())
        guard [.pending, .committed, .deleted].contains(state) else {
            throw .malformed("CreateArtifact", "the new version's state is \(state), not PENDING or COMMITTED")
        }
        return CreatedArtifact(
            id: try artifact["id"].string(), state: state,
            latestArtifactID: artifact["artifactSequence"]["latestArtifact"]["id"].optionalString)
    }

    /// `CreateArtifactManifest`: reserves the version's manifest (`includeUpload: false`, digest `""`),
    /// or, with `includeUpload`, returns where to `PUT` the manifest JSON whose base64 MD5 is `digest`.
    public func createArtifactManifest(
        artifactID: String, baseArtifactID: String?, entity: String, project: String, run: String, digest: String, includeUpload: Bool
    ) async throws(WandbAPIError) -> ArtifactManifestUpload {
        let answer = try await answer(
            "CreateArtifactManifest", WandbDocuments.createArtifactManifest,
            [
                "artifactID": .string(artifactID), "baseArtifactID": .optional(baseArtifactID), "name": "wandb_manifest.json",
                "digest": .string(digest), "entityName": .string(entity), "projectName": .string(project), "runName": .string(run),
                "manifestType": "FULL", "includeUpload": .bool(includeUpload),
            ])
        let manifest = answer["createArtifactManifest"]["artifactManifest"]
        let file = manifest["file"]
        return ArtifactManifestUpload(
            id: try manifest["id"].string(), uploadURL: file["uploadUrl"].optionalString,
            uploadHeaders: HTTPHeader.wandbUploadHeaders(try file["uploadHeaders"].strings()))
    }

    /// `CreateArtifactFiles`: upload URLs for the files, in request order. A file without
    /// ``ArtifactFileUpload/uploadURL`` is already stored; its birth artifact is an earlier version.
    public func createArtifactFiles(_ files: [ArtifactFileSpec]) async throws(WandbAPIError) -> [ArtifactFileUpload] {
        let specs: [JSONValue] = files.map { file in
            var spec: [String: JSONValue] = [
                "artifactID": .string(file.artifactID), "artifactManifestID": .optional(file.manifestID), "name": .string(file.name),
                "md5": .string(file.md5), "mimetype": .optional(file.mimetype),
            ]
            if let parts = file.parts {
                spec["uploadPartsInput"] = .array(parts.map { (part) -> JSONValue in ["partNumber": .int(Int64(part.number)), "hexMD5": .string(part.hexMD5)] })
            }
            return .object(spec.droppingNulls())
        }
        let answer = try await answer(
            "CreateArtifactFiles", WandbDocuments.createArtifactFiles,
            ["input": ["storageLayout": "V2", "artifactFiles": .array(specs)]])
        let edges = try answer["createArtifactFiles"]["files"]["edges"].array()
        guard edges.count == files.count else {
            throw .malformed("CreateArtifactFiles", "the answer has \(edges.count) files for \(files.count) requested")
        }
        var uploads: [ArtifactFileUpload] = []
        for edge in edges {
            let node = edge["node"]
            var multipart: ArtifactFileUpload.Multipart?
            if let urls = node["uploadMultipartUrls"].nonNull {
                var parts: [Int: String] = [:]
                for part in try urls["uploadUrlParts"].array() { parts[try part["partNumber"].int()] = try part["uploadUrl"].string() }
                multipart = .init(uploadID: try urls["uploadID"].string(), partURLs: parts)
            }
            uploads.append(
                ArtifactFileUpload(
                    storagePath: node["storagePath"].optionalString, uploadURL: node["uploadUrl"].optionalString,
                    uploadHeaders: HTTPHeader.wandbUploadHeaders(try node["uploadHeaders"].strings()), multipart: multipart,
                    birthArtifactID: try node["artifact"]["id"].string()))
        }
        return uploads
    }

    /// `CompleteMultipartUploadArtifact`: joins the uploaded parts into the file.
    /// - Parameter parts: part number → the part's `ETag` verbatim (quotes kept, as W&B's client sends it).
    /// - Returns: the digest the server answered, if any.
    @discardableResult
    public func completeMultipartUpload(
        artifactID: String, storagePath: String, uploadID: String, parts: [Int: String]
    ) async throws(WandbAPIError) -> String? {
        let completed: [JSONValue] = parts.sorted { $0.key < $1.key }.map { part -> JSONValue in
            ["partNumber": .int(Int64(part.key)), "hexMD5": .string(part.value)]
        }
        let answer = try await answer(
            "CompleteMultipartUploadArtifact", WandbDocuments.completeMultipartUploadArtifact,
            [
                "completeMultipartAction": "Complete", "completedParts": .array(completed), "artifactID": .string(artifactID),
                "storagePath": .string(storagePath), "uploadID": .string(uploadID),
            ])
        return answer["completeMultipartUploadArtifact"]["digest"].optionalString
    }

    /// `CommitArtifact`: ends the version's upload; aliases (`latest` included) move to it.
    /// - Returns: the committed version's id and digest.
    @discardableResult
    public func commitArtifact(id: String) async throws(WandbAPIError) -> (id: String, digest: String) {
        let answer = try await answer("CommitArtifact", WandbDocuments.commitArtifact, ["artifactID": .string(id)])
        let artifact = answer["commitArtifact"]["artifact"]
        return (try artifact["id"].string(), try artifact["digest"].string())
    }

    /// `UseArtifact` (wandb-core's `input` shape): records the version as an input of the run.
    /// - Returns: the version's id.
    @discardableResult
    public func useArtifact(
        entity: String, project: String, run: String, artifactID: String, usedAs: String? = nil,
        artifactEntity: String? = nil, artifactProject: String? = nil
    ) async throws(WandbAPIError) -> String? {
        let input: [String: JSONValue] = [
            "entityName": .string(entity), "projectName": .string(project), "runName": .string(run), "artifactID": .string(artifactID),
            "usedAs": .optional(usedAs), "artifactEntityName": .optional(artifactEntity), "artifactProjectName": .optional(artifactProject),
        ]
        let answer = try await answer("UseArtifact", WandbDocuments.useArtifact, ["input": .object(input.droppingNulls())])
        return answer["useArtifact"]["artifact"]["id"].optionalString
    }

    /// A version by name, `collection:alias` (`my-data:latest`, `my-data:v3`, `my-data:best`).
    /// - Returns: `nil` when no such version exists.
    public func artifact(entity: String, project: String, name: String) async throws(WandbAPIError) -> ArtifactVersion? {
        let answer = try await answer(
            "ArtifactByName", WandbDocuments.artifactByName, ["entity": .string(entity), "project": .string(project), "name": .string(name)])
        guard let artifact = answer["project"]["artifact"].nonNull else { return nil }
        var aliases: [String] = []
        if let list = artifact["aliases"].nonNull {
            for alias in try list.array() { aliases.append(try alias["alias"].string()) }
        }
        return ArtifactVersion(
            id: try artifact["id"].string(), digest: try artifact["digest"].string(), state: ArtifactState(rawValue: try artifact["state"].string()),
            versionIndex: artifact["versionIndex"].optionalInt, type: artifact["artifactType"]["name"].optionalString,
            collection: artifact["artifactSequence"]["name"].optionalString, aliases: aliases, size: artifact["size"].optionalInt,
            fileCount: artifact["fileCount"].optionalInt, manifestURL: artifact["currentManifest"]["file"]["directUrl"].optionalString)
    }

    /// Downloads and parses a version's manifest JSON (``ArtifactVersion/manifestURL``).
    public func downloadManifest(from url: String) async throws(WandbAPIError) -> JSONValue {
        let bytes = try await download(from: url)
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw .malformed("download", "the manifest is not JSON: \(error)")
        }
    }

    /// `GetArtifactMembershipFileUrls`: the GET URLs of a version's files, following pages.
    /// - Parameter alias: the version's alias; W&B's client passes the resolved `vN`.
    /// - Returns: manifest path → direct download URL.
    public func artifactFileURLs(
        entity: String, project: String, collection: String, alias: String, perPage: Int = 5000
    ) async throws(WandbAPIError) -> [String: String] {
        try await directURLs("GetArtifactMembershipFileUrls", WandbDocuments.getArtifactMembershipFileURLs) { cursor in
            [
                "entity": .string(entity), "project": .string(project), "collection": .string(collection), "alias": .string(alias),
                "cursor": .optional(cursor), "perPage": .int(Int64(perPage)),
            ]
        } files: { $0["project"]["artifactCollection"]["artifactMembership"]["files"] }
    }
}
