import CohortModel
import Foundation
import Logging

/// The files W&B keeps beside the journal in `files/`: `wandb-summary.json` and `config.yaml`.
/// Each is replaced atomically (write a temporary file, then rename), so a reader never sees half.
struct RunSideFiles: Sendable {
    let filesDirectory: String

    func writeSummary(_ summary: [String: JSONValue], logger: Logger) {
        var bytes: [UInt8] = []
        JSONWriter.writeObject(summary, into: &bytes)
        write(bytes, to: "wandb-summary.json", logger: logger)
    }

    func writeConfig(_ config: [String: JSONValue], logger: Logger) {
        write(Array(YAMLWriter.config(config).utf8), to: "config.yaml", logger: logger)
    }

    private func write(_ bytes: [UInt8], to name: String, logger: Logger) {
        let path = filesDirectory + "/" + name
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            logger.warning("run file not written", metadata: ["file": "\(path)", "error": "\(error)"])
        }
    }
}

/// Writes whole files atomically.
enum AtomicFile {
    /// Writes `bytes` to `path` through a temporary file and a rename; `permissions` (e.g. `0o600`)
    /// are set before the rename, so the file never exists with wider ones.
    static func write(_ bytes: [UInt8], to path: String, permissions: mode_t? = nil) throws {
        let temporary = path + ".tmp-\(getpid())"
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        if let permissions { chmod(temporary, permissions) }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CohortError.storage("cannot replace \(path): \(reason)")
        }
    }
}
