public import CohortModel
import Foundation

/// A 3D object to log, as W&B's `wandb.Object3D`: a point cloud or an `obj`, `gltf`, `glb`,
/// `babylon`, `stl` or `pts.json` file.
///
/// Logged under key `K` at step `S`, a point cloud lands at `media/object3D/K_S_<hash>.pts.json` (the
/// points as a JSON list of rows) and the row holds W&B's `object3D-file` descriptor.
///
/// ```swift
/// // N × 3 (x, y, z), N × 4 (x, y, z, category) or N × 6 (x, y, z, r, g, b)
/// try run.log(["lidar": Object3D(points: flat, columns: 3)])
/// ```
public struct Object3D: Loggable, Equatable {
    enum Source: Sendable, Equatable {
        case points([Double], columns: Int)
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

    func mediaFile(key: String) throws(CohortError) -> MediaFile {
        switch source {
        case .file(let bytes, let fileExtension):
            return MediaFile(bytes: bytes, kind: "object3D", fileExtension: fileExtension, key: key, fields: ["_type": "object3D-file"])
        case .points(let values, let columns):
            guard [3, 4, 6].contains(columns) else {
                throw .invalid("log: the point cloud \"\(key)\" needs rows of 3 (x, y, z), 4 (x, y, z, category) or 6 (x, y, z, r, g, b) numbers, all of one length")
            }
            guard !values.isEmpty, values.count % columns == 0 else {
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
            return MediaFile(
                bytes: JSONWriter.bytes(.array(rows)), kind: "object3D", fileExtension: ".pts.json", key: key,
                fields: ["_type": "object3D-file"])
        }
    }
}

extension Object3D: MediaBearing {
    func mediaTemplate(key: String, batch: inout MediaBatch) throws(CohortError) -> MediaTemplate {
        .file(batch.add(try mediaFile(key: key)))
    }
}
