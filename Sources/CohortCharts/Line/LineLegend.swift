/// The legend of a line chart: text entries with a colour swatch, flowed into rows under the title.
struct LineLegend {
    struct Entry {
        var name: String
        var color: String
        var isBand: Bool
    }

    /// The most entries drawn; the rest are summed up as "+N more".
    static let maximumEntries = 12
    static let rowHeight = 16.0
    static let firstBaseline = 36.0

    var markup = ""
    var rows = 0

    init(entries: [Entry], width: Int) {
        guard !entries.isEmpty else { return }
        var x = 8.0
        var row = 0
        let available = Double(width) - 8
        var items: [String] = []
        let shown = entries.prefix(Self.maximumEntries)
        for entry in shown {
            let entryWidth = 22 + Self.textWidth(entry.name) + 12
            if x + entryWidth > available, x > 8 {
                row += 1
                x = 8
            }
            let baseline = Self.firstBaseline + Double(row) * Self.rowHeight
            let swatch = entry.isBand
                ? "<rect x=\"\(ChartNumber.coordinate(x))\" y=\"\(ChartNumber.coordinate(baseline - 8))\""
                    + " width=\"16\" height=\"8\" fill=\"\(entry.color)\" fill-opacity=\"0.25\"/>"
                : "<path d=\"M\(ChartNumber.coordinate(x)) \(ChartNumber.coordinate(baseline - 4))h16\""
                    + " stroke=\"\(entry.color)\" stroke-width=\"2.5\"/>"
            items.append(swatch + ChartSVG.text(entry.name, x: x + 20, y: baseline))
            x += entryWidth
        }
        if entries.count > shown.count {
            let more = "+\(entries.count - shown.count) more"
            if x + Self.textWidth(more) > available, x > 8 {
                row += 1
                x = 8
            }
            items.append(ChartSVG.text(more, x: x, y: Self.firstBaseline + Double(row) * Self.rowHeight))
        }
        rows = row + 1
        markup = "<g class=\"cc-legend\">" + items.joined() + "</g>"
    }

    /// An estimate of the width of `text` at 11 pixels (no font metrics on the server).
    static func textWidth(_ text: String) -> Double {
        Double(min(text.count, 40)) * 6.2
    }
}
