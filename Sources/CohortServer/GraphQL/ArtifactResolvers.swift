import Foundation
import GraphQL

/// The resolvers of the artifact operations (`wandb-protocol.md` §2.5, §2.7, §3, §5).
enum ArtifactResolvers {
    /// The most files one `files` page holds.
    static let maximumPageSize = 10_000

    // MARK: Queries

    /// `artifact(id:)`: the version, or null (also for a version of an entity the key may not see).
    @Sendable static func artifactByID(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let id = args["id"].stringOrNil else { return nil }
        guard let record = try await ctx.artifacts({ try await $0.artifact(id: id) }) else { return nil }
        guard ctx.principal.mayAct(in: record.entity) else { return nil }
        return record
    }

    /// `Project.artifact(name: "coll:alias")` and `Project.artifactCollectionMembership(name:)`:
    /// the committed version the alias (`latest`, a user alias or `vN`) names, or null.
    @Sendable static func projectArtifact(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let name = args["name"].stringOrNil else { return nil }
        let (collection, alias) = splitName(name)
        return try await ctx.artifacts {
            try await $0.artifact(entity: project.entity, project: project.name, collection: collection, alias: alias)
        }
    }

    /// `Project.artifactCollection(name:)`: the collection when it exists.
    @Sendable static func projectCollection(_ project: ProjectNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let name = args["name"].stringOrNil else { return nil }
        guard try await ctx.artifacts({ try await $0.artifactType(entity: project.entity, project: project.name, collection: name) }) != nil
        else { return nil }
        return CollectionNode(entity: project.entity, project: project.name, name: name)
    }

    @Sendable static func latestArtifact(_ collection: CollectionNode, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        try await ctx.artifacts {
            try await $0.artifact(entity: collection.entity, project: collection.project, collection: collection.name, alias: "latest")
        }
    }

    @Sendable static func membership(_ collection: CollectionNode, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard let alias = args["aliasName"].stringOrNil else { return nil }
        return try await ctx.artifacts {
            try await $0.artifact(entity: collection.entity, project: collection.project, collection: collection.name, alias: alias)
        }
    }

    /// `Artifact.currentManifest`: the uploaded manifest with a signed GET `directUrl`, or null.
    @Sendable static func currentManifest(_ artifact: ArtifactRecord, _: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard try await ctx.artifacts({ try await $0.manifestBlob(artifactID: artifact.id) }) != nil else { return nil }
        let id = try await ctx.artifacts { try await $0.manifestID(artifactID: artifact.id, at: ctx.now) }
        let url = ctx.services.signedURL(method: "GET", path: BlobPaths.manifestPath(artifactID: artifact.id), now: ctx.now)
        return ManifestNode(id: id, file: FileNode(id: OpaqueID.make("File", id), name: "wandb_manifest.json", directUrl: url))
    }

    /// `ArtifactCollectionMembership.files(names:, after:, first:)`: the version's files by name
    /// (the manifest paths; only those in `names` when given) with signed GET `url`/`directUrl`s,
    /// sizes and MD5s, as the schema's one `FileConnection`.
    @Sendable static func files(_ artifact: ArtifactRecord, _ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        var all = try await ctx.artifacts { try await $0.artifactFiles(artifactID: artifact.id) }
        if let names = args["names"].stringsOrNil, !names.isEmpty {
            let wanted = Set(names)
            all = all.filter { wanted.contains($0.name) }
        }
        let nodes = all.map { file in
            let url = file.blobDigest == nil
                ? nil : ctx.services.signedURL(method: "GET", path: BlobPaths.artifactFilePath(storagePath: file.storagePath), now: ctx.now)
            return FileNode(
                id: OpaqueID.make("File", artifact.id, file.name), name: file.name, directUrl: url, url: url, sizeBytes: file.size ?? 0,
                md5: file.md5, storagePath: file.storagePath)
        }
        let first = args["first"].integerOrNil.map { min(max(Int($0), 1), maximumPageSize) }
        return try PageNode(nodes, after: args["after"].stringOrNil, first: first)
    }

    // MARK: Mutations

