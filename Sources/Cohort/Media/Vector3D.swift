import CohortModel

/// An arrow in a point cloud, as an entry of W&B's `lidar/beta` `vectors`
/// (`{"start": [x, y, z], "end": [x, y, z]}`), often showing a box's heading.
public struct Vector3D: Sendable, Equatable {
    /// Where the arrow starts, `[x, y, z]`.
    public var start: [Double]
    /// Where the arrow points to, `[x, y, z]`.
    public var end: [Double]

    /// An arrow from `start` to `end`.
    public init(start: [Double], end: [Double]) {
        self.start = start
        self.end = end
    }

    /// The problem with this vector, if any.
    func problem(index: Int) -> String? {
        guard start.count == 3, end.count == 3 else {
            return "vector \(index) has \(start.count) numbers in \"start\" and \(end.count) in \"end\"; each needs 3 (x, y, z)"
        }
        if (start + end).contains(where: { !$0.isFinite }) { return "vector \(index) has a non-finite number" }
        return nil
    }

    /// The vector's JSON in W&B's key order (start, end).
    func write(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: #"{"start":"#.utf8)
        JSONWriter.write(.array(start.map(JSONValue.double)), into: &buffer)
        buffer.append(contentsOf: #","end":"#.utf8)
        JSONWriter.write(.array(end.map(JSONValue.double)), into: &buffer)
        buffer.append(UInt8(ascii: "}"))
    }
}
