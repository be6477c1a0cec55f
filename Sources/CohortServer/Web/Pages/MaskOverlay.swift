import CohortModel
import Foundation

/// Segmentation masks (W&B's `ImageMask`: a grayscale PNG whose gray level is a class id, with
/// `class_labels` mapping ids to names) drawn over their image, each class in the boxes' colour
/// (`BoxOverlay.color(classID:)`), class 0 (background by W&B's convention) transparent, with a
/// legend of the labelled classes.
///
/// How: one inline SVG `<filter>` per page (`filterSVG`), applied to each mask `<img>` with
/// `filter:url(#…)`. A colour matrix first turns the gray level into opacity (level 0 fully
/// transparent, any other level opaque), then a `discrete` component transfer with 256 entries per
/// channel maps gray level *n* to the colour of class *n*. This was chosen over recolouring on the
/// server because it needs no PNG decoder and encoder (bit depths, palettes, interlacing), no cache
/// of derived files and no work per view, works without JavaScript, and the file a user downloads
/// stays the mask the client logged. Two details keep it exact: `color-interpolation-filters="sRGB"`
/// (the default, linearRGB, would shift the gray levels before the lookup), and masks are drawn with
/// `image-rendering: pixelated`, so scaling never blends two classes into the level of a third.
enum MaskOverlay {
    /// The `id` of the page's filter element.
    static let filterID = "cohort-mask-classes"
    /// Classes listed in one mask's legend at most (the rest are counted).
    static let maximumLegendEntries = 48

    /// One class of a mask's legend.
    struct LegendEntry: Equatable {
        var id: Int
        var name: String
        var color: String
        /// Class 0, which is left transparent.
        var isBackground: Bool
    }

    /// The hidden SVG holding the filter; put once on a page that shows masks.
    static let filterSVG: String = {
        let channels = [("R", 1), ("G", 3), ("B", 5)].map { channel, offset in
            let table = (0..<256).map { level -> String in
                // Level 0 is made transparent by the matrix; its colour never shows.
                guard level > 0 else { return "0" }
                let hex = BoxOverlay.color(classID: level)
                let start = hex.index(hex.startIndex, offsetBy: offset)
                let byte = Int(hex[start..<hex.index(start, offsetBy: 2)], radix: 16) ?? 0
                return String(format: "%.4f", Double(byte) / 255)
            }
            return "<feFunc\(channel) type=\"discrete\" tableValues=\"\(table.joined(separator: " "))\"/>"
        }
        return "<svg class=\"mask-filters\" width=\"0\" height=\"0\" aria-hidden=\"true\" focusable=\"false\">"
            + "<filter id=\"\(filterID)\" color-interpolation-filters=\"sRGB\" x=\"0\" y=\"0\" width=\"1\" height=\"1\">"
            + "<feColorMatrix type=\"matrix\" values=\"1 0 0 0 0  0 1 0 0 0  0 0 1 0 0  255 0 0 0 0\"/>"
            + "<feComponentTransfer>\(channels.joined())</feComponentTransfer>"
            + "</filter></svg>"
    }()

    /// The class names of mask `maskKey` of the image logged under `imageKey`: the mask
    /// descriptor's own `class_labels` when it has them, else the ones the wandb client keeps in
    /// the run's config (`_wandb` → `mask/class_labels` → `<image key>_wandb_delimeter_<mask key>`).
    /// - Parameters:
    ///   - mask: the mask's descriptor in the image's `masks`.
    ///   - internalConfig: the run's config with internal keys (`WebFormat.config(_:includeInternal:)`).
    static func classLabels(
        mask: JSONValue, imageKey: String, maskKey: String, internalConfig: [String: JSONValue]
    ) -> [Int: String] {
        let singleton = internalConfig["_wandb"]?["mask/class_labels"]?[imageKey + "_wandb_delimeter_" + maskKey]
        let object = mask["class_labels"]?.objectValue ?? singleton?["value"]?.objectValue ?? [:]
        var labels: [Int: String] = [:]
        for (id, name) in object {
            guard let id = Int(id), let name = name.stringValue else { continue }  // not a class id: not listed
            labels[id] = name
        }
        return labels
    }

    /// The legend for `labels`, by class id; at most `maximumLegendEntries`.
    static func legend(_ labels: [Int: String]) -> [LegendEntry] {
        labels.sorted { $0.key < $1.key }.prefix(maximumLegendEntries).map { id, name in
            LegendEntry(id: id, name: name, color: BoxOverlay.color(classID: id), isBackground: id == 0)
        }
    }
}
