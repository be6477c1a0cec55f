public import CohortModel
import Foundation

/// A video to log, as W&B's `wandb.Video`: frames (encoded to an animated GIF in Swift) or a
/// `gif`, `mp4`, `webm` or `ogg` file.
///
/// Logged under key `K` at step `S`, the video lands at `media/videos/K_S_<hash>.gif` and the row
/// holds W&B's `video-file` descriptor (path, sha256, size, width, height, caption).
///
/// ```swift
/// // 16 frames of 64×64 RGB, time × height × width × channels
/// try run.log(["rollout": Video(frames: pixels, count: 16, width: 64, height: 64, channels: 3, fps: 8)])
/// ```
/// Frames with at most 256 distinct colours keep them exactly; more colours are reduced to a fixed
/// 256-colour palette. (wandb takes frames as T×C×H×W; Cohort takes T×H×W×C, like `Image`.)
public struct Video: Loggable, Equatable {
    enum Source: Sendable, Equatable {
        case frames([UInt8], count: Int)
        case file(bytes: [UInt8], fileExtension: String)
    }

    /// The file types W&B plays.
    public static let fileExtensions: Set<String> = ["gif", "mp4", "webm", "ogg"]

    let source: Source
    /// The width in pixels; 0 for a file.
    public let width: Int
    /// The height in pixels; 0 for a file.
    public let height: Int
    /// The channels per pixel: 1, 3 or 4 (alpha is dropped); 0 for a file.
    public let channels: Int
    /// Frames per second (W&B's default is 4).
    public let fps: Int
    /// The caption shown with the video.
    public var caption: String?

    /// A video from `count` frames of `height × width × channels` bytes each, one after another.
    public init(frames: [UInt8], count: Int, width: Int, height: Int, channels: Int = 3, fps: Int = 4, caption: String? = nil) {
        source = .frames(frames, count: count)
        self.width = width
        self.height = height
        self.channels = channels
        self.fps = fps
        self.caption = caption
    }

    /// A video from a `gif`, `mp4`, `webm` or `ogg` file, logged as it is.
    /// - Throws: `CohortError` `.storage` when the file cannot be read, `.invalidArgument` for another
    ///   file type.
    public init(contentsOfFile path: String, caption: String? = nil) throws(CohortError) {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard Self.fileExtensions.contains(fileExtension) else {
            throw .invalid("Video: \(path) is not a video file W&B plays; use gif, mp4, webm or ogg")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .storage("Video: cannot read \(path); check that the file exists and is readable")
        }
        source = .file(bytes: [UInt8](data), fileExtension: "." + fileExtension)
        width = 0
        height = 0
        channels = 0
        fps = 4
        self.caption = caption
    }

    /// The descriptor without the file fields; `run.log` adds path, sha256 and size.
    public var jsonValue: JSONValue { .object(fields) }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["_type": "video-file"]
        if width > 0 { fields["width"] = .int(Int64(width)) }
        if height > 0 { fields["height"] = .int(Int64(height)) }
        if let caption { fields["caption"] = .string(caption) }
        return fields
    }

    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        switch source {
        case .file(let bytes, let fileExtension):
            return MediaFile(bytes: bytes, kind: "videos", fileExtension: fileExtension, key: key, fields: fields)
        case .frames(let pixels, let count):
            guard [1, 3, 4].contains(channels) else {
                throw .invalid("log: the video \"\(key)\" has \(channels) channels; use 1 (grayscale), 3 (RGB) or 4 (RGBA)")
            }
            guard count > 0, width > 0, height > 0, !pixels.isEmpty else {
                throw .invalid("log: the video \"\(key)\" is empty (\(count) frames of \(width)×\(height)); it needs at least one pixel")
            }
            guard width <= 65_535, height <= 65_535, fps > 0 else {
                throw .invalid("log: the video \"\(key)\" is \(width)×\(height) at \(fps) fps; GIF needs sides up to 65535 and fps of at least 1")
            }
            let (expected, overflow) = count.multipliedReportingOverflow(by: width * height * channels)
            guard !overflow, pixels.count == expected else {
                throw .invalid("log: the video \"\(key)\" has \(pixels.count) values but \(count)×\(height)×\(width)×\(channels) (frames×height×width×channels) needs \(expected)")
            }
            let delay = max(1, Int((100 / Double(fps)).rounded()))
            let bytes = GIFEncoder.encode(pixels, frameCount: count, width: width, height: height, channels: channels, delay: delay)
            return MediaFile(bytes: bytes, kind: "videos", fileExtension: ".gif", key: key, fields: fields)
        }
    }
}

extension Video: SingleFileMedia {
    /// W&B's `videos` list for several videos under one key; `captions` is `false` when the first
    /// video has none, as W&B writes it.
    static func listTemplate(_ videos: [Video], key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        let indices = try addFiles(videos, key: key, batch: &batch)
        let captions: JSONValue = videos[0].caption == nil ? .bool(false) : .array(videos.map { $0.caption.map(JSONValue.string) ?? .null })
        return .descriptorList(
            fields: ["_type": "videos", "count": .int(Int64(videos.count)), "captions": captions], member: "videos", files: indices)
    }
}
