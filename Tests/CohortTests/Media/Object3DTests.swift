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
            let theirRows = (reference["rows"]?.arrayValue ?? []).compactMap(\.objectValue).map(SemanticsHarness.userKeys(keepingStep: false))
            let theirFiles = (reference["files"]?.arrayValue ?? []).compactMap(\.stringValue)
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
