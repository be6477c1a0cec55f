import CohortModel
import Foundation

/// The rules every `RunStore` applies the same way, kept out of the SQL so that the SQLite and
/// PostgreSQL stores share them: JSON checks, the summary merge, tags as JSON text, generated names.
enum StoreRules {
    /// Parses `text` as a JSON object, or throws `.invalid` naming `what`.
    static func object(_ text: String, _ what: String) throws(StoreError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONParser.parse(text)
        } catch {
            throw StoreError(.invalid, "\(what) is not valid JSON (\(error))")
        }
        guard let members = value.objectValue else {
            throw StoreError(.invalid, "\(what) must be a JSON object")
        }
        return members
    }

    /// An `UpsertBucket` applied to a stored run: given fields replace, `nil` ones keep what is
    /// stored, summary metrics merge key by key, a crashed run heard from again is running, and
    /// `updatedAt`/`heartbeatAt` move to `date`.
    static func apply(_ upsert: RunUpsert, to record: inout RunRecord, at date: Date) throws(StoreError) {
        if let value = upsert.displayName { record.displayName = value }
        if let value = upsert.groupName { record.groupName = value }
        if let value = upsert.jobType { record.jobType = value }
        if let value = upsert.notes { record.notes = value }
        if let value = upsert.description { record.description = value }
        if let value = upsert.host { record.host = value }
        if let value = upsert.program { record.program = value }
        if let value = upsert.commit { record.commit = value }
        if let value = upsert.repo { record.repo = value }
        if let value = upsert.sweep { record.sweep = value }
        if let value = upsert.tags { record.tags = value }
        if let value = upsert.config { record.config = value }
        if let value = upsert.summaryMetrics { record.summary = try mergeSummary(record.summary, value) }
        if let state = upsert.state {
            record.state = state
        } else if record.state == .crashed {
            record.state = .running  // heard from again
        }
        record.updatedAt = date
        record.heartbeatAt = date
    }

    /// `stored` with every top-level key of `update` set to its new value (W&B's `summaryMetrics`
    /// merge: keys not in the update keep their values; nested objects are replaced, not merged).
    static func mergeSummary(_ stored: String, _ update: String) throws(StoreError) -> String {
        let patch = try object(update, "summaryMetrics")
        // A stored summary that does not parse (it never should) is replaced rather than kept.
        var members = (try? object(stored, "summary")) ?? [:]
        for (key, value) in patch { members[key] = value }
        return JSONWriter.string(.object(members))
    }

    static func encodeTags(_ tags: [String]) -> String {
        JSONWriter.string(.array(tags.map { .string($0) }))
    }

    static func decodeTags(_ text: String) -> [String] {
        guard let array = (try? JSONParser.parse(text))?.arrayValue else { return [] }
        return array.compactMap(\.stringValue)
    }

    /// The state a `complete` file_stream request gives: exit code 0 (or none) is success.
    static func finalState(exitCode: Int?) -> RunState {
        (exitCode ?? 0) == 0 ? .finished : .failed
    }

    /// The first path segments of the server's own routes (API, blobs, web UI). An entity with one of
    /// these names would have web pages (`/{entity}/…`) that the router can never reach.
    static let reservedEntityNames: Set<String> = [
        "artifactsV2", "files", "graphql", "healthz", "login", "logout", "sdk", "static", "storage",
    ]

    /// Refuses to create an entity whose name is one of ``reservedEntityNames``.
    static func checkEntityName(_ name: String) throws(StoreError) {
        guard !reservedEntityNames.contains(name) else {
            throw StoreError(.invalid, "\"\(name)\" is reserved for the server's own routes and cannot be an entity name; choose another")
        }
    }

    /// Refuses a stop request for a run that is no longer running (a crashed run may still be
    /// resumed, so it can be asked to stop).
    static func checkStoppable(_ run: RunRecord) throws(StoreError) {
        switch run.state {
        case .running, .crashed: return
        case .finished, .failed:
            throw StoreError(.conflict, "run \(run.key) has already \(run.state.rawValue); there is nothing to stop")
        }
    }

    /// A readable display name like W&B's: `<adjective>-<noun>-<number>`, where `number` is the run's
    /// ordinal in its project (the count of runs before it, plus one), so names in a project are unique.
    static func generatedName(ordinal: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return generatedName(ordinal: ordinal, using: &generator)
    }

    static func generatedName(ordinal: Int, using generator: inout some RandomNumberGenerator) -> String {
        let adjective = adjectives.randomElement(using: &generator) ?? "quiet"
        let noun = nouns.randomElement(using: &generator) ?? "river"
        return "\(adjective)-\(noun)-\(ordinal)"
    }

    /// A new opaque storage id (W&B's bucket `id`): `run-` and 16 lowercase hex digits.
    static func newStorageID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() as UInt64
        let hex = String(value, radix: 16)
        return "run-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    static let adjectives = [
        "amber", "bold", "brisk", "calm", "clever", "cosmic", "crimson", "dainty", "dashing", "deft", "dry",
        "eager", "earthy", "fancy", "fearless", "fiery", "fresh", "gentle", "giddy", "golden", "grand",
        "hardy", "hazy", "honest", "icy", "jolly", "keen", "kind", "lively", "lucky", "lunar", "mellow",
        "misty", "noble", "olive", "peach", "playful", "polar", "proud", "quiet", "rare", "restful", "rosy",
        "royal", "rustic", "sage", "scarlet", "serene", "silver", "sleek", "smooth", "snowy", "solar",
        "stellar", "sunny", "swift", "tidy", "twilight", "upbeat", "vague", "valiant", "vivid", "warm",
        "wild", "wise", "woven", "zesty",
    ]

    static let nouns = [
        "aurora", "bird", "breeze", "brook", "butterfly", "canyon", "cedar", "cloud", "comet", "cosmos",
        "dawn", "deluge", "dew", "dream", "dust", "eon", "feather", "fern", "field", "firefly", "flower",
        "fog", "forest", "frost", "galaxy", "glade", "grass", "harbor", "haze", "hill", "lake", "leaf",
        "meadow", "moon", "morning", "mountain", "night", "oasis", "ocean", "paper", "pine", "planet",
        "pond", "rain", "resonance", "river", "sea", "shadow", "sky", "smoke", "snow", "sound", "spaceship",
        "spark", "star", "sun", "sunset", "thunder", "tree", "universe", "valley", "violet", "water",
        "wave", "wind", "wood",
    ]
}
