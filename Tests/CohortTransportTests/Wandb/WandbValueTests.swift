import CohortModel
import CohortTransport
import Testing

/// The pure parts of the W&B client: envelopes, digests, URLs, header parsing.
@Suite("W&B API: values")
struct WandbValueTests {
    @Test("A GraphQL body leaves out variables when there are none", arguments: [false, true])
    func envelope(withVariables: Bool) throws {
        let operation = GraphQLOperation(
            name: "Viewer", document: "query Viewer { viewer { id } }", variables: withVariables ? ["x": 1] : [:])
        let body = try JSONParser.parse(operation.body())
        #expect(body["operationName"] == "Viewer")
        #expect(body["query"] == "query Viewer { viewer { id } }")
        #expect((body["variables"] != nil) == withVariables)
    }

    @Test("MD5 matches RFC 1321's test vectors, also when fed in pieces")
    func md5Vectors() {
        #expect(MD5.hash([UInt8]()).hex == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hash(Array("abc".utf8)).hex == "900150983cd24fb0d6963f7d28e17f72")
        let long = Array("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)
        #expect(MD5.hash(long).hex == "57edf4a22be3c955ac49da2e2107b67a")
        var pieces = MD5()
        pieces.update(long[0..<7])
        pieces.update(long[7..<70])
        pieces.update(long[70...])
        #expect(pieces.finalize().hex == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(MD5.hash(Array("abc".utf8)).base64 == "kAFQmDzST7DWlj99KOF/cg==")
    }

    @Test("The manifest digest hashes sorted path:md5 lines after W&B's header")
    func manifestDigest() {
        let lines = "wandb-artifact-manifest-v1\na.txt:AAA=\nb.txt:BBB=\n"
        #expect(ArtifactDigest.manifestDigest(["b.txt": "BBB=", "a.txt": "AAA="]) == MD5.hash(Array(lines.utf8)).hex)
    }

    @Test("Run URLs follow W&B's layout and app-host rules")
    func runURLs() {
        #expect(WandbURLs(baseURL: "http://127.0.0.1:8080/").run(entity: "e", project: "p", runID: "abc") == "http://127.0.0.1:8080/e/p/runs/abc")
        #expect(WandbURLs(baseURL: "https://api.wandb.ai").project(entity: "e", project: "p") == "https://wandb.ai/e/p")
        #expect(WandbURLs(baseURL: "https://api.example.com").sweep(entity: "e", project: "p", sweepID: "s") == "https://app.example.com/e/p/sweeps/s")
        #expect(WandbURLs(baseURL: "https://api.example.com", appURL: "https://ui.example.com").group(entity: "e", project: "p", group: "g 1")
            == "https://ui.example.com/e/p/groups/g%201")
    }

    @Test("Upload header strings split at the first colon")
    func uploadHeaders() {
        let headers = HTTPHeader.wandbUploadHeaders(["Content-MD5:abc==", "X-Thing: a:b", "broken"])
        #expect(headers == [HTTPHeader("Content-MD5", "abc=="), HTTPHeader("X-Thing", "a:b")])
    }

    @Test("Credentials never print the key")
    func credentialsHideKey() {
        let key = String(repeating: "k3y", count: 14)
        let credentials = WandbCredentials(baseURL: "http://127.0.0.1:1/", apiKey: key)
        #expect(credentials.baseURL == "http://127.0.0.1:1")
        #expect(!"\(credentials)".contains(key))
        #expect(!String(reflecting: credentials).contains(key))
    }
}
