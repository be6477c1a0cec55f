/// A segmentation mask over an `Image`, as W&B's `masks={name: {"mask_data": …, "class_labels": {…}}}`:
/// one class id per pixel, height × width, row-major.
///
/// Logged with the image, it lands at `media/images/mask/K_S_<hash>.mask.png` (8-bit grayscale) and
/// the image's descriptor holds `masks: {name: {"_type": "mask", path, sha256, size}}`.
public struct ImageMask: Sendable, Equatable {
    /// The class id of each pixel.
    public var classIDs: [UInt8]
    /// Class names by class id: logged into the config's `_wandb` `mask/class_labels`, as W&B does.
    public var classLabels: [Int: String]

    /// A mask of `classIDs`, one per pixel of the image it is attached to.
    public init(classIDs: [UInt8], classLabels: [Int: String] = [:]) {
        self.classIDs = classIDs
        self.classLabels = classLabels
    }

    func mediaFile(key: String, width: Int, height: Int) throws(CohortError) -> MediaFile {
        guard classIDs.count == width * height, !classIDs.isEmpty else {
            throw .invalid("log: a mask of the image \"\(key)\" has \(classIDs.count) values but the image has \(width)×\(height) pixels")
        }
        let png = classIDs.withUnsafeBufferPointer { PNGEncoder.encode($0, width: width, height: height, channels: 1) }
        guard let png else { throw .storage("log: a mask of the image \"\(key)\" could not be compressed (zlib failed)") }
        return MediaFile(bytes: png, kind: "images/mask", fileExtension: ".mask.png", key: key, fields: ["_type": "mask"])
    }
}
