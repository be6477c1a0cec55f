internal import Foundation

/// Parses the IMF-fixdate form of an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`), the one servers send
/// (RFC 9110 §5.6.7); the obsolete RFC 850 and asctime forms are also read.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        var fields = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard fields.count >= 4 else { return nil }
        fields.removeFirst()  // day name
        let day: Int?
        let month: Int?
        var year: Int?
        let time: String
        if fields.count >= 4, fields[0].count <= 2 {  // IMF-fixdate: 06 Nov 1994 08:49:37 GMT
            (day, month, year, time) = (Int(fields[0]), monthIndex(fields[1]), Int(fields[2]), fields[3])
        } else if fields[0].contains("-") {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
            let parts = fields[0].split(separator: "-").map(String.init)
            guard parts.count == 3 else { return nil }
            (day, month, year, time) = (Int(parts[0]), monthIndex(parts[1]), Int(parts[2]), fields[1])
            if let short = year, short < 100 { year = short + (short < 70 ? 2000 : 1900) }
        } else if fields.count >= 4 {  // asctime: Sun Nov  6 08:49:37 1994
            (day, month, year, time) = (Int(fields[1]), monthIndex(fields[0]), Int(fields[3]), fields[2])
        } else {
            return nil
        }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard let day, let month, let year, clock.count == 3, (1...31).contains(day),
            (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month + 1, day: day)
        let seconds = days * 86_400 + clock[0] * 3600 + clock[1] * 60 + clock[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func monthIndex(_ name: String) -> Int? {
        months.firstIndex(of: name.prefix(3).lowercased())
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
