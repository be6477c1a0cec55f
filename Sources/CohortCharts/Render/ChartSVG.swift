/// The pieces every chart shares: the `<svg>` root, text elements and the "no data" chart.
enum ChartSVG {
    /// The opening `<svg>` tag with `role="img"`, a `viewBox` and a width of 100%, followed by
    /// `<title>` and `<desc>`.
    static func open(id: String, width: Int, height: Int, title: String, description: String) -> String {
        let id = ChartText.xml(id)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"cc-svg\" viewBox=\"0 0 \(width) \(height)\""
            + " width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\""
            + " aria-labelledby=\"\(id)-title \(id)-desc\" font-family=\"system-ui, -apple-system, sans-serif\""
            + " font-size=\"11\" fill=\"\(ChartPalette.text)\">"
            + "<title id=\"\(id)-title\">\(ChartText.xml(title))</title>"
            + "<desc id=\"\(id)-desc\">\(ChartText.xml(description))</desc>"
    }

    /// A `<text>` element; `attributes` are written as given (already escaped).
    static func text(_ content: String, x: Double, y: Double, attributes: String = "") -> String {
        "<text x=\"\(ChartNumber.coordinate(x))\" y=\"\(ChartNumber.coordinate(y))\"\(attributes)>"
            + ChartText.xml(content) + "</text>"
    }

    /// The chart title at the top left.
    static func title(_ title: String) -> String {
        text(title, x: 8, y: 18, attributes: " class=\"cc-title\" font-size=\"14\" font-weight=\"600\"")
    }

    /// A complete chart that says there is nothing to draw, with the same title and size.
    static func noData(id: String, kind: String, title: String, width: Int, height: Int) -> String {
        let message = "No data"
        return "<figure class=\"cohort-chart cohort-chart-empty\" id=\"\(ChartText.xml(id))\" data-chart=\"\(kind)\">"
            + open(id: id, width: width, height: height, title: title, description: "\(title): no data to show.")
            + self.title(title)
            + "<rect x=\"8\" y=\"28\" width=\"\(max(width - 16, 1))\" height=\"\(max(height - 36, 1))\""
            + " fill=\"none\" stroke=\"\(ChartPalette.grid)\"/>"
            + text(
                message, x: Double(width) / 2, y: Double(height) / 2 + 10,
                attributes: " class=\"cc-empty\" text-anchor=\"middle\" font-size=\"13\" fill=\"#666666\""
            )
            + "</svg></figure>"
    }
}
