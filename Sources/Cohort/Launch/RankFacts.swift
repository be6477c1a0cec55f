/// The rank values one launcher gives, before the explicit settings are applied.
struct RankFacts: Equatable {
    var launcher: LaunchInfo.Launcher
    var rank: Int?
    var worldSize: Int?
    var localRank: Int?
    var localWorldSize: Int?
    var nodeRank: Int?
    var nodeCount: Int?
    /// `true` for the single-process fallback, whose values are assumptions rather than facts.
    var isAssumed = false

    /// A single process: rank 0 of 1 on node 0 of 1.
    static let singleProcess = RankFacts(
        launcher: .single, rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, nodeRank: 0, nodeCount: 1,
        isAssumed: true)

    /// The first way in which the values contradict each other, if any: an index not below its
    /// count, or more ranks on this node than in the world.
    var contradiction: Contradiction? {
        if let rank, let worldSize, rank >= worldSize { return .rank(rank, worldSize) }
        if let localRank, let localWorldSize, localRank >= localWorldSize {
            return .localRank(localRank, localWorldSize)
        }
        if let localWorldSize, let worldSize, localWorldSize > worldSize {
            return .localWorldSize(localWorldSize, worldSize)
        }
        if let localRank, let worldSize, localRank >= worldSize { return .localRankBeyondWorld(localRank, worldSize) }
        if let nodeRank, let nodeCount, nodeRank >= nodeCount { return .nodeRank(nodeRank, nodeCount) }
        return nil
    }

    /// A pair of values that cannot both be right.
    enum Contradiction: Equatable, CustomStringConvertible {
        case rank(Int, Int)
        case localRank(Int, Int)
        case localWorldSize(Int, Int)
        case localRankBeyondWorld(Int, Int)
        case nodeRank(Int, Int)

        var description: String {
            switch self {
            case .rank(let rank, let size): "rank \(rank) is not below world size \(size)"
            case .localRank(let rank, let size): "local rank \(rank) is not below local world size \(size)"
            case .localWorldSize(let local, let size): "local world size \(local) exceeds world size \(size)"
            case .localRankBeyondWorld(let rank, let size): "local rank \(rank) is not below world size \(size)"
            case .nodeRank(let rank, let count): "node rank \(rank) is not below node count \(count)"
            }
        }
    }
}
