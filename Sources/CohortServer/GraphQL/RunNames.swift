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

    /// Throws, naming the file, unless `name` is a relative path that stays inside its run:
    /// no `..` (or `.`/empty) component, not absolute, no NUL or other control character, no backslash.
    static func checkRunFile(_ name: String) throws {
        let problem: String?
        if name.isEmpty {
            problem = "it is empty"
        } else if name.hasPrefix("/") {
            problem = "it is an absolute path"
        } else if name.contains("\\") {
            problem = "it contains a backslash"
        } else if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problem = "it contains NUL or another control character"
        } else if name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." }) {
            problem = "it escapes the run with \"..\""
        } else if name.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." }) {
            problem = "it has an empty or \".\" path component"
        } else if name.utf8.count > 4096 {
            problem = "it is longer than 4096 bytes"
        } else {
            problem = nil
        }
        if let problem { throw GraphQLFailure("invalid file name \(String(reflecting: name)): \(problem)") }
    }

    /// `value` with every byte but RFC 3986's unreserved characters percent-encoded.
    static func percentEncoded(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return out
    }

    /// The blob path of a run file: `/storage/runs/<entity>/<project>/<run>/<path>`, each segment
    /// percent-encoded (the `/` between the file's own components kept).
    static func runFileStoragePath(_ key: RunKey, file: String) -> String {
        let segments = [key.entity, key.project, key.name] + file.split(separator: "/").map(String.init)
        return "/storage/runs/" + segments.map(percentEncoded).joined(separator: "/")
    }
}
