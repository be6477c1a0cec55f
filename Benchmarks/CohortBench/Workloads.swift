import Cohort

/// The row shapes logged by every benchmark, the same as in `wandb_bench.py`.
///
/// Rows are built before timing starts, in a pool of `poolSize` distinct rows that the timed loop
/// cycles through, so the figures measure `log()` and not the building of dictionaries.
enum Workload: String, CaseIterable, Sendable {
    /// `{"loss", "acc", "lr"}`: three scalars.
    case scalars3
    /// `{"m00" … "m49"}`: fifty scalars.
    case scalars50
    /// `{"train": {"loss", "acc"}, "eval": {"f1", "precision", "recall"}, "lr"}`.
    case nested

    /// How many distinct rows the timed loop cycles through.
    static let poolSize = 1024

    /// `poolSize` rows of this shape, with values that differ from row to row.
    func makePool() -> [[String: any Loggable]] {
        (0..<Self.poolSize).map(makeRow)
    }

    /// Row number `index` of this shape.
    func makeRow(_ index: Int) -> [String: any Loggable] {
        let x = Double(index) * 0.001
        switch self {
        case .scalars3:
            return ["loss": 1.0 / (1.0 + x), "acc": x / (1.0 + x), "lr": 0.001]
        case .scalars50:
            var row: [String: any Loggable] = [:]
            row.reserveCapacity(50)
            for key in 0..<50 { row[Self.scalarKeys[key]] = x + Double(key) }
            return row
        case .nested:
            return [
                "train": ["loss": 1.0 / (1.0 + x), "acc": x / (1.0 + x)],
                "eval": ["f1": x, "precision": x * 0.5, "recall": x * 0.25],
                "lr": 0.001,
            ]
        }
    }

    /// `m00` … `m49`.
    private static let scalarKeys: [String] = (0..<50).map { $0 < 10 ? "m0\($0)" : "m\($0)" }
}
