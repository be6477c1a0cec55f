@testable import Cohort
import Testing

@Suite("The log tape that carries rows from log() to the journal writer")
struct LogTapeTests {
    @Test("every kind of value reads back as written, after other rows on the same tape")
    func roundTrip() {
        let items: [String: any Loggable] = [
            "double": 0.1, "int": Int64.min, "bool": false, "true": true, "null": Optional<Double>.none,
            "text": "naïve 🎉 \"quoted\"", "empty": "", "array": [1.5, 2.5], "nested": ["a": ["b": 1]],
            "json": JSONValue.array([.null, .object(["k": .double(.nan)])]), "long key " + String(repeating: "x", count: 300): 1,
        ]
        var tape = LogTape()
        tape.writeRow(["first": 1])
        let offset = tape.count
        tape.writeRow(items)
        var read: [String: JSONValue] = [:]
        var reader = LogTapeReader(tape, at: offset)
        reader.forEachMember { key, value in read[key] = value }
        #expect(read.count == items.count)
        for (key, value) in items {
            #expect(read[key]?.isSameValue(as: value.jsonValue) == true, "key \(key)")
        }
    }

    @Test("a tape grows past its first allocation and can be reused after reset")
    func growthAndReuse() {
        var tape = LogTape()
        for index in 0..<10_000 { tape.writeRow(["index": index, "name": "row \(index)"]) }
        #expect(tape.count > 4096)
        let capacity = tape.capacity
        tape.reset()
        #expect(tape.count == 0)
        tape.writeRow(["again": true])
        #expect(tape.capacity == capacity)
        var reader = LogTapeReader(tape, at: 0)
        var keys: [String] = []
        reader.forEachMember { key, _ in keys.append(key) }
        #expect(keys == ["again"])
    }
}