    /// `createArtifact(input:)`: a pending version, or the committed one with the same digest.
    @Sendable static func createArtifact(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let entity = try ctx.entity(input["entityName"].stringOrNil)
        let project = nonEmpty(input["projectName"].stringOrNil) ?? Resolvers.defaultProject
        guard let type = nonEmpty(input["artifactTypeName"].stringOrNil),
            let collection = nonEmpty(input["artifactCollectionName"].stringOrNil) ?? input["artifactCollectionNames"].stringsOrNil?.first,
            let digest = input["digest"].stringOrNil
        else { throw GraphQLFailure("createArtifact needs artifactTypeName, artifactCollectionName and digest") }
        try RunNames.checkSegment(project, what: "project")
        try checkName(collection, what: "artifact collection")
        try checkName(type, what: "artifact type")
        var aliases: [String] = []
        if case .array(let items) = input["aliases"] {
            for item in items {
                let target = item["artifactCollectionName"].stringOrNil
                guard let alias = nonEmpty(item["alias"].stringOrNil), target == nil || target == collection else { continue }
                try checkName(alias, what: "alias")
                if !aliases.contains(alias) { aliases.append(alias) }
            }
        }
        let runName = nonEmpty(input["runName"].stringOrNil)
        let creation = ArtifactCreation(
            entity: entity, project: project, type: type, collection: collection, digest: digest,
            description: input["description"].stringOrNil, metadata: input["metadata"].stringOrNil ?? "{}",
            createdBy: runName.map { RunKey(entity: entity, project: project, name: $0) },
            historyStep: input["historyStep"].integerOrNil.map { Int($0) }, clientID: input["clientID"].stringOrNil,
            sequenceClientID: input["sequenceClientID"].stringOrNil, aliases: aliases,
            deduplicate: {
                if case .bool(let value) = input["enableDigestDeduplication"] { return value }
                return true
            }())
        let created = try await ctx.artifacts { try await $0.createArtifact(creation, at: ctx.now) }
        return CreateArtifactResult(artifact: created.artifact, latestID: created.latestID)
    }

    /// `createArtifactManifest(input:)`: the version's manifest id (the same on both calls) and a
    /// signed PUT URL for the manifest JSON.
    @Sendable static func createArtifactManifest(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let artifact = try await ownArtifact(input["artifactID"].stringOrNil, ctx)
        let id = try await ctx.artifacts { try await $0.manifestID(artifactID: artifact.id, at: ctx.now) }
        let url = ctx.services.signedURL(method: "PUT", path: BlobPaths.manifestPath(artifactID: artifact.id), now: ctx.now)
        return ManifestNode(
            id: id,
            file: FileNode(
                id: OpaqueID.make("File", id), name: input["name"].stringOrNil ?? "wandb_manifest.json", uploadUrl: url,
                uploadHeaders: []))
    }

    /// `createArtifactFiles(input:)`: one edge per requested file, in request order. Bytes the
    /// collection already holds get no upload URL and the earlier version as `artifact.id`; files
    /// with `uploadPartsInput` get one signed part URL per part.
    @Sendable static func createArtifactFiles(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        guard case .array(let specs) = args["input"]["artifactFiles"] else {
            throw GraphQLFailure("createArtifactFiles needs artifactFiles")
        }
        // Checked before anything is announced.
        struct Spec {
            var artifactID: String
            var name: String
            var md5: String
            var md5Hex: String
            var parts: [Int]
        }
        var checked: [Spec] = []
        for spec in specs {
            guard let artifactID = spec["artifactID"].stringOrNil, let name = spec["name"].stringOrNil,
                let md5 = spec["md5"].stringOrNil
            else { throw GraphQLFailure("each artifact file needs artifactID, name and md5") }
            do { _ = try BlobPaths.checkedName(name) } catch { throw GraphQLFailure("artifact file \(String(reflecting: name)): \(error.reason)") }
            guard let raw = Data(base64Encoded: md5), raw.count == 16 else {
                throw GraphQLFailure("the md5 of \(name) is not the base64 of 16 bytes")
            }
            var parts: [Int] = []
            if case .array(let items) = spec["uploadPartsInput"] {
                parts = items.compactMap { $0["partNumber"].integerOrNil.map { Int($0) } }
                guard parts.count == items.count, parts.allSatisfy({ (1...ArtifactBlobRoutes.maximumParts).contains($0) }) else {
                    throw GraphQLFailure("the part numbers of \(name) must be 1…\(ArtifactBlobRoutes.maximumParts)")
                }
            }
            checked.append(Spec(artifactID: artifactID, name: name, md5: md5, md5Hex: BlobStore.hex(raw), parts: parts))
        }
        var owned: Set<String> = []
        var nodes: [ArtifactFileUploadNode] = []
        for spec in checked {
            if !owned.contains(spec.artifactID) {
                _ = try await ownArtifact(spec.artifactID, ctx)
                owned.insert(spec.artifactID)
            }
            let proposed = ArtifactFileRecord(
                artifactID: spec.artifactID, name: spec.name, md5: spec.md5, birthArtifactID: spec.artifactID,
                storagePath: "\(spec.artifactID)/\(spec.md5Hex)")
            let announced = try await ctx.artifacts { try await $0.announceArtifactFile(proposed) }
            let file = announced.file
            if announced.alreadyStored {
                nodes.append(
                    ArtifactFileUploadNode(
                        storagePath: file.storagePath, uploadUrl: nil, uploadHeaders: [], multipart: nil,
                        birthArtifactID: file.birthArtifactID))
                continue
            }
            let url = ctx.services.signedURL(method: "PUT", path: BlobPaths.artifactFilePath(storagePath: file.storagePath), now: ctx.now)
            var multipart: MultipartUploadNode?
            if !spec.parts.isEmpty {
                let uploadID = StoreRules.newArtifactID()
                multipart = MultipartUploadNode(
                    uploadID: uploadID,
                    parts: spec.parts.map {
                        UploadPartURLNode(
                            partNumber: $0,
                            uploadUrl: ctx.services.signedURL(
                                method: "PUT", path: BlobPaths.artifactPartPath(uploadID: uploadID, part: $0), now: ctx.now))
                    })
            }
            nodes.append(
                ArtifactFileUploadNode(
                    storagePath: file.storagePath, uploadUrl: url, uploadHeaders: multipart == nil ? ["Content-MD5:\(spec.md5)"] : [],
                    multipart: multipart, birthArtifactID: file.birthArtifactID))
        }
        return nodes
    }

