import Foundation

/// Resident memory of this process, from `/proc/self/status` (Linux only).
struct ProcessMemory: Sendable {
    /// Current resident set size (`VmRSS`), in bytes.
    let residentBytes: Int
    /// Peak resident set size since the process started (`VmHWM`), in bytes.
    let peakResidentBytes: Int

    /// Reads the current figures; both are 0 when `/proc` is unavailable.
    static func current() -> ProcessMemory {
        // /proc files report a size of 0, so read to the end instead of by size; a missing /proc
        // leaves both figures at 0.
        let data = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/status")).readToEnd()) ?? nil
        let text = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ProcessMemory(
            residentBytes: kilobytes(of: "VmRSS:", in: text) * 1024,
            peakResidentBytes: kilobytes(of: "VmHWM:", in: text) * 1024)
    }

    /// The value of a `Name:   1234 kB` line, or 0 when the line is missing.
    private static func kilobytes(of field: String, in text: String) -> Int {
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            // The value follows a tab and spaces: `VmRSS:\t   1234 kB`.
            let digits = line.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? ""
            return Int(digits) ?? 0
        }
        return 0
    }
}

extension Int {
    /// The byte count in mebibytes.
    var mebibytes: Double { Double(self) / 1_048_576 }
}
