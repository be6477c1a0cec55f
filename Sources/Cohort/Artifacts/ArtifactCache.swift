import CohortTransport
import Foundation

/// Downloaded artifact files by MD5 (`<cache>/obj/md5/<2 hex>/<30 hex>`, W&B's layout), so a file
/// that several versions or runs share is fetched once. A file enters the cache only after its MD5
/// was checked.
struct ArtifactCache: Sendable {
    /// The cache's root (`Settings.artifactCacheDirectory`).
    let directory: String

    /// The cached copy of the bytes with this base64 MD5, if present with the expected size.
    func file(md5 base64: String, size: Int64?) -> String? {
        guard let path = path(md5: base64),
              let attributes = try? FileManager.default.attributesOfItem(atPath: path),  // missing: not cached
              let actual = (attributes[.size] as? NSNumber)?.int64Value, size == nil || actual == size
        else { return nil }
        return path
    }

    /// A fresh path to download into, inside the cache (so moving it in is a rename).
    func temporaryPath() throws(CohortError) -> String {
        let directory = self.directory + "/tmp"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .storage("cannot create the artifact cache \(directory): \(error)")
        }
        return directory + "/" + UUID().uuidString
    }

    /// Checks the file's MD5 (`measured` while it was written) and moves it into the cache; a file
    /// that differs is deleted.
    /// - Returns: the cached path.
    /// - Throws: `CohortError` `.checksumMismatch` when the MD5 differs.
    func insert(_ temporary: String, md5 base64: String, measured: String, what: String) throws(CohortError) -> String {
        try Self.verify(temporary, md5: base64, measured: measured, what: what)
        guard let path = path(md5: base64) else { throw .invalid("\(base64) is not a base64 MD5 (\(what))") }
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            throw .storage("cannot store \(what) in the artifact cache \(directory): \(error)")
        }
        return path
    }

    /// Checks that the MD5 `measured` while the file at `path` was written is `expected`; a file that
    /// differs is deleted.
    /// - Throws: `CohortError` `.checksumMismatch`.
    static func verify(_ path: String, md5 expected: String, measured: String, what: String) throws(CohortError) {
        guard measured == expected else {
            try? FileManager.default.removeItem(atPath: path)  // a corrupt copy must not stay
            throw CohortError(.checksumMismatch, "the downloaded \(what) has MD5 \(measured), not \(expected) as the manifest says; it was not kept. Download again")
        }
    }

    /// `obj/md5/<2 hex>/<rest>` for a base64 MD5; `nil` when it is not one.
    private func path(md5 base64: String) -> String? {
        guard let data = Data(base64Encoded: base64), data.count == 16 else { return nil }
        let hex = data.map { String(format: "%02x", $0) }.joined()
        return directory + "/obj/md5/" + hex.prefix(2) + "/" + hex.dropFirst(2)
    }

    /// Copies a file to `target`, replacing what is there and creating its directory.
    static func copy(_ source: String, to target: String) throws(CohortError) {
        do {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            throw .storage("cannot copy \(source) to \(target): \(error)")
        }
    }
}
