import HTTPTypes
import Foundation
import Hummingbird

/// A request's query string as an HTML form sends it (`+` is a space), and its path parameters
/// percent-decoded.
struct WebQuery: Sendable {
    private let pairs: [(name: String, value: String)]

    init(_ request: Request) {
        self.init(query: request.uri.query ?? "")
    }

    init(query: String) {
        pairs = Self.parse(query)
    }

    /// `a=1&b=x+y` → `[(a, 1), (b, "x y")]`.
    static func parse(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ part: Substring) -> String {
                let spaced = part.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let name = parts.first else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The first value of `name`, trimmed; `nil` when absent or empty.
    func value(_ name: String) -> String? {
        guard let value = pairs.first(where: { $0.name == name })?.value.trimmingCharacters(in: .whitespaces), !value.isEmpty
        else { return nil }
        return value
    }

    /// Every non-empty value of `name` (repeated parameters and comma-separated lists).
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.flatMap { $0.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { !$0.isEmpty }
    }

    /// The query with `changes` applied (`nil` removes a name), as `?a=1&b=2`.
    func with(_ changes: [String: String?]) -> String {
        var result = pairs.filter { changes[$0.name] == nil }
        for (name, value) in changes.sorted(by: { $0.key < $1.key }) {
            if let value = value { result.append((name, value)) }
        }
        let text = result.map { WebPaths.queryEncode($0.name) + "=" + WebPaths.queryEncode($0.value) }.joined(separator: "&")
        return text.isEmpty ? "?" : "?" + text
    }

    /// A path parameter, percent-decoded (400 when missing or not UTF-8).
    static func parameter(_ name: String, _ context: CohortRequestContext) throws(WebError) -> String {
        guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw WebError(.badRequest, "The address is missing its \(name) or it is not valid.")
        }
        return decoded
    }
}
