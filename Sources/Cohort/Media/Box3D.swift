import CohortModel

/// A 3D bounding box in a point cloud, as an entry of W&B's `lidar/beta` `boxes`
/// (`{"corners": [[x, y, z] × 8], "label": …, "color": [r, g, b], "score": …}`), or as made by
/// `wandb.box3d(center=, size=, orientation=, …)`.
///
/// ```swift
/// let car = Box3D(center: [2, 0, 0.5], size: [4, 1.8, 1.5], orientation: [1, 0, 0, 0], color: [255, 0, 0], label: "car", score: 0.9)
/// try run.log(["scene": Object3D(points: points, boxes: [car])])
/// ```
public struct Box3D: Sendable, Equatable {
    /// The eight corners, each `[x, y, z]`.
    public var corners: [[Double]]
    /// The text drawn with the box.
    public var label: String?
    /// The colour, `[r, g, b]` (0–255; W&B's `box3d` documents 0–1, which the 3D panel also reads).
    public var color: [Double]
    /// A score such as a detection's confidence.
    public var score: Double?

    /// A box from its eight corners, as W&B's dict form.
    public init(corners: [[Double]], label: String? = nil, color: [Double], score: Double? = nil) {
        self.corners = corners
        self.label = label
        self.color = color
        self.score = score
    }

    /// A box from its centre, size and orientation, as W&B's `box3d`: the corners of the unit box
    /// (in the order `(-1, -1, -1), (-1, -1, 1), (-1, 1, -1), …, (1, 1, 1)`), scaled by half the
    /// size, rotated and moved to the centre.
    /// - Parameters:
    ///   - center: the centre `[x, y, z]`.
    ///   - size: the extent along the box's own x, y and z axes.
    ///   - orientation: the rotation from world to box coordinates as a quaternion `[r, x, y, z]`
    ///     (any non-zero length; `[1, 0, 0, 0]` is no rotation). As W&B's `box3d` (0.31) does, the
    ///     components are taken by absolute value, so their signs are lost.
    /// - Throws: `CohortError` `.invalidArgument` for a centre or size that is not 3 numbers, an
    ///   orientation that is not 4 numbers, or a zero quaternion.
    public init(
        center: [Double], size: [Double], orientation: [Double], color: [Double], label: String? = nil, score: Double? = nil
    ) throws(CohortError) {
        guard center.count == 3, size.count == 3, orientation.count == 4 else {
            throw .invalid("Box3D: center and size need 3 numbers and orientation 4 (a quaternion r, x, y, z); got \(center.count), \(size.count) and \(orientation.count)")
        }
        let rotation = try Self.rotation(orientation)
        var corners: [[Double]] = []
        let signs: [Double] = [-1, 1]
        for signX in signs {
            for signY in signs {
                for signZ in signs {
                    let local: [Double] = [0.5 * size[0] * signX, 0.5 * size[1] * signY, 0.5 * size[2] * signZ]
                    var corner: [Double] = []
                    for axis in 0..<3 {
                        let rotated: Double = local[0] * rotation[0][axis] + local[1] * rotation[1][axis] + local[2] * rotation[2][axis]
                        corner.append(center[axis] + rotated)
                    }
                    corners.append(corner)
                }
            }
        }
        self.init(corners: corners, label: label, color: color, score: score)
    }

    /// W&B's `_quaternion_to_rotation`: the matrix `R` with `point · R` rotating a row vector.
    private static func rotation(_ quaternion: [Double]) throws(CohortError) -> [[Double]] {
        let magnitudes = quaternion.map(abs)
        guard let largest = magnitudes.max(), largest > 0, largest.isFinite else {
            throw .invalid("Box3D: the orientation \(quaternion) is not a non-zero finite quaternion")
        }
        // As W&B: the absolute values, scaled by the largest, then normalised.
        let scaled = magnitudes.map { $0 / largest }
        let norm = scaled.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let (r, i, j, k) = (scaled[0] / norm, scaled[1] / norm, scaled[2] / norm, scaled[3] / norm)
        return [
            [1 - 2 * (j * j + k * k), 2 * (i * j + k * r), 2 * (i * k - j * r)],
            [2 * (i * j - k * r), 1 - 2 * (i * i + k * k), 2 * (j * k + i * r)],
            [2 * (i * k + j * r), 2 * (j * k - i * r), 1 - 2 * (i * i + j * j)],
        ]
    }

    /// The problem with this box, if any, for the error of the point cloud `key`.
    func problem(index: Int) -> String? {
        guard corners.count == 8, corners.allSatisfy({ $0.count == 3 }) else {
            return "box \(index) has corners \(corners.map(\.count)); \"corners\" needs 8 points of 3 numbers (x, y, z)"
        }
        if corners.contains(where: { $0.contains { !$0.isFinite } }) { return "box \(index) has a non-finite number in \"corners\"" }
        guard color.count == 3, color.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 255 }) else {
            return "box \(index) has \"color\" \(color); it needs 3 numbers (r, g, b) from 0 to 255"
        }
        if let score, !score.isFinite { return "box \(index) has a non-finite \"score\"" }
        return nil
    }

    /// The box's JSON in W&B's key order (corners, label, color, score).
    func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"corners":"#.utf8)
        JSONWriter.write(.array(corners.map { .array($0.map(JSONValue.double)) }), into: &buffer)
        buffer.append(contentsOf: #","label":"#.utf8)
        JSONWriter.write(label.map(JSONValue.string) ?? .null, into: &buffer)
        buffer.append(contentsOf: #","color":"#.utf8)
        JSONWriter.write(.array(color.map(JSONValue.double)), into: &buffer)
        buffer.append(contentsOf: #","score":"#.utf8)
        JSONWriter.write(score.map(JSONValue.double) ?? .null, into: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }
}
