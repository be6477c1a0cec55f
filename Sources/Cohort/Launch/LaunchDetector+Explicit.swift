/// `COHORT_RANK`, `COHORT_WORLD_SIZE`, `COHORT_LOCAL_RANK`, `COHORT_LOCAL_WORLD_SIZE` and
/// `COHORT_NODE_RANK`: each overrides the launcher's value.
extension LaunchDetector {
    /// The explicit values that are set and readable.
    struct ExplicitSettings: Equatable {
        var rank: Int?
        var worldSize: Int?
        var localRank: Int?
        var localWorldSize: Int?
        var nodeRank: Int?

        var isEmpty: Bool { self == ExplicitSettings() }
        /// The values in the order of `explicitKeys`.
        var values: [Int?] { [rank, worldSize, localRank, localWorldSize, nodeRank] }
    }

    static let explicitKeys = [
        "COHORT_RANK", "COHORT_WORLD_SIZE", "COHORT_LOCAL_RANK", "COHORT_LOCAL_WORLD_SIZE", "COHORT_NODE_RANK",
    ]

    /// `detected` with the explicit settings applied. A setting that contradicts another value (a rank
    /// not below the world size) is dropped with its partner, and the launcher's values are kept.
    mutating func applyingExplicitSettings(to detected: RankFacts) -> RankFacts {
        var settings = ExplicitSettings(
            rank: index("COHORT_RANK"), worldSize: count("COHORT_WORLD_SIZE"), localRank: index("COHORT_LOCAL_RANK"),
            localWorldSize: count("COHORT_LOCAL_WORLD_SIZE"), nodeRank: index("COHORT_NODE_RANK"))
        guard !settings.isEmpty else { return detected }
        var facts = Self.merging(settings, into: detected)
        // The launcher's values never contradict each other, so each contradiction involves an
        // explicit value; dropping the explicit pair ends the loop within four rounds.
        while let contradiction = facts.contradiction {
            let before = settings
            switch contradiction {
            case .rank: (settings.rank, settings.worldSize) = (nil, nil)
            case .localRank: (settings.localRank, settings.localWorldSize) = (nil, nil)
            case .localWorldSize, .localRankBeyondWorld:
                (settings.localRank, settings.localWorldSize, settings.worldSize) = (nil, nil, nil)
            case .nodeRank: settings.nodeRank = nil
            }
            guard settings != before else { break }
            note("explicit settings dropped (\(contradiction)); the launcher's values are kept")
            facts = Self.merging(settings, into: detected)
        }
        let applied = zip(Self.explicitKeys, settings.values).filter { $0.1 != nil }.map(\.0)
        if !applied.isEmpty { note("explicit settings: \(shown(applied))") }
        return facts
    }

    /// Each explicit value replaces the launcher's. The single-process fallback's values are
    /// assumptions, so once anything is explicit they are dropped (a world of 1 still implies rank 0).
    static func merging(_ settings: ExplicitSettings, into detected: RankFacts) -> RankFacts {
        guard !settings.isEmpty else { return detected }
        var facts = detected.isAssumed ? RankFacts(launcher: .explicit) : detected
        if settings.rank != nil { facts.launcher = .explicit }
        facts.rank = settings.rank ?? facts.rank
        facts.worldSize = settings.worldSize ?? facts.worldSize
        facts.localRank = settings.localRank ?? facts.localRank
        facts.localWorldSize = settings.localWorldSize ?? facts.localWorldSize
        facts.nodeRank = settings.nodeRank ?? facts.nodeRank
        if facts.worldSize == 1 {
            facts.rank = facts.rank ?? 0
            facts.localRank = facts.localRank ?? 0
            facts.localWorldSize = facts.localWorldSize ?? 1
        }
        return facts
    }
}
