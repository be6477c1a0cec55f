@testable import CohortServer
import CohortTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// A data directory and a store with one admin key, and the server's services over them; `restart`
/// makes new services over the same directory and store (what a new server process has: nothing in
/// memory). History goes in through the real file_stream route, pages come out of the real router.
struct SeriesTestServer: Sendable {
    static let key = "series-admin-" + String(repeating: "s5", count: 20)
    static let entity = "admin"
    static let project = "series"

    let directory: TemporaryDirectory
    let store: any RunStore & ArtifactStore
    let services: ServerServices

    static func make(store: any RunStore & ArtifactStore, seriesFiles: Bool = true) async throws -> SeriesTestServer {
        try await store.insertAPIKey(APIKeyRecord(
            id: "series-admin", secretHash: APIKeys.hash(key), label: "admin", entity: entity, isAdmin: true, createdAt: Date()))
        let directory = try TemporaryDirectory(prefix: "cohort-series")
        var configuration = ServerConfiguration(dataDirectory: directory.path)
        configuration.seriesFiles = seriesFiles
        return SeriesTestServer(directory: directory, store: store, services: services(configuration, store: store))
    }

    private static func services(_ configuration: ServerConfiguration, store: any RunStore & ArtifactStore) -> ServerServices {
        ServerServices(
            configuration: configuration, store: store, artifacts: store, signer: URLSigner(secret: Array(repeating: 5, count: 32)),
            logger: .quiet, baseURL: "http://localhost:8080")
    }

    /// New services over the same data directory and store (and configuration).
    func restart() -> SeriesTestServer {
        SeriesTestServer(directory: directory, store: store, services: Self.services(services.configuration, store: store))
    }

    static func runKey(_ name: String) -> RunKey { RunKey(entity: entity, project: project, name: name) }

    var indexer: SeriesIndexer { services.seriesIndexer }

    /// The run's record (created when missing).
    @discardableResult
    func createRun(_ name: String) async throws -> RunRecord {
        try await store.upsertRun(RunUpsert(key: Self.runKey(name)), at: Date()).run
    }

    func record(_ name: String) async throws -> RunRecord {
        try #require(try await store.run(Self.runKey(name)))
    }

    /// Runs `body` with a client of the full router and returns what it returns.
    @discardableResult
    func withClient<Value: Sendable>(_ body: @escaping @Sendable (SeriesTestClient) async throws -> Value) async throws -> Value {
        let app = Application(router: CohortServerApp.makeRouter(services: services), logger: services.logger)
        return try await app.test(.router) { client in try await body(SeriesTestClient(client: client)) }
    }

    /// The series of the run as parsed from the store alone (no files, no cache).
    func parsed(_ name: String) async throws -> MetricSeries {
        try await MetricSeriesCache().series(of: try await record(name), store: store)
    }

    /// The series the run's files hold, or `nil` when they hold none (missing or damaged).
    func onDisk(_ name: String) async throws -> MetricSeries? {
        guard case .loaded(let series) = indexer.files.load(try await record(name).storageID) else { return nil }
        return series
    }

    /// `<data>/series/<storage id>/<file>`.
    func path(_ name: String, _ file: String) async throws -> String {
        try #require(indexer.files.directory(for: try await record(name).storageID)) + "/" + file
    }
}

/// file_stream posts and page gets with the admin key.
struct SeriesTestClient: Sendable {
    let client: any TestClientProtocol

    private var authorization: HTTPFields {
        [.authorization: "Basic " + Data("api:\(SeriesTestServer.key)".utf8).base64EncodedString(), .contentType: "application/json"]
    }

    /// Sends `lines` as history starting at `offset`; expects 200.
    func post(_ run: String, offset: Int, lines: [String]) async throws {
        let body: [String: Any] = ["files": ["wandb-history.jsonl": ["offset": offset, "content": lines]]]
        let bytes = try JSONSerialization.data(withJSONObject: body)
        let response = try await client.execute(
            uri: "/files/\(SeriesTestServer.entity)/\(SeriesTestServer.project)/\(run)/file_stream", method: .post,
            headers: authorization, body: ByteBuffer(bytes: bytes))
        #expect(response.status == .ok)
    }

    /// The run page's HTML; expects 200.
    func page(_ run: String, query: String = "") async throws -> String {
        let response = try await client.execute(
            uri: "/\(SeriesTestServer.entity)/\(SeriesTestServer.project)/runs/\(run)\(query)", method: .get, headers: authorization)
        #expect(response.status == .ok)
        return String(buffer: response.body)
    }
}

/// History lines with every kind of row: full rows, rows missing a metric, nested objects (one
/// giving a key a second time in its row) and non-numeric values, malformed lines, NaN and infinite values, media (one key every other row, so
/// its track thins), and a metric that first appears late.
enum SeriesHistory {
    static func lines(_ range: Range<Int>) -> [String] {
        range.map { index in
            let step = "\"_step\": \(index)"
            switch index % 7 {
            case 3: return "not a json object \(index)"
            case 5:
                return #"{\#(step), "_runtime": \#(index), "train.loss": 9, "train": {"loss": \#(1 / Double(index + 1)), "deep": {"x": \#(index)}}, "name": "text", "flag": true, "list": [1, 2]}"#
            case 6: return #"{"_step": NaN, "nan": NaN, "inf": -Infinity}"#
            default:
                var line = #"{\#(step), "_runtime": \#(Double(index) * 0.5), "_timestamp": \#(1.7e9 + Double(index)), "loss": \#(1 / Double(index + 1))"#
                if index % 2 == 0 { line += #", "img": {"_type": "image-file", "path": "media/images/x_\#(index).png", "caption": "é \"q\""}"# }
                if index >= 200 { line += #", "late": \#(index)"# }
                return line + "}"
            }
        }
    }
}

/// Expects two series to be the same value for value (bit for bit, so NaN equals NaN).
func expectSame(_ a: MetricSeries, _ b: MetricSeries, sourceLocation: SourceLocation = #_sourceLocation) {
    func bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }
    #expect(a.rowCount == b.rowCount, sourceLocation: sourceLocation)
    #expect(bits(a.steps) == bits(b.steps), sourceLocation: sourceLocation)
    #expect(bits(a.runtimes) == bits(b.runtimes), sourceLocation: sourceLocation)
    #expect(bits(a.timestamps) == bits(b.timestamps), sourceLocation: sourceLocation)
    #expect(a.metricNames == b.metricNames, sourceLocation: sourceLocation)
    for name in a.metricNames {
        #expect(a.columns[name]?.rows == b.columns[name]?.rows, "\(name)", sourceLocation: sourceLocation)
        #expect(bits(a.columns[name]?.values ?? []) == bits(b.columns[name]?.values ?? []), "\(name)", sourceLocation: sourceLocation)
    }
    #expect(a.mediaKeys == b.mediaKeys, sourceLocation: sourceLocation)
    for key in a.mediaKeys {
        let (x, y) = (a.media[key], b.media[key])
        #expect(x?.stride == y?.stride && x?.seen == y?.seen, "\(key)", sourceLocation: sourceLocation)
        let describe = { (track: MetricSeries.MediaTrack?) in (track?.all ?? []).map { "\($0.row) \($0.step.bitPattern) \($0.json)" } }
        #expect(describe(x) == describe(y), "\(key)", sourceLocation: sourceLocation)
        #expect(x?.latest?.row == y?.latest?.row, "\(key)", sourceLocation: sourceLocation)
    }
    #expect(a.malformedRows == b.malformedRows && a.mediaBytes == b.mediaBytes, sourceLocation: sourceLocation)
}
