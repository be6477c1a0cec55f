/// One pass over one environment: the rank facts of the innermost launcher, the explicit overrides,
/// then the group id, attempt, array task and leader candidates. Collects notes as it goes.
struct LaunchDetector {
    let environment: [String: String]
    private(set) var notes: [String] = []

    init(environment: [String: String]) {
        self.environment = environment
    }

    mutating func detect() -> LaunchInfo {
        let detected = launcherFacts()
        noteIgnoredSlurmTask(launcher: detected.launcher)
        let facts = applyingExplicitSettings(to: detected)
        if facts.worldSize == nil {
            note("world size unknown: set COHORT_WORLD_SIZE to the number of ranks")
        }
        if facts.rank == nil && facts.launcher != .kubeflow {
            note("rank unknown: set COHORT_RANK")
        }
        var info = LaunchInfo(
            launcher: facts.launcher, rank: facts.rank, worldSize: facts.worldSize, localRank: facts.localRank,
            localWorldSize: facts.localWorldSize, nodeRank: facts.nodeRank, nodeCount: facts.nodeCount)
        info.groupID = groupID(distributed: info.isDistributed)
        info.restartAttempt = restartAttempt()
        (info.arrayTaskID, info.arrayTaskCount) = arrayTask()
        info.leaderCandidates = leaderCandidates(for: info)
        info.notes = notes
        return info
    }

    /// The first launcher whose variables are present and readable, innermost first.
    mutating func launcherFacts() -> RankFacts {
        if let facts = kubeflowPodLevel() { return facts }
        if let facts = torch() { return facts }
        if let facts = horovod() { return facts }
        if let facts = openMPI() { return facts }
        if let facts = mvapich() { return facts }
        if let facts = hydra() { return facts }
        if let facts = pmix() { return facts }
        if let facts = slurm() { return facts }
        if let facts = lsf() { return facts }
        if let facts = kubernetesIndexedJob() { return facts }
        return single()
    }

    // MARK: - Reading variables

    /// The trimmed value of `key`; `nil` when unset or blank.
    func string(_ key: String) -> String? {
        guard let raw = environment[key] else { return nil }
        let trimmed = raw.trimmingASCIIWhitespace()
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// Whether `key` is set to something other than blanks.
    func has(_ key: String) -> Bool { string(key) != nil }

    /// `key` as an index (an integer ≥ 0); `nil` when unset, or unreadable (with a note).
    mutating func index(_ key: String) -> Int? { integer(key, minimum: 0, kind: "a non-negative integer") }

    /// `key` as a count (an integer ≥ 1); `nil` when unset, or unreadable (with a note).
    mutating func count(_ key: String) -> Int? { integer(key, minimum: 1, kind: "a positive integer") }

    /// The first of `keys` that is set, as a count.
    mutating func firstCount(_ keys: String...) -> Int? {
        guard let key = keys.first(where: has) else { return nil }
        return count(key)
    }

    private mutating func integer(_ key: String, minimum: Int, kind: String) -> Int? {
        guard let text = string(key) else { return nil }
        guard text.allSatisfy(\.isASCIIDigit), let value = Int(text), value >= minimum else {
            note("\(key)=\(quoted(text)) is not \(kind); ignored")
            return nil
        }
        return value
    }

    /// `KEY=value` for each of `keys` that is set, for notes.
    func shown(_ keys: [String]) -> String {
        keys.compactMap { key in string(key).map { "\(key)=\(Self.clipped($0))" } }.joined(separator: ", ")
    }

    /// A value as notes show a bad one: quoted, escaped and clipped.
    func quoted(_ text: String) -> String { String(reflecting: Self.clipped(text)) }

    /// A value short enough for a note.
    static func clipped(_ text: String) -> String {
        text.count <= 64 ? text : String(text.prefix(61)) + "..."
    }

    /// Adds a note once (a variable read twice is reported once).
    mutating func note(_ text: String) {
        if !notes.contains(text) { notes.append(text) }
    }
}

extension LaunchDetector {
    /// `facts` with contradicting pairs resolved, or `nil` when the rank itself contradicts the world
    /// size (then the launcher's variables are not used at all). Local and node pairs that contradict
    /// are dropped to unknown. Each decision is noted.
    mutating func accepting(_ facts: RankFacts, from keys: [String]) -> RankFacts? {
        var facts = facts
        while let contradiction = facts.contradiction {
            switch contradiction {
            case .rank:
                note("\(facts.launcher) variables not used (\(shown(keys))): \(contradiction)")
                return nil
            case .localRank:
                (facts.localRank, facts.localWorldSize) = (nil, nil)
                note("\(facts.launcher): \(contradiction); both treated as unknown")
            case .localWorldSize, .localRankBeyondWorld:
                (facts.localRank, facts.localWorldSize) = (nil, nil)
                note("\(facts.launcher): \(contradiction); the local values are treated as unknown")
            case .nodeRank:
                (facts.nodeRank, facts.nodeCount) = (nil, nil)
                note("\(facts.launcher): \(contradiction); both treated as unknown")
            }
        }
        note("launcher: \(facts.launcher) (\(shown(keys)))")
        return facts
    }
}
