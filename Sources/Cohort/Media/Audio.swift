public import CohortModel
import Foundation

/// Audio to log, as W&B's `wandb.Audio`: samples (encoded to a 16-bit PCM WAV file) or an audio file.
///
/// Logged under key `K` at step `S`, the audio lands at `media/audio/K_S_<hash>.wav` and the row holds
/// W&B's `audio-file` descriptor (path, sha256, size, caption); a list of audio under one key is
/// W&B's `audio` list (count, each descriptor, sample rates, durations, captions).
///
/// ```swift
/// try run.log(["speech": Audio(samples: waveform, sampleRate: 16_000, caption: "epoch 3")])
/// ```
/// Samples are checked when logged: an empty buffer, a NaN or infinity, a sample rate below 1 or a
/// count that is not a multiple of `channels` makes `log` throw an error that names the key.
public struct Audio: Loggable, Equatable {
    enum Source: Sendable, Equatable {
        case samples([Float])
        case file(bytes: [UInt8], fileExtension: String)
    }

    /// The file types W&B's audio panel plays.
    public static let fileExtensions: Set<String> = ["wav", "mp3", "flac", "ogg", "m4a", "aac", "opus", "webm"]

    let source: Source
    /// Samples per second per channel; `nil` for a file.
    public let sampleRate: Int?
    /// Interleaved channels per frame (1 mono, 2 stereo).
    public let channels: Int
    /// The caption shown with the audio.
    public var caption: String?

    /// Audio from samples in -1…1 (clipped), interleaved when `channels` > 1.
    public init(samples: [Float], sampleRate: Int, channels: Int = 1, caption: String? = nil) {
        source = .samples(samples)
        self.sampleRate = sampleRate
        self.channels = channels
        self.caption = caption
    }

    /// Audio from a file (`wav`, `mp3`, `flac`, `ogg`, `m4a`, `aac`, `opus`, `webm`), logged as it is.
    /// - Throws: `CohortError` `.storage` when the file cannot be read, `.invalidArgument` for another
    ///   file type.
    public init(contentsOfFile path: String, caption: String? = nil) throws(CohortError) {
        let fileExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard Self.fileExtensions.contains(fileExtension) else {
            throw .invalid("Audio: \(path) is not an audio file W&B plays; use one of \(Self.fileExtensions.sorted().joined(separator: ", "))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .storage("Audio: cannot read \(path); check that the file exists and is readable")
        }
        source = .file(bytes: [UInt8](data), fileExtension: "." + fileExtension)
        sampleRate = nil
        channels = 0
        self.caption = caption
    }

    /// The length in seconds; `nil` for a file.
    public var duration: Double? {
        guard case .samples(let samples) = source, let sampleRate, sampleRate > 0, channels > 0 else { return nil }
        return Double(samples.count / channels) / Double(sampleRate)
    }

    /// The descriptor without the file fields; `run.log` adds path, sha256 and size.
    public var jsonValue: JSONValue { .object(fields) }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    var fields: [String: JSONValue] {
        var fields: [String: JSONValue] = ["_type": "audio-file"]
        if let caption { fields["caption"] = .string(caption) }
        return fields
    }

    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        switch source {
        case .file(let bytes, let fileExtension):
            return MediaFile(bytes: bytes, kind: "audio", fileExtension: fileExtension, key: key, fields: fields)
        case .samples(let samples):
            guard let sampleRate, sampleRate > 0 else {
                throw .invalid("log: the audio \"\(key)\" has sample rate \(sampleRate ?? 0); it must be at least 1")
            }
            guard channels > 0, !samples.isEmpty, samples.count % channels == 0 else {
                throw .invalid("log: the audio \"\(key)\" has \(samples.count) samples for \(channels) channels; it needs at least one whole frame")
            }
            if let index = samples.firstIndex(where: { !$0.isFinite }) {
                throw .invalid("log: the audio \"\(key)\" has a non-finite sample (\(samples[index])) at index \(index)")
            }
            let bytes = WAVEncoder.encode(samples, sampleRate: sampleRate, channels: channels)
            return MediaFile(bytes: bytes, kind: "audio", fileExtension: ".wav", key: key, fields: fields)
        }
    }
}

extension Audio: SingleFileMedia {
    /// W&B's `audio` list for several clips under one key.
    static func listTemplate(_ clips: [Audio], key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        let indices = try addFiles(clips, key: key, batch: &batch)
        var fields: [String: JSONValue] = [
            "_type": "audio", "count": .int(Int64(clips.count)),
            "sampleRates": .array(clips.map { $0.sampleRate.map { .int(Int64($0)) } ?? .null }),
            "durations": .array(clips.map { $0.duration.map(JSONValue.double) ?? .null }),
        ]
        if clips[0].caption != nil { fields["captions"] = .array(clips.map { $0.caption.map(JSONValue.string) ?? .null }) }
        return .descriptorList(fields: fields, member: "audio", files: indices)
    }
}