    /// `completeMultipartUploadArtifact(input:)`: joins the parts in order (each checked against
    /// its ETag MD5) and records the file; `Abort` drops the parts.
    @Sendable static func completeMultipart(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        guard let storagePath = input["storagePath"].stringOrNil, let uploadID = input["uploadID"].stringOrNil else {
            throw GraphQLFailure("completeMultipartUploadArtifact needs storagePath and uploadID")
        }
        _ = try await ownArtifact(input["artifactID"].stringOrNil, ctx)
        guard let file = try await ctx.artifacts({ try await $0.artifactFile(storagePath: storagePath) }) else {
            throw GraphQLFailure("no artifact file is announced at \(storagePath)")
        }
        if input["completeMultipartAction"].stringOrNil != "Complete" {
            if ArtifactBlobRoutes.isHex(uploadID) {
                try? FileManager.default.removeItem(atPath: ArtifactBlobRoutes.partsDirectory(ctx.services, upload: uploadID))
            }
            return DigestResult(digest: "")
        }
        guard case .array(let items) = input["completedParts"] else { throw GraphQLFailure("completedParts is missing") }
        var parts: [(number: Int, hexMD5: String)] = []
        for item in items {
            guard let number = item["partNumber"].integerOrNil, let md5 = item["hexMD5"].stringOrNil else {
                throw GraphQLFailure("each completed part needs partNumber and hexMD5")
            }
            parts.append((Int(number), md5))
        }
        let digest = try await ArtifactBlobRoutes.completeMultipart(services: ctx.services, uploadID: uploadID, parts: parts)
        guard digest.md5Base64 == file.md5 else {
            throw GraphQLFailure("the joined parts have MD5 \(digest.md5Base64), not the announced \(file.md5)")
        }
        try await ctx.artifacts { try await $0.storeArtifactFile(storagePath: storagePath, blobDigest: digest.sha256, size: digest.size) }
        return DigestResult(digest: digest.md5)
    }

    /// `commitArtifact(input:)`: version index, aliases and `latest`.
    @Sendable static func commitArtifact(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let artifact = try await ownArtifact(args["input"]["artifactID"].stringOrNil, ctx)
        return try await ctx.artifacts { try await $0.commitArtifact(id: artifact.id, at: ctx.now) }
    }

    /// `useArtifact(input:)`, both shapes (core's `input` variable and Python's flat variables
    /// arrive here alike): records the run as a user of the version.
    @Sendable static func useArtifact(_ args: Map, _ ctx: GraphQLContext) async throws -> (any Sendable)? {
        let input = args["input"]
        let entity = try ctx.entity(input["entityName"].stringOrNil)
        guard let project = nonEmpty(input["projectName"].stringOrNil), let runName = nonEmpty(input["runName"].stringOrNil) else {
            throw GraphQLFailure("useArtifact needs projectName and runName")
        }
        let artifact = try await ownArtifact(input["artifactID"].stringOrNil, ctx)
        let key = RunKey(entity: entity, project: project, name: runName)
        try await ctx.artifacts { try await $0.recordUse(artifactID: artifact.id, by: key, usedAs: input["usedAs"].stringOrNil, at: ctx.now) }
        return artifact
    }

    // MARK: Helpers

    /// The version `id` names, when the key may act in its entity.
    static func ownArtifact(_ id: String?, _ ctx: GraphQLContext) async throws -> ArtifactRecord {
        guard let id, let record = try await ctx.artifacts({ try await $0.artifact(id: id) }) else {
            throw GraphQLFailure("artifact \(String(reflecting: id ?? "")) not found")
        }
        _ = try ctx.entity(record.entity)
        return record
    }

    /// `coll:alias` split at the last colon; a bare name means `latest`.
    static func splitName(_ name: String) -> (collection: String, alias: String) {
        guard let colon = name.lastIndex(of: ":") else { return (name, "latest") }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    /// Collection, type and alias names: non-empty, at most 128 characters, no `/`, `:` or control characters.
    static func checkName(_ name: String, what: String) throws {
        guard !name.isEmpty, name.count <= 128, !name.contains("/"), !name.contains(":"),
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw GraphQLFailure("\(String(reflecting: name)) is not a valid \(what) name") }
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }
}
