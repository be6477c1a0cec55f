/// A curve chart's class column: the class value, or its name from `labels`. Names order as Python
/// strings do (by code point), for the stratified sample and the sort after it.
enum CurveLabel: Hashable, Comparable, Sendable {
    case number(Int)
    case text(String)

    static func < (lhs: CurveLabel, rhs: CurveLabel) -> Bool {
        switch (lhs, rhs) {
        case (.number(let left), .number(let right)): left < right
        case (.text(let left), .text(let right)): left.unicodeScalars.lexicographicallyPrecedes(right.unicodeScalars)
        case (.number, .text): true
        case (.text, .number): false
        }
    }

    var loggable: any Loggable {
        switch self {
        case .number(let value): value
        case .text(let name): name
        }
    }
}

/// W&B's curve data frame: one series of (x, y) pairs per class label in the order first set (a
/// later class with the same label replaces the values, as a Python dict does).
struct CurveSeries {
    private var order: [CurveLabel] = []
    private var values: [CurveLabel: (first: [Double], second: [Double])] = [:]

    mutating func set(_ label: CurveLabel, _ first: [Double], _ second: [Double]) {
        if values[label] == nil { order.append(label) }
        values[label] = (first, second)
    }

    /// The table W&B logs: values rounded to 3 decimals; over `Table.maximumLoggedRows` rows, W&B's
    /// stratified sample sorted by the two value columns and then the class.
    func table(columns: [String]) throws(CohortError) -> Table {
        var rows: [(label: CurveLabel, first: Double, second: Double)] = []
        for label in order {
            guard let (first, second) = values[label] else { continue }
            for (a, b) in zip(first, second) { rows.append((label, ClassifierCurve.round3(a), ClassifierCurve.round3(b))) }
        }
        if rows.count > Table.maximumLoggedRows {
            let kept = ClassifierCurve.stratifiedSample(classes: rows.map(\.label), count: Table.maximumLoggedRows)
            rows = kept.map { rows[$0] }.sorted { lhs, rhs in
                if lhs.first != rhs.first { return lhs.first < rhs.first }
                if lhs.second != rhs.second { return lhs.second < rhs.second }
                return lhs.label < rhs.label
            }
        }
        var table = try Table(columns: columns)
        for row in rows { try table.addData(row.label.loggable, row.first, row.second) }
        return table
    }
}
