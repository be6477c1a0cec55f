import CohortModel
import Foundation

/// A logged table (`{"columns": […], "data": [[…]]}`) as an HTML table whose headers sort it
/// (with the page's script; without it the table is shown as logged). Media cells show as media:
/// images and GIFs as thumbnails, audio as a player, other files as a download link, each through
/// `fileURL` (the run file's URL for a path in the descriptor); without it, as their type.
enum TableHTML {
    /// Largest side of an image shown in a cell, in CSS pixels.
    static let thumbnailSize = 96

    static func render(_ table: JSONValue, maximumRows: Int, fileURL: ((String) -> String)? = nil) -> String {
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
                if let type = cell["_type"]?.stringValue {
                    html += "<td>\(media(cell, type: type, fileURL: fileURL))</td>"
                } else {
                    html += "<td>\(BoxOverlay.escape(WebFormat.value(cell)))</td>"
                }
            }
            html += "</tr>"
        }
        html += "</tbody></table></div>"
        if rows.count > maximumRows {
            html += "<p class=\"muted\">The first \(maximumRows) of \(rows.count) rows.</p>"
        }
        return html
    }

    /// A media cell: its file shown or linked, or its type in brackets when there is no file.
    private static func media(_ cell: JSONValue, type: String, fileURL: ((String) -> String)?) -> String {
        guard let fileURL, let path = cell["path"]?.stringValue else { return BoxOverlay.escape("[\(type)]") }
        let source = BoxOverlay.escape(fileURL(path))
        let caption = cell["caption"]?.stringValue
        let name = BoxOverlay.escape(caption ?? path.split(separator: "/").last.map(String.init) ?? path)
        let isGIF = path.lowercased().hasSuffix(".gif")
        switch type {
        case "image-file", "video-file" where isGIF:
            var size = ""
            if let width = cell["width"]?.intValue, let height = cell["height"]?.intValue, width > 0, height > 0 {
                let scale = min(1, Double(thumbnailSize) / Double(max(width, height)))
                size = " width=\"\(max(1, Int((Double(width) * scale).rounded())))\" height=\"\(max(1, Int((Double(height) * scale).rounded())))\""
            }
            return "<img src=\"\(source)\" alt=\"\(name)\" loading=\"lazy\"\(size) style=\"max-width:\(thumbnailSize)px;max-height:\(thumbnailSize)px\">"
        case "audio-file":
            return "<audio controls preload=\"none\" src=\"\(source)\" aria-label=\"\(name)\"></audio>"
        default:
            let kind = BoxOverlay.escape(type.replacingOccurrences(of: "-file", with: ""))
            return "<a href=\"\(source)\" download>\(kind): \(name)</a>"
        }
    }
}
