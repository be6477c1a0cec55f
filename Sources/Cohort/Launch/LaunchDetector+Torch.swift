/// PyTorch-style launchers: torchrun, DeepSpeed, other `env://` launchers, and Kubeflow pods.
extension LaunchDetector {
    /// Whether a variable that torchrun sets only in the workers it starts is present; then `RANK` is
    /// a process rank, not Kubeflow's pod index.
    var isTorchrunWorker: Bool { has("LOCAL_RANK") || hasTorchElasticVariable }

    /// Whether a `TORCHELASTIC_*` variable (set by torchrun's elastic agent only) is present.
    var hasTorchElasticVariable: Bool { environment.keys.contains { $0.hasPrefix("TORCHELASTIC_") && has($0) } }

    /// A Kubeflow pod before torchrun has started its workers (PyTorchJob v1: pod-level `RANK` and
    /// `WORLD_SIZE`; Trainer v2: `PET_NODE_RANK` from the completion index). With more than one
    /// process per pod, `RANK` indexes pods: it is the node rank, and the process rank is unknown.
    mutating func kubeflowPodLevel() -> RankFacts? {
        guard let perNodeText = string("PET_NPROC_PER_NODE"), !isTorchrunWorker,
            has("RANK") || has("PET_NODE_RANK")
        else { return nil }
        let keys = ["RANK", "WORLD_SIZE", "PET_NODE_RANK", "PET_NNODES", "PET_NPROC_PER_NODE"]
        // torchrun also accepts `auto`, `gpu`, `cpu`…: a count known only once it runs.
        let perNode = perNodeText.allSatisfy(\.isASCIIDigit) ? count("PET_NPROC_PER_NODE") : nil
        let nodeRankKey = has("PET_NODE_RANK") ? "PET_NODE_RANK" : "RANK"
        var facts = RankFacts(launcher: .kubeflow)
        facts.nodeRank = index(nodeRankKey)
        facts.nodeCount = count("PET_NNODES")
        facts.localWorldSize = perNode
        facts.worldSize = count("WORLD_SIZE") ?? product(perNode, facts.nodeCount)
        if perNode == 1 {
            // One process per pod: the pod index is the process rank.
            facts.rank = has("RANK") ? index("RANK") : facts.nodeRank
            facts.localRank = 0
            note("Kubeflow pod with one process (PET_NPROC_PER_NODE=1): the pod index is the rank")
        } else {
            note(
                "Kubeflow pod-level \(shown([nodeRankKey])) is the pod index, not a process rank "
                    + "(PET_NPROC_PER_NODE=\(Self.clipped(perNodeText)) and no torchrun worker variables "
                    + "such as LOCAL_RANK or TORCHELASTIC_RUN_ID): used as the node rank; the process rank is "
                    + "unknown until torchrun starts the workers")
        }
        return accepting(facts, from: keys)
    }

    /// torchrun, DeepSpeed, or another launcher that follows PyTorch's `env://` convention
    /// (`RANK` and `WORLD_SIZE`).
    mutating func torch() -> RankFacts? {
        guard has("RANK") else { return nil }
        let isTorchrun = hasTorchElasticVariable || has("LOCAL_WORLD_SIZE") || has("GROUP_RANK")
        let isDeepSpeed = !isTorchrun && (has("LOCAL_SIZE") || has("CROSS_RANK"))
        let launcher: LaunchInfo.Launcher = isTorchrun ? .torchrun : isDeepSpeed ? .deepSpeed : .torchEnvironment
        guard let rank = index("RANK") else { return nil }
        var facts = RankFacts(launcher: launcher, rank: rank, worldSize: count("WORLD_SIZE"))
        facts.localRank = index("LOCAL_RANK")
        facts.localWorldSize = firstCount("LOCAL_WORLD_SIZE", "LOCAL_SIZE")
        facts.nodeRank = has("GROUP_RANK") ? index("GROUP_RANK") : index("CROSS_RANK")
        facts.nodeCount = has("GROUP_WORLD_SIZE") ? count("GROUP_WORLD_SIZE") : count("CROSS_SIZE")
        if launcher == .deepSpeed {
            note(
                "DeepSpeed: local world size from LOCAL_SIZE and node rank from CROSS_RANK "
                    + "(it sets neither LOCAL_WORLD_SIZE nor GROUP_RANK)")
        }
        if facts.worldSize == nil && !has("WORLD_SIZE") {
            note("RANK is set without WORLD_SIZE")
        }
        let keys = [
            "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "LOCAL_SIZE", "GROUP_RANK", "GROUP_WORLD_SIZE",
            "CROSS_RANK", "CROSS_SIZE",
        ]
        return accepting(facts, from: keys)
    }

    /// `a × b` when both are known and the product fits.
    func product(_ a: Int?, _ b: Int?) -> Int? {
        guard let a, let b else { return nil }
        let (value, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : value
    }
}
