import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Video")
    struct VideoTests {
        /// `count` RGB frames whose pixels use `colors` distinct colours, in a pseudo-random pattern
        /// (long LZW streams that reset the code table).
        static func frames(count: Int, width: Int, height: Int, colors: Int) -> [UInt8] {
            var generator = SplitMix64(seed: 7)
            return (0..<(count * width * height)).flatMap { _ -> [UInt8] in
                let index = Int(generator.next() % UInt64(colors))
                return [UInt8(index * 5 % 256), UInt8(index * 11 % 256), UInt8((index / 3) * 17 % 256)]
            }
        }

        static func decodeGIF(_ path: String, directory: String) throws -> JSONValue {
            try JSONParser.parse(try MediaHarness.python(["gif", path], directory: directory))
        }

        @Test(
            "Pillow decodes our GIF frame by frame to the same pixels (at most 256 colours), at the fps",
            .enabled(if: MediaHarness.pythonAvailable), arguments: [(3, 128, 96, 256), (5, 17, 13, 7), (1, 1, 1, 1)])
        func gifRoundTrip(count: Int, width: Int, height: Int, colors: Int) async throws {
            try await MediaHarness.withRun { run, directory in
                let pixels = Self.frames(count: count, width: width, height: height, colors: colors)
                try run.log(["rollout": Video(frames: pixels, count: count, width: width, height: height, channels: 3, fps: 5, caption: "agent")])
                let rows = try await MediaHarness.rows(run)
                let descriptor = try #require(rows.first?["rollout"]?.objectValue)
                let path = try #require(descriptor["path"]?.stringValue)
                let sha = try #require(descriptor["sha256"]?.stringValue)
                #expect(path == "media/videos/rollout_0_\(sha.prefix(20)).gif")
                #expect(descriptor["_type"] == "video-file" && descriptor["caption"] == "agent")
                #expect(descriptor["width"]?.intValue == Int64(width) && descriptor["height"]?.intValue == Int64(height))
                let decoded = try Self.decodeGIF(run.dir + "/" + path, directory: directory.path)
                #expect(decoded["frames"]?.intValue == Int64(count))
                #expect(decoded["durations"]?.arrayValue?.allSatisfy { $0.intValue == 200 } == true)
                #expect(decoded["pixels"]?.arrayValue?.compactMap(\.intValue) == pixels.map(Int64.init))
            }
        }

        @Test("frames with more than 256 colours are reduced to a 3-3-2 palette, each pixel near its colour", .enabled(if: MediaHarness.pythonAvailable))
        func manyColors() async throws {
            try await MediaHarness.withRun { run, directory in
                let (width, height) = (40, 30)
                let pixels = (0..<(width * height * 3)).map { (index: Int) -> UInt8 in
                    let value: Int = (index * 37 + index / 3) % 256
                    return UInt8(value)
                }
                try run.log(["v": Video(frames: pixels, count: 1, width: width, height: height, channels: 3)])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["v"]?["path"]?.stringValue)
                let decoded = try Self.decodeGIF(run.dir + "/" + path, directory: directory.path)
                let read = decoded["pixels"]?.arrayValue?.compactMap(\.intValue) ?? []
                try #require(read.count == pixels.count)
                for index in pixels.indices {
                    let tolerance: Int64 = index % 3 == 2 ? 43 : 19
                    #expect(abs(read[index] - Int64(pixels[index])) <= tolerance)
                }
            }
        }

        @Test(
            "bad frames throw an error naming the key, and nothing is written",
            arguments: [
                (Video(frames: [UInt8](repeating: 0, count: 10), count: 2, width: 2, height: 2, channels: 3), "needs 24"),
                (Video(frames: [], count: 0, width: 2, height: 2), "empty"),
                (Video(frames: [0, 0], count: 1, width: 1, height: 1, channels: 2), "channels"),
                (Video(frames: [0, 0, 0], count: 1, width: 1, height: 1, fps: 0), "fps"),
            ])
        func badInput(video: Video, problem: String) async throws {
            try await MediaHarness.withRun { run, _ in
                let error = #expect(throws: CohortError.self) { try run.log(["bad_video": video]) }
                #expect(error?.description.contains("\"bad_video\"") == true)
                #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }

        @Test("video files are logged as they are; other file types are refused")
        func files() async throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.appending("episode.mp4")
            try Data([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]).write(to: URL(fileURLWithPath: path))
            #expect(throws: CohortError.self) { try Video(contentsOfFile: directory.appending("episode.avi")) }
            let video = try Video(contentsOfFile: path)
            try await MediaHarness.withRun { run, _ in
                try run.log(["episode": video])
                let rows = try await MediaHarness.rows(run)
                let stored = try #require(rows.first?["episode"]?["path"]?.stringValue)
                #expect(stored.hasPrefix("media/videos/episode_0_") && stored.hasSuffix(".mp4"))
                #expect(rows.first?["episode"]?["_type"] == "video-file")
            }
        }
    }
}
