public import Foundation

/// The URL paths of run files (`/storage/runs/{entity}/{project}/{run}/{name}`) and the checks on
/// the names clients give: a name is relative, uses `/` between components, and never leaves its
/// run (no `..`, `.`, empty components, absolute paths, backslashes or NUL).
public enum BlobPaths {
    public static let runFilesPrefix = "/storage/runs/"
    /// The longest run file name accepted, in UTF-8 bytes.
    public static let maximumNameLength = 4096

    /// Why a path or name was refused (always a 400).
    public struct InvalidPath: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The percent-encoded path of a run file: what `ServerServices.signedURL` should sign and what
    /// `BlobRoutes` checks. Every byte but RFC 3986's unreserved characters is escaped within a
    /// component, so the path survives clients that re-quote URLs (Python `requests`).
    public static func runFilePath(_ key: RunKey, name: String) -> String {
        runFilesPrefix + [key.entity, key.project, key.name].map(encode).joined(separator: "/") + "/"
            + name.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }
            .joined(separator: "/")
    }

    /// Splits a raw (percent-encoded) request path under `/storage/runs/` into the run and a
    /// checked file name.
    public static func parseRunFilePath(_ rawPath: String) throws(InvalidPath) -> (key: RunKey, name: String) {
        guard rawPath.hasPrefix(runFilesPrefix) else { throw InvalidPath(reason: "not a run file path") }
        let parts = rawPath.dropFirst(runFilesPrefix.count).split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw InvalidPath(reason: "the path must be /storage/runs/{entity}/{project}/{run}/{file}") }
        var segments: [String] = []
        for part in parts.prefix(3) {
            guard let decoded = String(part).removingPercentEncoding, !decoded.isEmpty, !decoded.contains("/"),
                !decoded.contains("\0"), decoded != ".", decoded != ".."
            else { throw InvalidPath(reason: "the entity, project or run in the path is not valid") }
            segments.append(decoded)
        }
        guard let name = String(parts[3]).removingPercentEncoding else {
            throw InvalidPath(reason: "the file name is not valid percent-encoded UTF-8")
        }
        return (RunKey(entity: segments[0], project: segments[1], name: segments[2]), try checkedName(name))
    }

    /// `name` when it stays inside its run, else `InvalidPath`.
    public static func checkedName(_ name: String) throws(InvalidPath) -> String {
        guard !name.isEmpty else { throw InvalidPath(reason: "the file name is empty") }
        guard name.utf8.count <= maximumNameLength else { throw InvalidPath(reason: "the file name is too long") }
        guard !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw InvalidPath(reason: "the file name contains NUL or another control character")
        }
        guard !name.contains("\\") else { throw InvalidPath(reason: "the file name contains a backslash") }
        guard !name.hasPrefix("/") else { throw InvalidPath(reason: "the file name is absolute") }
        for component in name.split(separator: "/", omittingEmptySubsequences: false) {
            guard !component.isEmpty else { throw InvalidPath(reason: "the file name has an empty component") }
            guard component != ".", component != ".." else {
                throw InvalidPath(reason: "the file name may not contain . or .. components")
            }
        }
        return name
    }

    /// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
    static func encode(_ component: String) -> String {
        var out = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

extension ServerServices {
    /// An absolute signed URL for a run file (`PUT` for `CreateRunFiles`, `GET` for downloads).
    public func runFileURL(method: String, key: RunKey, name: String, now: Date = Date()) -> String {
        signedURL(method: method, path: BlobPaths.runFilePath(key, name: name), now: now)
    }

    /// The content-addressed blob directory under the data directory.
    public var blobs: BlobStore { BlobStore(dataDirectory: configuration.dataDirectory) }
}
