@testable import CohortServer
import CohortTestSupport
import Foundation
import Logging
import Synchronization

/// Fixture stores live until the test process exits: SQLiteNIO asserts that a connection was
/// closed before it goes away, and route tests do not close their stores (as `TestStore`).
private let keptStores = Mutex<[SQLiteRunStore]>([])

/// A real SQLite store and data directory populated with what every web page shows: runs in
/// every state, a group of two ranks with its aggregate run, a sweep, media (image with boxes,
/// GIF, audio, table, histogram, 3D object), files, alerts, console output and artifacts; keys for
/// `alice` (the data's entity), `bob` (another entity) and an admin.
struct WebFixture: Sendable {
    static let entity = "alice"
    static let project = "vision"
    static let aliceKey = "alice-key-" + String(repeating: "a1", count: 20)
    static let bobKey = "bob-key-" + String(repeating: "b2", count: 20)
    static let adminKey = "admin-key-" + String(repeating: "c3", count: 20)
    static let hostileName = "<script>alert(\"pwned\")</script>"

    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAHUlEQVR4nGNkYGgQYGAgHrEwCDCQBEY1jGoYOhoAHgoCnuSqbggAAAAASUVORK5CYII=") ?? Data()
    static let gif = Data(base64Encoded: "R0lGODlhCAAIAIAAAAAAAAAAACH/C05FVFNDQVBFMi4wAwEAAAAh+QQAPAAAACwAAAAACAAIAAAIDwABCBxIsKDBgwgTKkwYEAA7") ?? Data()

    let directory: TemporaryDirectory
    let store: SQLiteRunStore
    let services: ServerServices

    static func key(_ name: String) -> RunKey { RunKey(entity: entity, project: project, name: name) }

    static func make() async throws -> WebFixture {
        let directory = try TemporaryDirectory(prefix: "cohort-web")
        var logger = Logger(label: "web-test")
        logger.logLevel = .warning
        let store = try await SQLiteRunStore.open(path: directory.appending("cohort.sqlite"), logger: logger)
        try await store.migrate()
        keptStores.withLock { $0.append(store) }
        let services = ServerServices(
            configuration: ServerConfiguration(dataDirectory: directory.path), store: store, artifacts: store,
            signer: URLSigner(secret: Array(repeating: 9, count: 32)), logger: logger, baseURL: "http://localhost:8080")
        let fixture = WebFixture(directory: directory, store: store, services: services)
        try await fixture.populate()
        return fixture
    }

