public import CohortModel
import Foundation

/// A 3D object to log, as W&B's `wandb.Object3D`: a point cloud (with or without boxes) or an
/// `obj`, `gltf`, `glb`, `babylon`, `stl` or `pts.json` file.
///
/// Logged under key `K` at step `S`, a point cloud lands at `media/object3D/K_S_<hash>.pts.json` and
/// the row holds W&B's `object3D-file` descriptor. The file holds the points as a JSON list of rows;
/// a point cloud with boxes or vectors (W&B's `Object3D.from_point_cloud`) holds W&B's `lidar/beta`
/// scene instead: `{"type": "lidar/beta", "vectors": […], "points": […], "boxes": […]}`.
///
/// ```swift
/// // N × 3 (x, y, z), N × 4 (x, y, z, category) or N × 6 (x, y, z, r, g, b)
/// try run.log(["lidar": Object3D(points: flat, columns: 3)])
/// let car = Box3D(corners: corners, label: "car", color: [255, 0, 0], score: 0.9)
/// try run.log(["scene": Object3D(points: rows, boxes: [car], vectors: [Vector3D(start: [0, 0, 0], end: [1, 0, 0])])])
/// ```
public struct Object3D: Loggable, Equatable {
    enum Source: Sendable, Equatable {
        case points([Double], columns: Int)
        /// W&B's `lidar/beta` scene: points, boxes and vectors.
        case scene(points: [Double], columns: Int, boxes: [Box3D], vectors: [Vector3D])
        case file(bytes: [UInt8], fileExtension: String)
    }

    /// The file types W&B's 3D panel shows.
    public static let fileExtensions = ["pts.json", "obj", "gltf", "glb", "babylon", "stl"]

    let source: Source

    /// A point cloud from `points`, `columns` numbers per point (3, 4 or 6), one point after another.
    public init(points: [Double], columns: Int) {
        source = .points(points, columns: columns)
    }

    /// A point cloud from rows of 3, 4 or 6 numbers.
    public init(points rows: [[Double]]) {
        source = .points(rows.flatMap { $0 }, columns: rows.allSatisfy { $0.count == rows.first?.count } ? rows.first?.count ?? 0 : -1)
    }

    /// A point cloud with boxes and vectors, as W&B's `Object3D.from_point_cloud(points, boxes,
    /// vectors, point_cloud_type="lidar/beta")` (the only type W&B supports).
    ///
    /// `log` checks the scene and throws naming the key and the part at fault: points that are not
    /// rows of 3, 4 or 6 numbers, a box whose `corners` are not 8 points of 3 numbers, a `color`
    /// that is not 3 numbers from 0 to 255, a vector whose `start` or `end` is not 3 numbers, or a
    /// non-finite number anywhere.
    /// - Parameters:
    ///   - rows: the points, rows of 3 (x, y, z), 4 (x, y, z, category) or 6 (x, y, z, r, g, b)
    ///     numbers; may be empty when there are boxes.
    ///   - boxes: the boxes drawn in the cloud.
    ///   - vectors: arrows drawn in the cloud.
    public init(points rows: [[Double]], boxes: [Box3D], vectors: [Vector3D] = []) {
        let columns = rows.isEmpty ? 3 : rows.allSatisfy { $0.count == rows[0].count } ? rows[0].count : -1
        source = .scene(points: rows.flatMap { $0 }, columns: columns, boxes: boxes, vectors: vectors)
    }

    /// A 3D file, logged as it is.
    /// - Throws: `CohortError` `.storage` when the file cannot be read, `.invalidArgument` for another
    ///   file type.
    public init(contentsOfFile path: String) throws(CohortError) {
        let name = URL(fileURLWithPath: path).lastPathComponent.lowercased()
        guard let fileExtension = Self.fileExtensions.first(where: { name.hasSuffix("." + $0) }) else {
            throw .invalid("Object3D: \(path) is not a 3D file W&B shows; use one of \(Self.fileExtensions.joined(separator: ", "))")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .storage("Object3D: cannot read \(path); check that the file exists and is readable")
        }
        source = .file(bytes: [UInt8](data), fileExtension: "." + fileExtension)
    }

