import Foundation

/// Reads API keys from a `.netrc` file, where `cohort login` (like `wandb login`) stores them:
/// `machine <host> login user password <key>`.
package enum Netrc {
    /// The password for `host` in the netrc at `path` (default `$NETRC`, else `~/.netrc`).
    static func password(host: String, path: String? = nil) -> String? {
        let file = path ?? ProcessInfo.processInfo.environment["NETRC"] ?? (NSHomeDirectory() + "/.netrc")
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }  // no netrc: no key
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var machine: String?
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let value = index + 1 < tokens.count ? tokens[index + 1] : nil
            switch token {
            case "machine": machine = value; index += 2
            case "default": machine = "*"; index += 1
            case "password":
                if machine == host || machine == "*", let value { return value }
                index += 2
            case "login", "account": index += 2
            default: index += 1
            }
        }
        return nil
    }

    /// The key stored for a server: the netrc machine `host:port` (as W&B names it), else `host`.
    static func apiKey(baseURL: String, path: String? = nil) -> String? {
        guard let components = URLComponents(string: baseURL), let host = components.host else { return nil }
        if let port = components.port, let key = password(host: "\(host):\(port)", path: path) { return key }
        return password(host: host, path: path)
    }

    /// Stores `key` for the server at `baseURL` (netrc machine `host:port`, or `host`), replacing an
    /// entry for the same machine; the file is written atomically with mode 0600.
    /// - Returns: the netrc path written.
    package static func store(key: String, baseURL: String, path: String? = nil) throws(CohortError) -> String {
        guard let components = URLComponents(string: baseURL), let host = components.host else {
            throw CohortError(.invalidArgument, "\(baseURL) is not a server URL; give one like http://127.0.0.1:8080")
        }
        let machine = components.port.map { "\(host):\($0)" } ?? host
        let file = path ?? ProcessInfo.processInfo.environment["NETRC"] ?? (NSHomeDirectory() + "/.netrc")
        let existing = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""  // no netrc yet: start one
        var kept: [String] = []
        var skipping = false
        for line in existing.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.first == "machine" || words.first == "default" { skipping = words.count > 1 && words[1] == machine }
            if !skipping { kept.append(String(line)) }
        }
        while kept.last?.isEmpty == true { kept.removeLast() }
        kept += ["machine \(machine)", "  login user", "  password \(key)", ""]
        do {
            try AtomicFile.write(Array(kept.joined(separator: "\n").utf8), to: file, permissions: 0o600)
        } catch {
            throw CohortError(.storage, "cannot write \(file): \(error)")
        }
        return file
    }
}
