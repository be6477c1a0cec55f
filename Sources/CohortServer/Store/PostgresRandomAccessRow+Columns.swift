import Foundation
import PostgresNIO

/// Typed, forgiving column reads for the PostgreSQL store: a missing column or a SQL `NULL` is `nil`.
/// Times are `DOUBLE PRECISION` seconds since 1970 (see `PostgresMigrations`).
extension PostgresRandomAccessRow {
    func text(_ name: String) -> String? {
        guard contains(name) else { return nil }
        return (try? self[name].decode(String?.self)) ?? nil
    }

    func int(_ name: String) -> Int? {
        guard contains(name) else { return nil }
        return (try? self[name].decode(Int?.self)) ?? nil
    }

    func bool(_ name: String) -> Bool? {
        guard contains(name) else { return nil }
        return (try? self[name].decode(Bool?.self)) ?? nil
    }

    func date(_ name: String) -> Date? {
        guard contains(name), let seconds = (try? self[name].decode(Double?.self)) ?? nil else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
