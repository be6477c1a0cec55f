import CohortCharts
import CohortModel

/// Bounding boxes (W&B's `boxes2D` JSON) as an SVG laid over their image: fractions of the image
/// by default, pixels with `"domain": "pixel"`. Captions become the boxes' titles.
enum BoxOverlay {
    /// The class palette, shared with the segmentation masks (`MaskOverlay`).
    static let colors = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324"]

    /// The colour of class `id`: the palette repeats every `colors.count` classes.
    static func color(classID id: Int) -> String {
        colors[((id % colors.count) + colors.count) % colors.count]
    }

    static func svg(_ boxes: JSONValue, width: Int, height: Int) -> String {
        let labels = boxes["class_labels"]?.objectValue ?? [:]
        var rects = ""
        for box in boxes["box_data"]?.arrayValue ?? [] {
            guard let position = box["position"] else { continue }
            let pixel = box["domain"]?.stringValue == "pixel"
            let scaleX = pixel && width > 0 ? 1 / Double(width) : 1
            let scaleY = pixel && height > 0 ? 1 / Double(height) : 1
            var x0: Double, y0: Double, x1: Double, y1: Double
            if let minX = position["minX"]?.number, let maxX = position["maxX"]?.number, let minY = position["minY"]?.number,
                let maxY = position["maxY"]?.number
            {
                (x0, x1, y0, y1) = (minX, maxX, minY, maxY)
            } else if let middle = position["middle"]?.arrayValue, middle.count == 2, let cx = middle[0].number,
                let cy = middle[1].number, let w = position["width"]?.number, let h = position["height"]?.number
            {
                (x0, x1, y0, y1) = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
            } else {
                continue
            }
            (x0, x1, y0, y1) = (x0 * scaleX, x1 * scaleX, y0 * scaleY, y1 * scaleY)
            guard [x0, x1, y0, y1].allSatisfy(\.isFinite) else { continue }
            let classID = Int(box["class_id"]?.intValue ?? 0)
            let stroke = Self.color(classID: classID)
            let label = box["box_caption"]?.stringValue ?? labels[String(classID)]?.stringValue ?? "class \(classID)"
            rects += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(max(0, x1 - x0))\" height=\"\(max(0, y1 - y0))\" fill=\"none\" stroke=\"\(stroke)\""
                + " stroke-width=\"2\" vector-effect=\"non-scaling-stroke\"><title>\(escape(label))</title></rect>"
        }
        guard !rects.isEmpty else { return "" }
        return "<svg class=\"boxes\" viewBox=\"0 0 1 1\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"bounding boxes\">\(rects)</svg>"
    }

    /// Text for SVG/HTML content and attributes (one escaper for charts and pages).
    static func escape(_ text: String) -> String { ChartText.xml(text) }
}
