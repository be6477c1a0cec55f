/// The fixed series colours: a colour-blind-safe set (Okabe–Ito, without its pale yellow) followed by
/// darker tones, all readable on white. Series `i` gets `colors[i % colors.count]`.
enum ChartPalette {
    static let colors = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
        "#000000", "#8C564B", "#7F7F7F", "#BCBD22",
    ]

    static func color(_ index: Int) -> String {
        colors[index % colors.count]
    }

    /// Text, axis and grid colours.
    static let text = "#333333"
    static let axis = "#999999"
    static let grid = "#E6E6E6"
}
