#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns captured console chunks (the journal's `output` records) into `output.log` lines the way
/// the official client writes them: `"<UTC time> <text>"`, stderr lines prefixed with `"ERROR "`.
///
/// A chunk may end inside a line, so each stream keeps its unfinished line until a newline (or the
/// end of the run) completes it; a carriage return starts the line over, so a progress bar sends
/// only its final state.
struct ConsoleLines: Sendable {
    private var partial: [String: (text: String, time: Double)] = [:]

    /// Adds a chunk and returns the lines it completed.
    /// - Parameters:
    ///   - text: the bytes written, as text.
    ///   - stream: `"stdout"` or `"stderr"`.
    ///   - time: when the chunk was written, in seconds since 1970.
    mutating func add(_ text: String, stream: String, time: Double) -> [String] {
        var lines: [String] = []
        var current = partial[stream] ?? ("", time)
        for character in text {
            switch character {
            case "\n", "\r\n":
                lines.append(Self.format(current.text, stream: stream, time: current.time))
                current = ("", time)
            case "\r":
                current = ("", time)
            default:
                if current.text.isEmpty { current.time = time }
                current.text.append(character)
            }
        }
        partial[stream] = current.text.isEmpty ? nil : current
        return lines
    }

    /// The unfinished lines, completed (the run ended), stdout first.
    mutating func flush() -> [String] {
        defer { partial.removeAll() }
        return partial.sorted { $0.key > $1.key }.map { Self.format($0.value.text, stream: $0.key, time: $0.value.time) }
    }

    static func format(_ text: String, stream: String, time: Double) -> String {
        let line = timestamp(time) + " " + text
        return stream == "stderr" ? "ERROR " + line : line
    }

    /// `2026-11-29T01:58:47.814976`, UTC, microseconds (the official client's format).
    static func timestamp(_ time: Double) -> String {
        let total = Int64((time * 1_000_000).rounded())
        var seconds = time_t(total / 1_000_000)
        let micros = Int(total % 1_000_000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(micros)
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
            + "\(two(parts.tm_min)):\(two(parts.tm_sec))." + String(repeating: "0", count: max(0, 6 - fraction.count)) + fraction
    }
}
