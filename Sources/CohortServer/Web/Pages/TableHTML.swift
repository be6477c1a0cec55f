import CohortModel

/// A logged table (`{"columns": […], "data": [[…]]}`) as an HTML table whose headers sort it
/// (with the page's script; without it the table is shown as logged).
enum TableHTML {
    static func render(_ table: JSONValue, maximumRows: Int) -> String {
        let columns = (table["columns"]?.arrayValue ?? []).map { $0.stringValue ?? WebFormat.value($0) }
        let rows = table["data"]?.arrayValue ?? []
        var html = "<div class=\"scroll\"><table class=\"list media-table\"><thead><tr>"
        for column in columns {
            html += "<th scope=\"col\"><button type=\"button\">\(BoxOverlay.escape(column))</button></th>"
        }
        html += "</tr></thead><tbody>"
        for row in rows.prefix(maximumRows) {
            html += "<tr>"
            for cell in row.arrayValue ?? [] {
                let text: String
                if let type = cell["_type"]?.stringValue { text = "[\(type)]" } else { text = WebFormat.value(cell) }
                html += "<td>\(BoxOverlay.escape(text))</td>"
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"
        if rows.count > maximumRows {
            html += "<p class=\"muted\">The first \(maximumRows) of \(rows.count) rows.</p>"
        }
        return html
    }
}
