public import CohortModel
import Foundation

/// An image to log, as W&B's `wandb.Image`: pixels (encoded to PNG) or a PNG/JPEG file.
///
/// Logged under key `K` at step `S`, the image lands in the run's files at
/// `media/images/K_S_<hash>.png` and the row holds W&B's `image-file` descriptor (path, sha256,
/// size, format, width, height, caption).
///
/// ```swift
/// let pixels: [UInt8] = …                       // height × width × 3, row-major (HWC)
/// try run.log(["sample": Image(pixels: pixels, width: 32, height: 32, channels: 3, caption: "cat")])
/// try run.log(["photo": Image(contentsOfFile: "out/photo.jpg")])
/// ```
/// Pixel buffers are checked when logged: a wrong shape, an empty buffer or a non-finite `Float`
/// makes `log` throw a `CohortError` that names the key, and nothing of that call is written.
public struct Image: Loggable, Equatable {
    enum Source: Sendable, Equatable {
        case bytes([UInt8])
        case floats([Float])
        /// An encoded file: its bytes, format (the file's extension) and extension with its dot.
        case file(bytes: [UInt8], format: String, fileExtension: String)
    }

    /// The largest width or height W&B (Pillow) accepts.
    public static let maximumDimension = 65_500

    let source: Source
    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// The channels per pixel: 1 (grayscale), 3 (RGB) or 4 (RGBA); for a file, 0.
    public let channels: Int
    /// The caption shown under the image.
    public var caption: String?
    /// Bounding boxes by name (W&B's `boxes`); logged with the image, not in lists of images.
    public var boxes: [String: BoundingBoxes2D] = [:]
    /// Segmentation masks by name (W&B's `masks`); logged with the image, not in lists of images.
    public var masks: [String: ImageMask] = [:]

    /// An image from 8-bit pixels in height × width × channels order (HWC, row-major).
    /// - Parameters:
    ///   - pixels: `width * height * channels` values, 0–255.
    ///   - channels: 1 (grayscale), 3 (RGB) or 4 (RGBA).
    ///   - caption: shown under the image.
    public init(pixels: [UInt8], width: Int, height: Int, channels: Int = 3, caption: String? = nil) {
        source = .bytes(pixels)
        self.width = width
        self.height = height
        self.channels = channels
        self.caption = caption
    }

    /// An image from floating-point pixels in 0–1 (HWC, row-major); each value is scaled by 255 and
    /// rounded, values outside 0–1 are clipped. NaN or infinity makes `log` throw.
    ///
    /// (wandb 0.31 casts float arrays to `uint8` without scaling; Cohort scales 0–1 as older wandb
    /// clients and most training code expect. Pass `UInt8` pixels for wandb 0.31's behaviour.)
    public init(pixels: [Float], width: Int, height: Int, channels: Int = 3, caption: String? = nil) {
        source = .floats(pixels)
        self.width = width
        self.height = height
        self.channels = channels
        self.caption = caption
    }

