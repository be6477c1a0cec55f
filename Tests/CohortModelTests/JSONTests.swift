import CohortModel
import Testing

@Suite("JSON values as W&B writes them")
struct JSONTests {
    @Test("integers stay integers and floats stay floats through a round trip")
    func numberKinds() throws {
        let value: JSONValue = ["int": 5, "float": 5.0, "small": 1e-05, "negative": -3, "big": .int(Int64.max)]
        let text = JSONWriter.string(value)
        #expect(text == #"{"big":9223372036854775807,"float":5.0,"int":5,"negative":-3,"small":1e-05}"#)
        let parsed = try JSONParser.parse(text)
        #expect(parsed == value)
        #expect(parsed["int"] == .int(5))
        #expect(parsed["float"] == .double(5.0))
    }

    @Test("NaN and the infinities are written as bare tokens and read back")
    func nonFinite() throws {
        let value: JSONValue = [.double(.nan), .double(.infinity), .double(-.infinity)]
        let text = JSONWriter.string(value)
        #expect(text == "[NaN,Infinity,-Infinity]")
        let parsed = try JSONParser.parse(text)
        #expect(parsed.isSameValue(as: value))
        #expect(parsed.arrayValue?[0].number?.isNaN == true)
    }

    @Test("strings with quotes, control characters and non-ASCII text round trip")
    func strings() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🎉 accent é"
        let encoded = JSONWriter.string(.string(text))
        #expect(!encoded.contains("\n"))
        #expect(try JSONParser.parse(encoded) == .string(text))
    }

    @Test("escaped surrogate pairs decode to one character")
    func surrogates() throws {
        #expect(try JSONParser.parse(#""\ud83c\udf89""#) == .string("🎉"))
    }

    @Test("Python's json output parses, including spaces after separators")
    func pythonStyle() throws {
        let parsed = try JSONParser.parse(#"{"a": [1, 2.5, true, null], "b": {"c": "d"}, "e": NaN}"#)
        #expect(parsed["a"] == [1, 2.5, true, nil])
        #expect(parsed["b"]?["c"] == "d")
    }

    @Test("malformed documents are errors with an offset, never a crash", arguments: [
        "", "{", "[1,", #"{"a" 1}"#, "tru", "01x", "1.", "-", #""unterminated"#, #"{"a":1}}"#, "\"\\x\"", "[1 2]",
        String(repeating: "[", count: 2000),
    ])
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test("object keys are written in sorted order so equal values give equal bytes")
    func sortedKeys() {
        let a: JSONValue = ["b": 1, "a": 2, "c": ["z": 1, "y": 2]]
        #expect(JSONWriter.string(a) == #"{"a":2,"b":1,"c":{"y":2,"z":1}}"#)
    }
}
