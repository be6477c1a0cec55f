internal import Foundation

/// W&B's artifact digests (`wandb-protocol.md` §5.4).
public enum ArtifactDigest {
    /// `CreateArtifact.digest`: hex MD5 of `"wandb-artifact-manifest-v1\n"` followed by
    /// `"<path>:<b64 md5>\n"` for each entry, sorted by path.
    /// - Parameter entries: manifest path → base64 MD5 of the file.
    public static func manifestDigest(_ entries: [String: String]) -> String {
        var md5 = MD5()
        md5.update(Array("wandb-artifact-manifest-v1\n".utf8))
        for path in entries.keys.sorted() {
            md5.update(Array("\(path):\(entries[path]!)\n".utf8))  // path comes from entries.keys
        }
        return md5.finalize().hex
    }

    /// The MD5 of `length` bytes of the file at `path` from `offset` (the whole file by default),
    /// read in 1 MiB pieces.
    /// - Throws: ``WandbAPIError/Kind/fileUnreadable`` when the file cannot be read or is shorter.
    public static func md5(ofFile path: String, offset: Int64 = 0, length: Int64? = nil) throws(WandbAPIError) -> MD5.Digest {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .fileUnreadable("md5", path: path) }
        defer { try? handle.close() }  // closing a read-only handle cannot lose data
        var md5 = MD5()
        do {
            try handle.seek(toOffset: UInt64(offset))
            var remaining = length ?? Int64.max
            while remaining > 0 {
                let data = try handle.read(upToCount: Int(min(remaining, 1 << 20))) ?? Data()
                if data.isEmpty { break }
                md5.update(data)
                remaining -= Int64(data.count)
            }
            if let length, remaining > 0, length != Int64.max { throw WandbAPIError.fileUnreadable("md5", path: path) }
        } catch {
            throw .fileUnreadable("md5", path: path)
        }
        return md5.finalize()
    }
}
