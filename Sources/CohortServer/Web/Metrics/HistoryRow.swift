/// What one history line holds for the charts: `_step`, `_runtime`, `_timestamp`, the numeric
/// values (nested objects flattened to `a.b`) and the media objects (those with a `_type`) as
/// JSON text.
struct HistoryRow: Sendable {
    var step: Double?
    var runtime: Double?
    var timestamp: Double?
    var values: [(key: String, value: Double)] = []
    var media: [(key: String, json: String)] = []
}
