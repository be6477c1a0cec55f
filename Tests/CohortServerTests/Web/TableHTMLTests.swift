import CohortModel
@testable import CohortServer
import Testing

/// A logged table as the run page shows it: values escaped, media cells shown as media.
@Suite("table HTML")
struct TableHTMLTests {
    static let table: JSONValue = [
        "columns": ["id", "<name>", "image", "clip", "anim", "page", "cloud", "old"],
        "data": [[
            1, "<b>cat</b>",
            ["_type": "image-file", "path": "media/images/abc.png", "width": 384, "height": 192, "caption": "a \"cat\""],
            ["_type": "audio-file", "path": "media/audio/d.wav"],
            ["_type": "video-file", "path": "media/videos/e.gif"],
            ["_type": "html-file", "path": "media/html/f.html"],
            ["_type": "object3D-file", "path": "media/object3D/g.pts.json"],
            ["_type": "image-file", "width": 2],
        ]],
    ]

    @Test("media cells are thumbnails, players and download links through the run's file URLs; text is escaped")
    func mediaCells() {
        let html = TableHTML.render(Self.table, maximumRows: 10) { "/files/" + $0 + "?x=1&y=2" }
        #expect(html.contains("<th scope=\"col\"><button type=\"button\">&lt;name&gt;</button></th>"))
        #expect(html.contains("<td>&lt;b&gt;cat&lt;/b&gt;</td>"))
        #expect(html.contains(#"<img src="/files/media/images/abc.png?x=1&amp;y=2" alt="a &quot;cat&quot;" loading="lazy" width="96" height="48""#))
        #expect(html.contains(#"<audio controls preload="none" src="/files/media/audio/d.wav?x=1&amp;y=2" aria-label="d.wav"></audio>"#))
        #expect(html.contains(#"<img src="/files/media/videos/e.gif?x=1&amp;y=2" alt="e.gif""#), "a GIF video plays as an image")
        #expect(html.contains(#"<a href="/files/media/html/f.html?x=1&amp;y=2" download>html: f.html</a>"#))
        #expect(html.contains(#"<a href="/files/media/object3D/g.pts.json?x=1&amp;y=2" download>object3D: g.pts.json</a>"#))
        #expect(html.contains("<td>[image-file]</td>"), "a media cell without a file shows its type")
    }

    @Test("without file URLs, media cells show their type; rows past the limit are counted, not shown")
    func withoutURLs() {
        let html = TableHTML.render(Self.table, maximumRows: 0)
        #expect(!html.contains("<img") && html.contains("The first 0 of 1 rows."))
        let shown = TableHTML.render(Self.table, maximumRows: 1)
        #expect(shown.contains("<td>[audio-file]</td>") && !shown.contains("<audio"))
    }
}
