import Foundation

/// The artifact rules both `ArtifactStore`s apply the same way, kept out of the SQL: ids, the aliases a
/// commit attaches, how a `vN` alias names a version, the manifest id, and the next version index.
extension StoreRules {
    /// The alias every committed version gets (it moves to the newest commit of its collection).
    static let latestAlias = "latest"

    /// A new opaque artifact id: 32 lowercase hex digits (safe in URL paths as is).
    static func newArtifactID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }

    /// The aliases a commit attaches: the requested ones (empty names dropped), and `latest` always.
    static func commitAliases(_ requested: [String]) -> [String] {
        var aliases = requested.filter { !$0.isEmpty }
        if !aliases.contains(latestAlias) { aliases.append(latestAlias) }
        return aliases
    }

    /// The version index an alias of the form `vN` names (`v0` → 0), or `nil` for any other alias.
    static func versionIndex(alias: String) -> Int? {
        let digits = alias.dropFirst()
        guard alias.hasPrefix("v"), !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return Int(digits)
    }

    /// The manifest id of a version (the same every time it is asked for).
    static func manifestID(artifactID: String) -> String {
        "manifest-" + artifactID
    }

    /// The index the next commit in a collection takes: one past the highest committed, `v0` first.
    static func nextVersionIndex(after highest: Int?) -> Int {
        highest.map { $0 + 1 } ?? 0
    }

    /// An announced file that shares the bytes `earlier` stored for a committed version of the same
    /// collection: born there, nothing to upload.
    static func deduplicated(_ file: ArtifactFileRecord, sharing earlier: ArtifactFileRecord) -> ArtifactFileRecord {
        ArtifactFileRecord(
            artifactID: file.artifactID, name: file.name, md5: file.md5, birthArtifactID: earlier.birthArtifactID,
            blobDigest: earlier.blobDigest, size: earlier.size, storagePath: earlier.storagePath)
    }

    /// An announced file whose bytes are new: born in its own version, waiting for its upload.
    static func awaitingUpload(_ file: ArtifactFileRecord) -> ArtifactFileRecord {
        var record = file
        record.birthArtifactID = file.artifactID
        record.blobDigest = nil
        record.size = nil
        return record
    }
}
