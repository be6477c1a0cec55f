/// Checks on the names clients send: entity, project and run names become URL path segments, and
/// run file names become paths below their run, so none of them may escape.
enum RunNames {
    /// Throws unless `value` is usable as one path segment (an entity, project or run name).
    static func checkSegment(_ value: String, what: String) throws {
        let problem: String?
        if value.isEmpty {
            problem = "it is empty"
        } else if value == "." || value == ".." {
            problem = "it is a relative path component"
        } else if value.contains("/") || value.contains("\\") {
            problem = "it contains a slash or backslash"
        } else if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problem = "it contains a control character"
        } else if value.utf8.count > 256 {
            problem = "it is longer than 256 bytes"
        } else {
            problem = nil
        }
        if let problem { throw GraphQLFailure("invalid \(what) name \(String(reflecting: value)): \(problem)") }
    }

    /// Throws, naming the file, unless `name` is a relative path that stays inside its run
    /// (`BlobPaths.checkedName`: the same rule the blob routes apply).
    static func checkRunFile(_ name: String) throws {
        do {
            _ = try BlobPaths.checkedName(name)
        } catch {
            throw GraphQLFailure("invalid file name \(String(reflecting: name)): \(error.reason)")
        }
    }
}
