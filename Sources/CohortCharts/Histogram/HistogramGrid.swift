/// Histograms over steps resampled onto a grid of columns (step ranges) × rows (value ranges), each
/// column scaled so its fullest cell is 1.
struct HistogramGrid {
    var columns: Int
    var rows: Int
    var stepLower: Double
    var stepUpper: Double
    var valueLower: Double
    var valueUpper: Double
    /// `cells[column * rows + row]` in `0...1`; row 0 is the lowest values.
    var cells: [Double]
    /// Columns that hold a histogram.
    var filled: [Bool]

    /// `nil` when no step has a usable histogram (finite, ascending edges, one more than counts).
    init?(steps: [HistogramStep], maxColumns: Int, maxRows: Int) {
        let usable = steps.filter(Self.isUsable).sorted { $0.step < $1.step }
        guard let first = usable.first, let last = usable.last else { return nil }
        stepLower = first.step
        stepUpper = last.step
        valueLower = usable.map { $0.edges[0] }.min() ?? 0
        valueUpper = usable.map { $0.edges[$0.edges.count - 1] }.max() ?? 1
        (valueLower, valueUpper) = ChartTicks.padded(valueLower, valueUpper)
        // Ranges wider than a Double can subtract cannot be gridded.
        guard (valueUpper - valueLower).isFinite, (stepUpper - stepLower).isFinite else { return nil }
        columns = max(1, min(usable.count, maxColumns))
        rows = max(1, maxRows)
        cells = [Double](repeating: 0, count: columns * rows)
        filled = [Bool](repeating: false, count: columns)
        let span = stepUpper - stepLower
        for histogram in usable {
            let column = span > 0
                ? min(columns - 1, Int((histogram.step - stepLower) / span * Double(columns)))
                : 0
            fill(column: column, with: histogram)
        }
        normalize()
    }

    /// Puts `histogram` into `column`, replacing an earlier step in the same column; each bin's count
    /// is shared among the rows it overlaps in proportion to the overlap.
    private mutating func fill(column: Int, with histogram: HistogramStep) {
        let base = column * rows
        for row in 0..<rows { cells[base + row] = 0 }
        filled[column] = true
        let scale = Double(rows) / (valueUpper - valueLower)
        for (bin, count) in histogram.counts.enumerated() where count.isFinite && count > 0 {
            let low = (histogram.edges[bin] - valueLower) * scale
            let high = (histogram.edges[bin + 1] - valueLower) * scale
            let firstRow = max(0, min(rows - 1, Int(low)))
            let lastRow = max(firstRow, min(rows - 1, Int(high.rounded(.up)) - 1))
            guard high > low else {
                cells[base + firstRow] += count
                continue
            }
            for row in firstRow...lastRow {
                let overlap = min(Double(row + 1), high) - max(Double(row), low)
                if overlap > 0 { cells[base + row] += count * overlap / (high - low) }
            }
        }
    }

    private mutating func normalize() {
        for column in 0..<columns {
            let base = column * rows
            let largest = cells[base..<(base + rows)].max() ?? 0
            guard largest > 0 else { continue }
            for row in 0..<rows { cells[base + row] /= largest }
        }
    }

    private static func isUsable(_ histogram: HistogramStep) -> Bool {
        guard histogram.step.isFinite, !histogram.counts.isEmpty,
            histogram.edges.count == histogram.counts.count + 1,
            histogram.edges.allSatisfy(\.isFinite)
        else { return false }
        return zip(histogram.edges, histogram.edges.dropFirst()).allSatisfy { $0 <= $1 }
    }
}
