import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Image")
    struct ImageTests {
        static func ramp(_ count: Int, scale: Int = 7) -> [UInt8] { (0..<count).map { UInt8(($0 * scale) % 256) } }

        @Test(
            "Pillow decodes the PNG of 8-bit gray, RGB and RGBA pixels to the same pixels",
            .enabled(if: MediaHarness.pythonAvailable), arguments: [(1, "L"), (3, "RGB"), (4, "RGBA")])
        func pngRoundTrip(channels: Int, mode: String) async throws {
            try await MediaHarness.withRun { run, directory in
                let (width, height) = (37, 23)
                let pixels = Self.ramp(width * height * channels)
                try run.log(["img": Image(pixels: pixels, width: width, height: height, channels: channels)])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["img"]?["path"]?.stringValue)
                let decoded = try MediaHarness.decode(run.dir + "/" + path, directory: directory.path)
                #expect(decoded.mode == mode)
                #expect(decoded.width == width && decoded.height == height)
                #expect(decoded.pixels == pixels)
            }
        }

        @Test("Float pixels in 0–1 are scaled by 255 and rounded; Pillow reads those values", .enabled(if: MediaHarness.pythonAvailable))
        func floatPixels() async throws {
            try await MediaHarness.withRun { run, directory in
                let pixels: [Float] = (0..<(6 * 4)).map { Float($0) / 23 } + [-0.5, 1.5, 0.5, 0.2, 0.0, 1.0].flatMap { [$0, $0, $0, $0] }
                try run.log(["f": Image(pixels: pixels, width: 6, height: 8, channels: 1)])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["f"]?["path"]?.stringValue)
                let decoded = try MediaHarness.decode(run.dir + "/" + path, directory: directory.path)
                #expect(decoded.pixels == pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) })
            }
        }

        @Test("a logged image lands at media/images/K_S_<hash20>.png with W&B's image-file descriptor, recorded for upload")
        func fileAndDescriptor() async throws {
            try await MediaHarness.withRun { run, _ in
                try run.log(["loss": 1.0])
                let pixels = Self.ramp(5 * 4 * 3)
                try run.log(["img": Image(pixels: pixels, width: 5, height: 4, channels: 3, caption: "ramp")])
                let rows = try await MediaHarness.rows(run)
                let descriptor = try #require(rows.last?["img"]?.objectValue)
                let path = try #require(descriptor["path"]?.stringValue)
                let bytes = MediaHarness.bytes(run.dir + "/" + path)
                let sha = try #require(descriptor["sha256"]?.stringValue)
                #expect(path == "media/images/img_1_\(sha.prefix(20)).png")
                #expect(sha.count == 64)
                #expect(descriptor["size"]?.intValue == Int64(bytes.count))
                #expect(descriptor["_type"] == "image-file")
                #expect(descriptor["format"] == "png")
                #expect(descriptor["width"]?.intValue == 5 && descriptor["height"]?.intValue == 4)
                #expect(descriptor["caption"] == "ramp")
                #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                #expect(MediaHarness.mediaFiles(run) == [path])
                let records = try MediaHarness.fileRecords(run)
                #expect(records.contains { $0.path == path && $0.policy == "now" })
            }
        }

        @Test(
            "bad pixel buffers throw an error naming the key, and nothing is written or logged",
            arguments: [
                (Image(pixels: [UInt8](repeating: 0, count: 10), width: 2, height: 2, channels: 3), "needs 12"),
                (Image(pixels: [UInt8](), width: 0, height: 0, channels: 3), "empty"),
                (Image(pixels: [Float](repeating: .nan, count: 3), width: 1, height: 1, channels: 3), "non-finite"),
                (Image(pixels: [Float](repeating: .infinity, count: 4), width: 2, height: 1, channels: 2), "channels"),
                (Image(pixels: [UInt8](repeating: 0, count: 70_000), width: 70_000, height: 1, channels: 1), "exceed"),
            ])
        func badInput(image: Image, problem: String) async throws {
            try await MediaHarness.withRun { run, _ in
                let good = Image(pixels: [UInt8]([1, 2, 3]), width: 1, height: 1, channels: 3)
                let error = #expect(throws: CohortError.self) {
                    try run.log(["good": good, "bad_key": image, "loss": 1.0])
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.description.contains("\"bad_key\"") == true)
                #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
                #expect(run.step == 0)
                let rows = try await MediaHarness.rows(run)
                #expect(rows.isEmpty)
                #expect(MediaHarness.mediaFiles(run).isEmpty)
                let records = try MediaHarness.fileRecords(run)
                #expect(records.isEmpty)
            }
        }

        @Test("PNG and JPEG files are logged as they are, with their size and format", .enabled(if: MediaHarness.pythonAvailable))
        func fromFiles() async throws {
            try await MediaHarness.withRun { run, directory in
                let jpegPath = directory.appending("photo.jpg")
                _ = try MediaHarness.python(["jpeg", jpegPath, "19", "11"], directory: directory.path)
                let jpeg = try Image(contentsOfFile: jpegPath, caption: "photo")
                #expect(jpeg.width == 19 && jpeg.height == 11)
                try run.log(["photo": jpeg])
                let pngPath = directory.appending("in.png")
                try run.log(["first": Image(pixels: Self.ramp(3 * 2), width: 3, height: 2, channels: 1)])
                let rows = try await MediaHarness.rows(run)
                let first = try #require(rows.last?["first"]?["path"]?.stringValue)
                try Data(MediaHarness.bytes(run.dir + "/" + first)).write(to: URL(fileURLWithPath: pngPath))
                let png = try Image(contentsOfFile: pngPath)
                #expect(png.width == 3 && png.height == 2)
                try run.log(["again": png])
                let all = try await MediaHarness.rows(run)
                let photo = try #require(all.first?["photo"]?.objectValue)
                #expect(photo["format"] == "jpg" && photo["width"]?.intValue == 19 && photo["height"]?.intValue == 11)
                let photoPath = try #require(photo["path"]?.stringValue)
                #expect(photoPath.hasPrefix("media/images/photo_0_") && photoPath.hasSuffix(".jpg"))
                #expect(MediaHarness.bytes(run.dir + "/" + photoPath) == MediaHarness.bytes(jpegPath))
                #expect(all.last?["again"]?["sha256"] == all[1]["first"]?["sha256"])
            }
        }

        @Test("a file that is neither PNG nor JPEG is refused when the Image is made")
        func unknownFile() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let path = directory.appending("notes.png")
            try Data("not an image".utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: CohortError.self) { try Image(contentsOfFile: path) }
            #expect(error?.code == .invalidArgument)
            #expect(error?.description.contains("not a PNG or JPEG") == true)
        }

        @Test("a list of images under one key is W&B's images/separated with each file and the captions")
        func imageList() async throws {
            try await MediaHarness.withRun { run, _ in
                let a = Image(pixels: Self.ramp(12), width: 2, height: 2, channels: 3, caption: "a")
                let b = Image(pixels: Self.ramp(12, scale: 3), width: 2, height: 2, channels: 3, caption: "b")
                try run.log(["batch": [a, b]])
                let rows = try await MediaHarness.rows(run)
                let list = try #require(rows.first?["batch"]?.objectValue)
                #expect(list["_type"] == "images/separated")
                #expect(list["count"]?.intValue == 2 && list["width"]?.intValue == 2 && list["format"] == "png")
                #expect(list["captions"] == ["a", "b"])
                let names = (list["filenames"]?.arrayValue ?? []).compactMap(\.stringValue)
                #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix("media/images/batch_0_") })
                #expect(MediaHarness.mediaFiles(run) == names.sorted())
            }
        }

        @Test("media nested in a dictionary are named after their own key, as W&B does")
        func nested() async throws {
            try await MediaHarness.withRun { run, _ in
                let image = Image(pixels: Self.ramp(3), width: 1, height: 1, channels: 3)
                try run.log(["eval": ["sample": image, "acc": 0.5] as NestedLog])
                let rows = try await MediaHarness.rows(run)
                let path = try #require(rows.first?["eval"]?["sample"]?["path"]?.stringValue)
                #expect(path.hasPrefix("media/images/sample_0_"))
                #expect(rows.first?["eval"]?["acc"] == 0.5)
            }
        }
    }
}
