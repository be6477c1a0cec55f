import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Audio")
    struct AudioTests {
        static func tone(frames: Int, channels: Int) -> [Float] {
            (0..<(frames * channels)).map { index in Float(sin(Double(index / channels) * 0.05 + Double(index % channels))) * 0.8 }
                + [1.5, -1.5].flatMap { [Float](repeating: $0, count: channels) }
        }

        @Test(
            "Python's wave module reads the WAV: 16-bit PCM, the channels, the rate and the samples",
            .enabled(if: MediaHarness.pythonAvailable), arguments: [1, 2])
        func wavRoundTrip(channels: Int) async throws {
            try await MediaHarness.withRun { run, directory in
                let samples = Self.tone(frames: 500, channels: channels)
                try run.log(["clip": Audio(samples: samples, sampleRate: 22_050, channels: channels, caption: "tone")])
                let rows = try await MediaHarness.rows(run)
                let descriptor = try #require(rows.first?["clip"]?.objectValue)
                let path = try #require(descriptor["path"]?.stringValue)
                let sha = try #require(descriptor["sha256"]?.stringValue)
                #expect(path == "media/audio/clip_0_\(sha.prefix(20)).wav")
                #expect(descriptor["_type"] == "audio-file" && descriptor["caption"] == "tone")
                #expect(descriptor["size"]?.intValue == Int64(MediaHarness.bytes(run.dir + "/" + path).count))
                let read = try JSONParser.parse(try MediaHarness.python(["wav", run.dir + "/" + path], directory: directory.path))
                #expect(read["channels"]?.intValue == Int64(channels))
                #expect(read["rate"]?.intValue == 22_050 && read["width"]?.intValue == 2)
                let expected = samples.map { Int64((min(max($0, -1), 1) * 32767).rounded()) }
                #expect(read["samples"]?.arrayValue?.compactMap(\.intValue) == expected)
            }
        }

        @Test("a list of clips is W&B's audio list with each descriptor, sample rates, durations and captions")
        func list() async throws {
            try await MediaHarness.withRun { run, _ in
                let a = Audio(samples: [0, 0.5, -0.5, 0], sampleRate: 4, caption: "a")
                let b = Audio(samples: [Float](repeating: 0.1, count: 8), sampleRate: 2, caption: "b")
                try run.log(["clips": [a, b]])
                let rows = try await MediaHarness.rows(run)
                let list = try #require(rows.first?["clips"]?.objectValue)
                #expect(list["_type"] == "audio" && list["count"]?.intValue == 2)
                #expect(list["sampleRates"] == [4, 2])
                #expect(list["durations"]?.arrayValue?.compactMap(\.number) == [1.0, 4.0])
                #expect(list["captions"] == ["a", "b"])
                let paths = (list["audio"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
                #expect(paths.count == 2 && MediaHarness.mediaFiles(run) == paths.sorted())
            }
        }

        @Test(
            "bad samples throw an error naming the key, and nothing is written",
            arguments: [
                (Audio(samples: [], sampleRate: 16_000), "whole frame"),
                (Audio(samples: [0, .nan], sampleRate: 16_000), "non-finite"),
                (Audio(samples: [0, 0, 0], sampleRate: 16_000, channels: 2), "whole frame"),
                (Audio(samples: [0], sampleRate: 0), "sample rate"),
            ])
        func badInput(audio: Audio, problem: String) async throws {
            try await MediaHarness.withRun { run, _ in
                let error = #expect(throws: CohortError.self) { try run.log(["bad_clip": audio]) }
                #expect(error?.description.contains("\"bad_clip\"") == true)
                #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }

        @Test("audio files are logged as they are; other file types are refused")
        func files() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.appending("take.mp3")
            try Data([0x49, 0x44, 0x33, 1, 2, 3]).write(to: URL(fileURLWithPath: path))
            #expect(throws: CohortError.self) { try Audio(contentsOfFile: directory.appending("notes.txt")) }
            let clip = try Audio(contentsOfFile: path)
            try await MediaHarness.withRun { run, _ in
                try run.log(["take": clip])
                let rows = try await MediaHarness.rows(run)
                let stored = try #require(rows.first?["take"]?["path"]?.stringValue)
                #expect(stored.hasPrefix("media/audio/take_0_") && stored.hasSuffix(".mp3"))
                #expect(MediaHarness.bytes(run.dir + "/" + stored) == [0x49, 0x44, 0x33, 1, 2, 3])
            }
        }
    }
}
