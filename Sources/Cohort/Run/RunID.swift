import Foundation

/// Run ids as W&B makes and accepts them.
enum RunID {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// A new id: 8 random characters from `[a-z0-9]`.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet.randomElement(using: &generator)! })  // alphabet is not empty
    }

    /// Whether `character` may not appear in a run id: W&B's `: ; , # ? / '`, and what cannot be part
    /// of a directory name.
    static func isForbidden(_ character: Character) -> Bool {
        forbidden.contains(character) || character.isNewline
    }

    private static let forbidden: Set<Character> = [":", ";", ",", "#", "?", "/", "'", "\\", "\0"]

    /// Checks a user-given id: non-empty, no surrounding whitespace, none of `: ; , # ? / '`, and
    /// nothing that cannot be part of a directory name.
    static func validate(_ id: String) throws(CohortError) {
        guard !id.isEmpty else { throw .invalid("the run id is empty; pass a non-empty id or leave it out") }
        guard id.trimmingCharacters(in: .whitespacesAndNewlines) == id else {
            throw .invalid("the run id \"\(id)\" starts or ends with whitespace; remove it")
        }
        if let bad = id.first(where: isForbidden) {
            throw .invalid("the run id \"\(id)\" contains \"\(bad)\"; ids may not contain : ; , # ? / ' or \\")
        }
        guard id.utf8.count <= 128 else { throw .invalid("the run id is longer than 128 bytes; use a shorter id") }
    }
}