    /// The descriptor without the file fields; `run.log` adds path, sha256 and size.
    public var jsonValue: JSONValue { ["_type": "object3D-file"] }

    public var containsMedia: Bool { true }

    public func write(to tape: inout LogTape) { tape.writeMedia(self) }

    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        switch source {
        case .file(let bytes, let fileExtension):
            return MediaFile(bytes: bytes, kind: "object3D", fileExtension: fileExtension, key: key, fields: ["_type": "object3D-file"])
        case .points(let values, let columns):
            return MediaFile(
                bytes: JSONWriter.bytes(.array(try Self.rows(values, columns: columns, key: key))), kind: "object3D",
                fileExtension: ".pts.json", key: key, fields: ["_type": "object3D-file"])
        case .scene(let values, let columns, let boxes, let vectors):
            return MediaFile(
                bytes: try Self.scene(values, columns: columns, boxes: boxes, vectors: vectors, key: key), kind: "object3D",
                fileExtension: ".pts.json", key: key, fields: ["_type": "object3D-file"])
        }
    }

    /// The points as JSON rows, checked.
    private static func rows(_ values: [Double], columns: Int, key: String, allowEmpty: Bool = false) throws(CohortError) -> [JSONValue] {
        guard [3, 4, 6].contains(columns) else {
            throw .invalid("log: the point cloud \"\(key)\" needs rows of 3 (x, y, z), 4 (x, y, z, category) or 6 (x, y, z, r, g, b) numbers, all of one length")
        }
        guard !values.isEmpty || allowEmpty, values.count % columns == 0 else {
            throw .invalid("log: the point cloud \"\(key)\" has \(values.count) numbers, not a whole number of \(columns)-number points")
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalid("log: the point cloud \"\(key)\" has a non-finite number (\(values[index])) at index \(index)")
        }
        var rows: [JSONValue] = []
        rows.reserveCapacity(values.count / columns)
        for start in stride(from: 0, to: values.count, by: columns) {
            rows.append(.array(values[start..<(start + columns)].map(JSONValue.double)))
        }
        return rows
    }

    /// W&B's `lidar/beta` file, keys in W&B's order; throws naming the key and the part at fault.
    private static func scene(
        _ values: [Double], columns: Int, boxes: [Box3D], vectors: [Vector3D], key: String
    ) throws(CohortError) -> [UInt8] {
        let points = try rows(values, columns: columns, key: key, allowEmpty: true)
        for (index, box) in boxes.enumerated() {
            if let problem = box.problem(index: index) { throw .invalid("log: in the point cloud \"\(key)\", \(problem)") }
        }
        for (index, vector) in vectors.enumerated() {
            if let problem = vector.problem(index: index) { throw .invalid("log: in the point cloud \"\(key)\", \(problem)") }
        }
        var bytes = Array(#"{"type":"lidar/beta","vectors":["#.utf8)
        for (index, vector) in vectors.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            vector.write(into: &bytes)
        }
        bytes.append(contentsOf: #"],"points":"#.utf8)
        JSONWriter.write(.array(points), into: &bytes)
        bytes.append(contentsOf: #","boxes":["#.utf8)
        for (index, box) in boxes.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            box.write(into: &bytes)
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }
}

extension Object3D: SingleFileMedia {
    /// W&B's `object3D` list for several objects under one key: count, descriptors and file names.
    static func listTemplate(_ objects: [Object3D], key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        let indices = try addFiles(objects, key: key, batch: &batch)
        return .descriptorList(
            fields: ["_type": "object3D", "count": .int(Int64(objects.count))], member: "objects", files: indices,
            filenamesUnder: "media/object3D")
    }
}