    /// An image from a PNG or JPEG file, logged as it is (no re-encoding).
    /// - Throws: `CohortError` `.storage` when the file cannot be read, `.invalidArgument` when it is
    ///   neither a PNG nor a JPEG.
    public init(contentsOfFile path: String, caption: String? = nil) throws(CohortError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .storage("Image: cannot read \(path); check that the file exists and is readable")
        }
        let bytes = [UInt8](data)
        guard let info = ImageFileInfo(bytes) else {
            throw .invalid("Image: \(path) is not a PNG or JPEG file; only PNG and JPEG files can be logged as images")
        }
        var fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        if !["png", "jpg", "jpeg"].contains(fileExtension) { fileExtension = info.format == "png" ? "png" : "jpg" }
        source = .file(bytes: bytes, format: fileExtension, fileExtension: "." + fileExtension)
        width = info.width
        height = info.height
        channels = 0
        self.caption = caption
    }

    /// The descriptor without the file fields; `run.log` adds path, sha256 and size.
    public var jsonValue: JSONValue { .object(fields) }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "_type": "image-file", "format": .string(format), "width": .int(Int64(width)), "height": .int(Int64(height)),
        ]
        if let caption { fields["caption"] = .string(caption) }
        return fields
    }

    var format: String {
        if case .file(_, let format, _) = source { return format }
        return "png"
    }

    /// The file to write, checked and encoded; errors name `key`.
    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        let (bytes, fileExtension) = try encoded(key: key)
        return MediaFile(bytes: bytes, kind: "images", fileExtension: fileExtension, key: key, fields: fields)
    }

    /// The encoded bytes and the file extension.
    func encoded(key: String) throws(CohortError) -> (bytes: [UInt8], fileExtension: String) {
        switch source {
        case .file(let bytes, _, let fileExtension):
            return (bytes, fileExtension)
        case .bytes(let pixels):
            try checkShape(count: pixels.count, key: key)
            return (try png(pixels, key: key), ".png")
        case .floats(let pixels):
            try checkShape(count: pixels.count, key: key)
            var bytes = [UInt8](repeating: 0, count: pixels.count)
            for index in pixels.indices {
                let value = pixels[index]
                guard value.isFinite else {
                    throw .invalid("log: the image \"\(key)\" has a non-finite pixel (\(value)) at index \(index); Float pixels must be finite values in 0–1")
                }
                bytes[index] = UInt8((min(max(value, 0), 1) * 255).rounded())
            }
            return (try png(bytes, key: key), ".png")
        }
    }

    private func png(_ pixels: [UInt8], key: String) throws(CohortError) -> [UInt8] {
        let encoded = pixels.withUnsafeBufferPointer { PNGEncoder.encode($0, width: width, height: height, channels: channels) }
        guard let encoded else { throw .storage("log: the image \"\(key)\" could not be compressed (zlib failed)") }
        return encoded
    }

    private func checkShape(count: Int, key: String) throws(CohortError) {
        guard [1, 3, 4].contains(channels) else {
            throw .invalid("log: the image \"\(key)\" has \(channels) channels; use 1 (grayscale), 3 (RGB) or 4 (RGBA)")
        }
        guard width > 0, height > 0, count > 0 else {
            throw .invalid("log: the image \"\(key)\" is empty (\(width)×\(height), \(count) values); an image needs at least one pixel")
        }
        guard width <= Self.maximumDimension, height <= Self.maximumDimension else {
            throw .invalid("log: the image \"\(key)\" is \(width)×\(height); neither side may exceed \(Self.maximumDimension) pixels")
        }
        let (expected, overflow) = width.multipliedReportingOverflow(by: height * channels)
        guard !overflow, count == expected else {
            throw .invalid("log: the image \"\(key)\" has \(count) values but \(height)×\(width)×\(channels) (height×width×channels) needs \(expected); check the shape")
        }
    }
}

extension Image: MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        let image = batch.add(try mediaFile(key: key))
        guard !boxes.isEmpty || !masks.isEmpty else { return .file(image) }
        var members: [String: MediaTemplate] = [:]
        if !boxes.isEmpty {
            var named: [String: MediaTemplate] = [:]
            for (name, set) in boxes {
                named[name] = .file(batch.add(try set.mediaFile(key: key)))
                Self.addClassLabels(set.classLabels, section: "bounding_box/class_labels", key: key, layer: name, batch: &batch)
            }
            members["boxes"] = .object(named)
        }
        if !masks.isEmpty {
            var named: [String: MediaTemplate] = [:]
            for (name, mask) in masks {
                named[name] = .file(batch.add(try mask.mediaFile(key: key, width: width, height: height)))
                Self.addClassLabels(mask.classLabels, section: "mask/class_labels", key: key, layer: name, batch: &batch)
            }
            members["masks"] = .object(named)
        }
        return .fileWith(image, members: members)
    }

    /// W&B's class labels of a box or mask layer, kept in the config's `_wandb` (where W&B's UI and
    /// Cohort's read the class names): `<key>_wandb_delimeter_<layer>` (W&B's spelling) →
    /// `{type, key, value: {id: name}}`.
    private static func addClassLabels(_ labels: [Int: String], section: String, key: String, layer: String, batch: inout MediaBatch) {
        let entryKey = "\(key)_wandb_delimeter_\(layer)"
        let names = JSONValue.object(Dictionary(uniqueKeysWithValues: labels.map { (String($0.key), JSONValue.string($0.value)) }))
        batch.configEntries[section, default: [:]][entryKey] = ["type": .string(section), "key": .string(entryKey), "value": names]
    }

    /// W&B's `images/separated` for a list of images under one key.
    static func listTemplate(_ images: [Image], key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        var indices: [Int] = []
        for image in images { indices.append(batch.add(try image.mediaFile(key: key))) }
        var fields: [String: JSONValue] = [
            "width": .int(Int64(images[0].width)), "height": .int(Int64(images[0].height)),
            "format": .string(images[0].format), "count": .int(Int64(images.count)),
        ]
        if images[0].caption != nil { fields["captions"] = .array(images.map { $0.caption.map(JSONValue.string) ?? .null }) }
        return .imageList(fields: fields, files: indices)
    }
}
