import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Bounding boxes and masks")
    struct BoxesAndMasksTests {
        static func detection() -> Image {
            var image = Image(pixels: (0..<(4 * 5 * 3)).map { UInt8($0 % 256) }, width: 5, height: 4, channels: 3)
            image.boxes["predictions"] = BoundingBoxes2D(
                [BoundingBox(.corners(minX: 0.1, maxX: 0.5, minY: 0.2, maxY: 0.6), classID: 1, caption: "cat", scores: ["acc": 0.9])],
                classLabels: [1: "cat", 2: "dog"])
            image.masks["truth"] = ImageMask(classIDs: (0..<20).map { UInt8($0 % 3) }, classLabels: [0: "bg", 1: "cat", 2: "dog"])
            return image
        }

        @Test("boxes land in media/metadata/boxes2D and masks in media/images/mask; Pillow reads the mask's class ids", .enabled(if: MediaHarness.pythonAvailable))
        func logged() async throws {
            try await MediaHarness.withRun { run, directory in
                try run.log(["det": Self.detection()])
                let rows = try await MediaHarness.rows(run)
                let image = try #require(rows.first?["det"]?.objectValue)
                let boxes = try #require(image["boxes"]?["predictions"]?.objectValue)
                #expect(boxes["_type"] == "boxes2D")
                let boxesPath = try #require(boxes["path"]?.stringValue)
                #expect(boxesPath.hasPrefix("media/metadata/boxes2D/det_0_") && boxesPath.hasSuffix(".boxes2D.json"))
                let json = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + boxesPath))
                #expect(json == [
                    "box_data": [["position": ["minX": 0.1, "maxX": 0.5, "minY": 0.2, "maxY": 0.6], "class_id": 1, "box_caption": "cat", "scores": ["acc": 0.9]]],
                    "class_labels": ["1": "cat", "2": "dog"],
                ])
                let mask = try #require(image["masks"]?["truth"]?.objectValue)
                #expect(mask["_type"] == "mask")
                let maskPath = try #require(mask["path"]?.stringValue)
                #expect(maskPath.hasPrefix("media/images/mask/det_0_") && maskPath.hasSuffix(".mask.png"))
                let decoded = try MediaHarness.decode(run.dir + "/" + maskPath, directory: directory.path)
                #expect(decoded.mode == "L" && decoded.pixels == (0..<20).map { UInt8($0 % 3) })
            }
        }

        @Test(
            "the descriptor has the keys and value types wandb writes for an image with boxes and a mask; the class labels go into config _wandb as wandb's",
            .enabled(if: MediaHarness.pythonAvailable))
        func parity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-boxes")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["boxes"], directory: directory.path))
            let theirs = try #require(reference["rows"]?.arrayValue?.first?["det"])
            let theirFiles = MediaHarness.files(of: reference)
            try await MediaHarness.withRun { run, _ in
                try run.log(["det": Self.detection()])
                let ours = try #require(try await MediaHarness.rows(run).first?["det"])
                #expect(MediaHarness.shape(ours) == MediaHarness.shape(theirs))
                #expect(MediaParityTests.withoutHashes(MediaHarness.mediaFiles(run)) == MediaParityTests.withoutHashes(theirFiles))
                for section in ["bounding_box/class_labels", "mask/class_labels"] {
                    let expected = try #require(reference["config"]?["_wandb"]?[section])
                    #expect(run.config.value(at: ["_wandb", section]) == expected, "\(section)")
                }
            }
        }

        @Test("a mask whose size differs from the image's throws naming the key, and nothing is written")
        func wrongMask() async throws {
            try await MediaHarness.withRun { run, _ in
                var image = Self.detection()
                image.masks["truth"] = ImageMask(classIDs: [0, 1, 2])
                let error = #expect(throws: CohortError.self) { try run.log(["seg_key": image]) }
                #expect(error?.description.contains("\"seg_key\"") == true)
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }
    }
}
