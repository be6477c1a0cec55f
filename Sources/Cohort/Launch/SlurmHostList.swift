/// Slurm's compressed host lists, as in `SLURM_JOB_NODELIST` and `SLURM_STEP_NODELIST`.
///
/// A list is comma-separated items; an item is text with bracketed numeric ranges, each range a
/// number or `low-high`, padded with zeros to the width of `low`: `gpu[001-003,007],cpu1` is
/// `gpu001`, `gpu002`, `gpu003`, `gpu007`, `cpu1`. An item with several brackets expands to every
/// combination, the last bracket varying fastest (`r[1-2]n[1-2]` is `r1n1`, `r1n2`, `r2n1`, `r2n2`).
///
/// ```swift
/// SlurmHostList.expand("node[01-02],login") // ["node01", "node02", "login"]
/// SlurmHostList.first("gpu[007-009]")        // "gpu007"
/// ```
public enum SlurmHostList {
    /// The most hosts ``expand(_:limit:)`` returns by default (Slurm's own limit for one range).
    public static let defaultLimit = 65_536

    /// Every host of `list`, in order.
    /// - Parameters:
    ///   - list: a Slurm host list such as `gpu[001-004,007],cpu1`.
    ///   - limit: the most hosts to produce.
    /// - Returns: the host names; `nil` when `list` is empty or malformed (an unclosed or nested
    ///   bracket, an empty item, a range whose bounds are not numbers or run backwards), or names
    ///   more than `limit` hosts.
    public static func expand(_ list: String, limit: Int = defaultLimit) -> [String]? {
        guard limit >= 0, let items = split(list) else { return nil }
        var hosts: [String] = []
        for item in items {
            guard let segments = segments(of: item) else { return nil }
            var expanded = [""]
            for segment in segments {
                switch segment {
                case .text(let text):
                    expanded = expanded.map { $0 + text }
                case .ranges(let ranges):
                    guard let count = hostCount(ranges, limit: limit) else { return nil }
                    let (total, overflow) = expanded.count.multipliedReportingOverflow(by: count)
                    guard !overflow, total <= limit else { return nil }
                    expanded = expanded.flatMap { prefix in
                        ranges.flatMap { range in range.names.map { prefix + $0 } }
                    }
                }
            }
            guard hosts.count + expanded.count <= limit else { return nil }
            hosts += expanded
        }
        return hosts
    }

    /// The first host of `list` (where Slurm places task 0), without expanding the rest.
    /// - Parameter list: a Slurm host list.
    /// - Returns: the first host name, or `nil` when `list` is empty or malformed.
    public static func first(_ list: String) -> String? {
        guard let items = split(list) else { return nil }
        // Check every item's syntax, so that `first` and `expand` agree on what is malformed.
        var firstItem: [Segment]?
        for item in items {
            guard let segments = segments(of: item) else { return nil }
            if firstItem == nil { firstItem = segments }
        }
        return firstItem?.map { segment in
            switch segment {
            case .text(let text): text
            case .ranges(let ranges): ranges[0].name(at: 0)  // a bracket holds at least one range
            }
        }.joined()
    }

    // MARK: - Parsing

    /// A piece of an item: literal text, or the contents of one bracket.
    enum Segment: Equatable {
        case text(String)
        case ranges([NumberRange])
    }

    /// `low` or `low-high` inside brackets.
    struct NumberRange: Equatable {
        let low: Int
        let high: Int
        let width: Int

        var count: Int { high - low + 1 }
        var names: [String] { (low...high).map(format) }
        func name(at offset: Int) -> String { format(low + offset) }

        private func format(_ value: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }

        /// Parses `007`, `1-4` or `001-016`; `nil` for anything else.
        init?(_ text: Substring) {
            let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count),
                bounds.allSatisfy({ !$0.isEmpty && $0.count <= 18 && $0.allSatisfy(\.isASCIIDigit) }),
                let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low <= high
            else { return nil }
            self.low = low
            self.high = high
            self.width = bounds[0].count
        }
    }

    /// How many names `ranges` stand for; `nil` when more than `limit` (checked without overflowing).
    static func hostCount(_ ranges: [NumberRange], limit: Int) -> Int? {
        var total = 0
        for range in ranges {
            let (sum, overflow) = total.addingReportingOverflow(range.count)
            guard !overflow, sum <= limit else { return nil }
            total = sum
        }
        return total
    }

    /// Splits at the commas outside brackets; `nil` for an empty list or item, or unbalanced brackets.
    static func split(_ list: String) -> [Substring]? {
        let trimmed = list.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty else { return nil }
        var items: [Substring] = []
        var depth = 0
        var start = trimmed.startIndex
        for index in trimmed.indices {
            switch trimmed[index] {
            case "[":
                depth += 1
                guard depth == 1 else { return nil }
            case "]":
                depth -= 1
                guard depth == 0 else { return nil }
            case "," where depth == 0:
                items.append(trimmed[start..<index].trimmingASCIIWhitespace())
                start = trimmed.index(after: index)
            default:
                break
            }
        }
        guard depth == 0 else { return nil }
        items.append(trimmed[start...].trimmingASCIIWhitespace())
        return items.contains(where: \.isEmpty) ? nil : items
    }

    /// The text and bracket segments of one item (brackets already known to balance).
    static func segments(of item: Substring) -> [Segment]? {
        var segments: [Segment] = []
        var rest = item
        while let open = rest.firstIndex(of: "[") {
            if open > rest.startIndex { segments.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "]") else { return nil }
            let inside = rest[rest.index(after: open)..<close]
            var ranges: [NumberRange] = []
            for part in inside.split(separator: ",", omittingEmptySubsequences: false) {
                guard let range = NumberRange(part) else { return nil }
                ranges.append(range)
            }
            segments.append(.ranges(ranges))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        return segments
    }
}
