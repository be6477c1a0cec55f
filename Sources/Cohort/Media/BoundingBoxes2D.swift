import CohortModel

/// Bounding boxes drawn over an `Image`, as W&B's `boxes={name: {"box_data": […], "class_labels": {…}}}`.
///
/// Logged with the image, they land at `media/metadata/boxes2D/K_S_<hash>.boxes2D.json` and the
/// image's descriptor holds `boxes: {name: {"_type": "boxes2D", path, sha256, size}}`.
///
/// ```swift
/// var image = Image(pixels: pixels, width: 64, height: 64)
/// image.boxes["predictions"] = BoundingBoxes2D(
///     [BoundingBox(.corners(minX: 0.1, maxX: 0.5, minY: 0.2, maxY: 0.6), classID: 1, caption: "cat", scores: ["acc": 0.9])],
///     classLabels: [1: "cat", 2: "dog"])
/// ```
public struct BoundingBoxes2D: Sendable, Equatable {
    /// The boxes.
    public var boxes: [BoundingBox]
    /// Class names by class id.
    public var classLabels: [Int: String]

    /// Boxes with the names of their classes.
    public init(_ boxes: [BoundingBox], classLabels: [Int: String] = [:]) {
        self.boxes = boxes
        self.classLabels = classLabels
    }

    /// W&B's boxes JSON.
    var jsonValue: JSONValue {
        var labels: [String: JSONValue] = [:]
        for (id, name) in classLabels { labels[String(id)] = .string(name) }
        return ["box_data": .array(boxes.map(\.jsonValue)), "class_labels": .object(labels)]
    }

    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        for box in boxes where !box.isFinite {
            throw .invalid("log: a bounding box of the image \"\(key)\" has a non-finite coordinate or score")
        }
        return MediaFile(
            bytes: JSONWriter.bytes(jsonValue), kind: "metadata/boxes2D", fileExtension: ".boxes2D.json", key: key,
            fields: ["_type": "boxes2D"])
    }
}

/// One box of `BoundingBoxes2D`, as an entry of W&B's `box_data`.
public struct BoundingBox: Sendable, Equatable {
    /// Where the box is: by its corners or by its centre and size. Coordinates are fractions of the
    /// image (0–1) unless `pixelDomain` is set.
    public enum Position: Sendable, Equatable {
        /// The left, right, top and bottom edges (W&B's `minX`, `maxX`, `minY`, `maxY`).
        case corners(minX: Double, maxX: Double, minY: Double, maxY: Double)
        /// The centre and the size (W&B's `middle`, `width`, `height`).
        case center(x: Double, y: Double, width: Double, height: Double)
    }

    /// Where the box is.
    public var position: Position
    /// The class id (a key of `classLabels`).
    public var classID: Int
    /// The text drawn with the box.
    public var caption: String?
    /// Named scores (W&B filters boxes by them).
    public var scores: [String: Double]
    /// Coordinates in pixels instead of fractions (W&B's `"domain": "pixel"`).
    public var pixelDomain: Bool

    /// A box at `position` of class `classID`.
    public init(_ position: Position, classID: Int, caption: String? = nil, scores: [String: Double] = [:], pixelDomain: Bool = false) {
        self.position = position
        self.classID = classID
        self.caption = caption
        self.scores = scores
        self.pixelDomain = pixelDomain
    }

    var isFinite: Bool {
        let coordinates: [Double]
        switch position {
        case .corners(let minX, let maxX, let minY, let maxY): coordinates = [minX, maxX, minY, maxY]
        case .center(let x, let y, let width, let height): coordinates = [x, y, width, height]
        }
        return coordinates.allSatisfy(\.isFinite) && scores.values.allSatisfy(\.isFinite)
    }

    var jsonValue: JSONValue {
        var object: [String: JSONValue] = ["class_id": .int(Int64(classID))]
        switch position {
        case .corners(let minX, let maxX, let minY, let maxY):
            object["position"] = ["minX": .double(minX), "maxX": .double(maxX), "minY": .double(minY), "maxY": .double(maxY)]
        case .center(let x, let y, let width, let height):
            object["position"] = ["middle": [.double(x), .double(y)], "width": .double(width), "height": .double(height)]
        }
        if let caption { object["box_caption"] = .string(caption) }
        if !scores.isEmpty { object["scores"] = .object(scores.mapValues(JSONValue.double)) }
        if pixelDomain { object["domain"] = "pixel" }
        return .object(object)
    }
}
