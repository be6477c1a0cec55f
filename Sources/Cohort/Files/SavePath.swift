import Foundation

/// W&B's rules for where a file given to `save` lands under `files/`.
///
/// A relative glob keeps its path below the current directory; an absolute glob without a base keeps
/// one parent directory (`/a/b/ckpt/*.pt` → `ckpt/…`); an explicit base must contain the glob, which may
/// not equal the base, walk above it, or start with a bare `*` component.
struct SavePath: Sendable, Equatable {
    /// The absolute glob pattern to expand.
    let pattern: String
    /// The absolute base directory; matches are saved under their path relative to it.
    let base: String
    /// Whether the base was guessed for an absolute glob (W&B warns about it).
    let guessedBase: Bool

    init(glob: String, basePath: String?, currentDirectory: String) throws(CohortError) {
        guard !glob.isEmpty else { throw .invalid("save needs a file name or glob pattern") }
        func absolute(_ path: String) -> String {
            let joined = path.hasPrefix("/") ? path : currentDirectory + "/" + path
            return Self.normalize(joined)
        }
        let pattern = absolute(glob)
        let base: String
        if let basePath {
            base = absolute(basePath)
            guessedBase = false
        } else if glob.hasPrefix("/") {
            base = Self.parent(Self.parent(pattern))
            guessedBase = true
        } else {
            base = Self.normalize(currentDirectory)
            guessedBase = false
        }
        guard pattern != base else {
            throw .invalid("save(\"\(glob)\"): the glob is the same as the base path; name files inside it")
        }
        let prefix = base == "/" ? "/" : base + "/"
        guard pattern.hasPrefix(prefix) else {
            throw .invalid("save(\"\(glob)\"): the glob walks above the base path \(base); pass a basePath that contains it")
        }
        let relative = pattern.dropFirst(prefix.count)
        guard relative.split(separator: "/").first != "*" else {
            throw .invalid("save(\"\(glob)\"): the glob may not start with a bare \"*\" relative to the base path \(base)")
        }
        self.pattern = pattern
        self.base = base
    }

    /// The name under `files/` for a matched absolute path.
    func destination(for match: String) -> String {
        let prefix = base == "/" ? "/" : base + "/"
        return String(Self.normalize(match).dropFirst(prefix.count))
    }

    /// Removes `.` and `..` components and repeated slashes.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
