import Foundation
import SQLiteNIO

extension SQLiteData {
    static func textOrNull(_ value: String?) -> SQLiteData { value.map { .text($0) } ?? .null }
    static func time(_ date: Date?) -> SQLiteData { date.map { .float($0.timeIntervalSince1970) } ?? .null }
    static func bool(_ value: Bool) -> SQLiteData { .integer(value ? 1 : 0) }
}

extension SQLiteRow {
    func text(_ name: String) -> String? {
        guard let data = column(name), !data.isNull else { return nil }
        return data.string
    }

    func int(_ name: String) -> Int? {
        guard let data = column(name), !data.isNull else { return nil }
        return data.integer.map { Int($0) }
    }

    func date(_ name: String) -> Date? {
        guard let data = column(name), !data.isNull, let seconds = data.double else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
}
