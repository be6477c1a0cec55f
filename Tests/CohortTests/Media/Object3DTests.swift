import Cohort
import CohortModel
import CohortTestSupport
import Foundation
import Testing

extension Media {
    @Suite("Object3D")
    struct Object3DTests {
        @Test("point clouds and .obj files have wandb's descriptors, file names and point JSON", .enabled(if: MediaHarness.pythonAvailable))
        func parity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-3d")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["object3d"], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirFiles = MediaHarness.files(of: reference)
            try #require(theirRows.count == 4)
            try await MediaHarness.withRun { run, _ in
                try run.log(["cloud": Object3D(points: [[0, 0, 0], [1, 0.5, 2], [3, 4, 5.25]])])
                try run.log(["cloud4": Object3D(points: [0, 0, 0, 1, 1, 2, 3, 2], columns: 4)])
                try run.log(["cloud6": Object3D(points: [0, 0, 0, 255, 0, 0, 1, 2, 3, 0, 255, 0], columns: 6)])
                try run.log(["mesh": Object3D(contentsOfFile: directory.appending("mesh.obj"))])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                for (ours, theirs) in zip(ourRows, theirRows) {
                    for key in theirs.keys { #expect(MediaHarness.shape(ours[key] ?? .null) == MediaHarness.shape(theirs[key] ?? .null)) }
                }
                #expect(ourRows[3]["mesh"]?["sha256"] == theirRows[3]["mesh"]?["sha256"])
                #expect(MediaParityTests.withoutHashes(MediaHarness.mediaFiles(run)) == MediaParityTests.withoutHashes(theirFiles))
                let path = try #require(ourRows[0]["cloud"]?["path"]?.stringValue)
                let points = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + path))
                #expect(points.arrayValue?.map { $0.arrayValue?.compactMap(\.number) ?? [] } == [[0, 0, 0], [1, 0.5, 2], [3, 4, 5.25]])
            }
        }

        /// The boxes of `media_offline.py scene`.
        static let corners: [[Double]] = [0.0, 1.5].flatMap { x in [0.0, 2.0].flatMap { y in [0.0, 0.75].map { z in [x, y, z] } } }
        static let boxes = [
            Box3D(corners: corners, label: "car", color: [255, 0, 0], score: 0.875),
            Box3D(corners: corners, color: [0, 128, 255]),
        ]
        static let points: [[Double]] = [[0, 0, 0], [1, 0.5, 2], [3, 4, 5.25]]

        @Test("point clouds with boxes and vectors write wandb's lidar/beta file (byte-equal for the dict form) and descriptor", .enabled(if: MediaHarness.pythonAvailable))
        func sceneParity() async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-media-scene")
            defer { directory.remove() }
            let reference = try JSONParser.parse(try MediaHarness.python(["scene"], directory: directory.path))
            let theirRows = MediaHarness.rows(of: reference)
            let theirFiles = MediaHarness.files(of: reference)
            try #require(theirRows.count == 3)
            try await MediaHarness.withRun { run, _ in
                try run.log(["scene": Object3D(points: Self.points, boxes: Self.boxes, vectors: [Vector3D(start: [0, 0, 0], end: [1, 0.5, 0.25])])])
                let rotated = [
                    try Box3D(center: [1, 2, 0.5], size: [4, 1.8, 1.5], orientation: [0.9, 0.1, 0.3, 0.2], color: [0, 255, 0], label: "truck", score: 0.5),
                    try Box3D(center: [-3, 0, 1], size: [1, 1, 2], orientation: [1, 0, 0, 0], color: [10, 20, 30]),
                ]
                try run.log(["scene_box3d": Object3D(points: Self.points, boxes: rotated, vectors: [Vector3D(start: [0, 0, 0], end: [2, 0, 0])])])
                try run.log(["scene_boxes_only": Object3D(points: [], boxes: Self.boxes)])
                let ourRows = try await MediaHarness.rows(run).map(SemanticsHarness.userKeys(keepingStep: false))
                try #require(ourRows.count == 3)
                for (ours, theirs) in zip(ourRows, theirRows) {
                    #expect(Set(ours.keys) == Set(theirs.keys))
                    for key in theirs.keys { #expect(MediaHarness.shape(ours[key] ?? .null) == MediaHarness.shape(theirs[key] ?? .null), "\(key)") }
                }
                #expect(ourRows[0]["scene"]?["sha256"] == theirRows[0]["scene"]?["sha256"], "the dict form's file bytes differ")
                #expect(ourRows[2]["scene_boxes_only"]?["sha256"] == theirRows[2]["scene_boxes_only"]?["sha256"])
                #expect(MediaParityTests.withoutHashes(MediaHarness.mediaFiles(run)) == MediaParityTests.withoutHashes(theirFiles))
                // box3d's corners come from floating-point rotation: equal within rounding.
                let path = try #require(ourRows[1]["scene_box3d"]?["path"]?.stringValue)
                let ours = try JSONParser.parse(MediaHarness.bytes(run.dir + "/" + path))
                let theirs = try #require(reference["objects"]?["scene_box3d"])
                #expect(ours["type"] == "lidar/beta")
                #expect(ours["points"] == theirs["points"] && ours["vectors"] == theirs["vectors"])
                let (ourBoxes, theirBoxes) = (ours["boxes"]?.arrayValue ?? [], theirs["boxes"]?.arrayValue ?? [])
                try #require(ourBoxes.count == 2 && theirBoxes.count == 2)
                for (ourBox, theirBox) in zip(ourBoxes, theirBoxes) {
                    for member in ["label", "color", "score"] { #expect(ourBox[member] == theirBox[member], "\(member)") }
                    let ourCorners = (ourBox["corners"]?.arrayValue ?? []).flatMap { $0.arrayValue?.compactMap(\.number) ?? [] }
                    let theirCorners = (theirBox["corners"]?.arrayValue ?? []).flatMap { $0.arrayValue?.compactMap(\.number) ?? [] }
                    #expect(ourCorners.count == 24 && theirCorners.count == 24)
                    #expect(zip(ourCorners, theirCorners).allSatisfy { abs($0 - $1) < 1e-12 }, "\(ourCorners) vs \(theirCorners)")
                }
            }
        }

        @Test(
            "bad boxes and vectors throw naming the key and the part; nothing is written",
            arguments: [
                (Object3D(points: Media.Object3DTests.points, boxes: [Box3D(corners: Array(Media.Object3DTests.corners.prefix(7)), color: [1, 2, 3])]), "\"corners\" needs 8 points of 3"),
                (Object3D(points: Media.Object3DTests.points, boxes: [Box3D(corners: Media.Object3DTests.corners.map { Array($0.prefix(2)) }, color: [1, 2, 3])]), "\"corners\" needs 8 points of 3"),
                (Object3D(points: Media.Object3DTests.points, boxes: [Box3D(corners: [[.infinity, 0, 0]] + Media.Object3DTests.corners.dropFirst(), color: [1, 2, 3])]), "non-finite number in \"corners\""),
                (Object3D(points: Media.Object3DTests.points, boxes: [Media.Object3DTests.boxes[0], Box3D(corners: Media.Object3DTests.corners, color: [1, 2])]), "box 1 has \"color\""),
                (Object3D(points: Media.Object3DTests.points, boxes: [Box3D(corners: Media.Object3DTests.corners, color: [1, 2, 300])]), "from 0 to 255"),
                (Object3D(points: Media.Object3DTests.points, boxes: [Box3D(corners: Media.Object3DTests.corners, color: [1, 2, 3], score: .nan)]), "\"score\""),
                (Object3D(points: Media.Object3DTests.points, boxes: [], vectors: [Vector3D(start: [0, 0], end: [1, 1, 1])]), "\"start\""),
                (Object3D(points: [[0, 0, 0, 0, 0]], boxes: Media.Object3DTests.boxes), "rows of 3"),
            ])
        func badScene(object: Object3D, problem: String) async throws {
            try await MediaHarness.withRun { run, _ in
                let error = #expect(throws: CohortError.self) { try run.log(["bad_scene": object, "fine": Html("<p>ok</p>")]) }
                #expect(error?.description.contains("\"bad_scene\"") == true)
                #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
        }

        @Test("Box3D from centre, size and orientation: W&B's corner order; a zero quaternion or wrong lengths throw")
        func boxFromCenter() throws {
            let box = try Box3D(center: [1, 2, 3], size: [2, 4, 6], orientation: [2, 0, 0, 0], color: [0, 0, 0])
            #expect(box.corners == [[0, 0, 0], [0, 0, 6], [0, 4, 0], [0, 4, 6], [2, 0, 0], [2, 0, 6], [2, 4, 0], [2, 4, 6]])
            #expect(throws: CohortError.self) { try Box3D(center: [0, 0, 0], size: [1, 1, 1], orientation: [0, 0, 0, 0], color: [0, 0, 0]) }
            #expect(throws: CohortError.self) { try Box3D(center: [0, 0], size: [1, 1, 1], orientation: [1, 0, 0, 0], color: [0, 0, 0]) }
        }

        @Test(
            "bad point clouds throw naming the key; other file types are refused",
            arguments: [
                (Object3D(points: [[0, 0], [1, 1]]), "rows of 3"),
                (Object3D(points: [[0, 0, 0], [1, 1]]), "rows of 3"),
                (Object3D(points: [], columns: 3), "whole number"),
                (Object3D(points: [0, .nan, 0], columns: 3), "non-finite"),
            ])
        func badInput(object: Object3D, problem: String) async throws {
            try await MediaHarness.withRun { run, _ in
                let error = #expect(throws: CohortError.self) { try run.log(["bad_cloud": object]) }
                #expect(error?.description.contains("\"bad_cloud\"") == true)
                #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
                #expect(MediaHarness.mediaFiles(run).isEmpty)
            }
            #expect(throws: CohortError.self) { try Object3D(contentsOfFile: "/tmp/model.fbx") }
        }
    }
}