    private func populate() async throws {
        for (id, key, entity, admin) in [("ka", Self.aliceKey, "alice", false), ("kb", Self.bobKey, "bob", false), ("kc", Self.adminKey, "root", true)] {
            try await store.insertAPIKey(APIKeyRecord(
                id: id, secretHash: APIKeys.hash(key), label: id, entity: entity, isAdmin: admin, createdAt: Date()))
        }
        try await populateMainRun()
        try await run("failed-run", name: "failed run", state: .failed, tags: ["flaky"], exitCode: 3)
        try await run("xss", name: Self.hostileName, tags: ["<b>bold</b>"], notes: "<img src=x onerror=alert(1)>")
        try await populateGroup()
        try await run("sweep-a", name: "sweep a", config: #"{"lr": {"value": 0.1}}"#, summary: #"{"val_loss": 0.5}"#, sweep: "sw1")
        try await run("sweep-b", name: "sweep b", config: #"{"lr": {"value": 0.01}}"#, summary: #"{"val_loss": 0.2}"#, sweep: "sw1")
        try await populateArtifacts()
        // Bob's own project, which Alice must not see.
        _ = try await store.upsertRun(RunUpsert(key: RunKey(entity: "bob", project: "secret", name: "b1")), at: Date())
    }

    @discardableResult
    func run(
        _ id: String, name: String, state: RunState = .finished, group: String? = nil, jobType: String? = nil,
        tags: [String] = [], notes: String? = nil, config: String = "{}", summary: String = "{}", sweep: String? = nil,
        exitCode: Int? = nil, history: [String] = [], console: [String] = []
    ) async throws -> RunRecord {
        var upsert = RunUpsert(key: Self.key(id))
        upsert.displayName = name
        upsert.groupName = group
        upsert.jobType = jobType
        upsert.tags = tags
        upsert.notes = notes
        upsert.config = config
        upsert.summaryMetrics = summary
        upsert.sweep = sweep
        _ = try await store.upsertRun(upsert, at: Date())
        let batch = FileStreamBatch(
            history: history.isEmpty ? nil : .init(offset: 0, lines: history),
            console: console.isEmpty ? nil : .init(offset: 0, lines: console),
            complete: state != .running, exitCode: state == .finished ? 0 : (exitCode ?? 1))
        var record = try await store.applyFileStream(batch, to: Self.key(id), at: Date())
        if state == .crashed || state == .running {
            var again = RunUpsert(key: Self.key(id))
            again.state = state
            record = try await store.upsertRun(again, at: Date()).run
        }
        return record
    }

    func storeFile(_ run: String, name: String, bytes: Data) async throws {
        let digest = try await services.blobs.write(bytes: [UInt8](bytes))
        try await store.storeRunFile(Self.key(run), name: name, digest: digest.sha256, size: digest.size, at: Date())
    }

    private func populateMainRun() async throws {
        var history: [String] = []
        for step in 0..<50 {
            var row = #"{"_step": \#(step), "_runtime": \#(Double(step) * 0.5), "loss": \#(1.0 / Double(step + 1)), "acc": \#(Double(step) / 50)"#
            if step % 10 == 0 {
                row += #", "weights": {"_type": "histogram", "values": [1, 3, 5, 3, 1], "bins": [0, 1, 2, 3, 4, 5]}"#
            }
            if step == 20 {
                row += #", "sample": {"_type": "image-file", "path": "media/images/sample_20_aa.png", "width": 16, "height": 16, "format": "png", "caption": "a <sample>", "#
                    + #""boxes": {"predictions": {"_type": "boxes2D", "path": "media/metadata/boxes2D/sample_20_bb.boxes2D.json"}}}"#
                row += #", "anim": {"_type": "video-file", "path": "media/videos/anim_20_cc.gif"}"#
                row += #", "clip": {"_type": "audio-file", "path": "media/audio/clip_20_dd.wav"}"#
                row += #", "preds": {"_type": "table-file", "path": "media/table/preds_20_ee.table.json", "ncols": 2, "nrows": 2}"#
                row += #", "cloud": {"_type": "object3D-file", "path": "media/object3D/cloud_20_ff.pts.json"}"#
            }
            history.append(row + "}")
        }
        try await run(
            "main", name: "resnet baseline", tags: ["baseline"], notes: "first try",
            config: #"{"lr": {"value": 0.01}, "batch": {"value": 32}, "_wandb": {"value": {"x": 1}}}"#,
            summary: #"{"loss": 0.02, "acc": 0.98, "_runtime": 24.5}"#, history: history,
            console: ["epoch 1 <done>", "epoch 2 done"])
        try await storeFile("main", name: "media/images/sample_20_aa.png", bytes: Self.png)
        try await storeFile("main", name: "media/videos/anim_20_cc.gif", bytes: Self.gif)
        try await storeFile("main", name: "media/audio/clip_20_dd.wav", bytes: Self.wav())
        try await storeFile(
            "main", name: "media/table/preds_20_ee.table.json",
            bytes: Data(#"{"columns": ["label", "score"], "data": [["cat", 0.9], ["dog <x>", 0.4]]}"#.utf8))
        try await storeFile(
            "main", name: "media/metadata/boxes2D/sample_20_bb.boxes2D.json",
            bytes: Data(#"{"box_data": [{"position": {"minX": 0.1, "maxX": 0.6, "minY": 0.2, "maxY": 0.7}, "class_id": 1, "box_caption": "cat"}], "class_labels": {"1": "cat"}}"#.utf8))
        try await storeFile("main", name: "media/object3D/cloud_20_ff.pts.json", bytes: Data("[[0, 0, 0]]".utf8))
        try await storeFile("main", name: "config.yaml", bytes: Data("lr: 0.01\n".utf8))
        _ = try await store.recordAlert(
            AlertRecord(key: Self.key("main"), title: "loss spiked", text: "loss went above 2", severity: .warn, createdAt: Date()),
            waitDuration: .zero)
    }

    private func populateGroup() async throws {
        for rank in 0..<2 {
            let history = (0..<20).map { step in #"{"_step": \#(step), "loss": \#(Double(rank + 1) / Double(step + 1))}"# }
            try await run(
                "ddp-r\(rank)", name: "ddp-rank\(rank)", state: rank == 0 ? .running : .crashed, group: "ddp", jobType: "train",
                config: #"{"_cohort": {"value": {"rank": \#(rank), "world_size": 2}}}"#, history: history)
        }
        let aggregate = (0..<20).map { step in
            let (a, b) = (1 / Double(step + 1), 2 / Double(step + 1))
            return #"{"_step": \#(step), "loss/mean": \#((a + b) / 2), "loss/min": \#(a), "loss/max": \#(b), "loss/std": \#((b - a) / 2), "loss/count": 2, "ranks/rank1/lag": 3, "ranks/rank0/step_time": 0.25}"#
        }
        try await run(
            "ddp-agg", name: "ddp-aggregate", state: .running, group: "ddp", jobType: "group",
            summary: #"{"group_state": "partial", "ranks": {"rank1": {"state": "dead"}}, "ranks_summary": {"loss": {"mean": 0.075, "min": 0.05, "max": 0.1, "std": 0.025, "count": 2}}}"#,
            history: aggregate)
    }

    private func populateArtifacts() async throws {
        let created = try await store.createArtifact(
            ArtifactCreation(
                entity: Self.entity, project: Self.project, type: "dataset", collection: "mnist", digest: "d1",
                description: "digits", metadata: #"{"source": "yann"}"#, createdBy: Self.key("main"), aliases: ["latest", "best"]),
            at: Date())
        let id = created.artifact.id
        let bytes = Data("label,pixels\n1,0\n".utf8)
        let digest = try await services.blobs.write(bytes: [UInt8](bytes))
        let md5 = Data(BlobStore.bytes(fromHex: try await services.blobs.md5(sha256: digest.sha256) ?? "") ?? []).base64EncodedString()
        _ = try await store.announceArtifactFile(
            ArtifactFileRecord(artifactID: id, name: "train/data.csv", md5: md5, birthArtifactID: id, storagePath: "p/\(id)/data"))
        try await store.storeArtifactFile(storagePath: "p/\(id)/data", blobDigest: digest.sha256, size: digest.size)
        _ = try await store.commitArtifact(id: id, at: Date())
        try await store.recordUse(artifactID: id, by: Self.key("failed-run"), usedAs: nil, at: Date())
    }

    /// A tenth of a second of a 440 Hz tone as 16-bit mono WAV.
    static func wav() -> Data {
        let samples = (0..<800).map { Int16(8000 * sin(Double($0) / 8000 * 2 * .pi * 440)) }
        var data = Data("RIFF".utf8)
        func le<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        le(UInt32(36 + samples.count * 2))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        le(UInt32(16)); le(UInt16(1)); le(UInt16(1)); le(UInt32(8000)); le(UInt32(16000)); le(UInt16(2)); le(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        le(UInt32(samples.count * 2))
        for sample in samples { le(sample) }
        return data
    }
}
