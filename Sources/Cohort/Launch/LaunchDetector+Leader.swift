/// Where the group's leader (rank 0) may listen, in `ARCHITECTURE.md` §3 order.
extension LaunchDetector {
    typealias LeaderAddress = LaunchInfo.LeaderAddress

    /// The candidates, most likely first: `COHORT_LEADER` → `MASTER_ADDR` → `PET_MASTER_ADDR` →
    /// the first host of the Slurm step's (or job's) node list → `127.0.0.1` when every rank is on
    /// this host. The port is `COHORT_LEADER`'s or `COHORT_LEADER_PORT`, never `MASTER_PORT`.
    mutating func leaderCandidates(for info: LaunchInfo) -> [LeaderAddress] {
        let port = leaderPort()
        var candidates: [LeaderAddress] = []
        if let explicit = explicitLeader(defaultPort: port) { candidates.append(explicit) }
        for (key, source) in [
            ("MASTER_ADDR", LeaderAddress.Source.masterAddress), ("PET_MASTER_ADDR", .kubeflowMasterAddress),
        ] {
            if let host = string(key) { candidates.append(LeaderAddress(host: host, port: port, source: source)) }
        }
        if let host = slurmFirstHost() {
            candidates.append(LeaderAddress(host: host, port: port, source: .slurmNodeList))
        }
        if let host = indexedJobLeaderHost() {
            candidates.append(LeaderAddress(host: host, port: port, source: .kubernetesIndexedJob))
        }
        if let worldSize = info.worldSize, worldSize > 1, info.localWorldSize == worldSize {
            candidates.append(LeaderAddress(host: "127.0.0.1", port: port, source: .loopback))
        }
        noteMasterPort(leaderPort: port)
        var seen: Set<String> = []
        candidates = candidates.filter { seen.insert($0.description).inserted }
        if let first = candidates.first {
            note("leader candidates: \(candidates.map { "\($0) (\($0.source.rawValue))" }.joined(separator: ", "))")
            if first.port == nil && info.isDistributed {
                note("leader port not set: every rank derives it from the group id, and the leader also publishes its address in the rendezvous directory (COHORT_LEADER_PORT sets it)")
            }
        } else if info.isDistributed {
            note("no leader address in the environment: set COHORT_LEADER (host:port) or MASTER_ADDR")
        }
        return candidates
    }

    /// `COHORT_LEADER_PORT`, when it is a TCP port.
    mutating func leaderPort() -> Int? {
        guard let text = string("COHORT_LEADER_PORT") else { return nil }
        guard let port = HostAndPort.port(text) else {
            note("COHORT_LEADER_PORT=\(quoted(text)) is not a TCP port (1-65535); ignored")
            return nil
        }
        return port
    }

    /// `COHORT_LEADER` as `host`, `host:port`, `[v6]` or `[v6]:port`.
    mutating func explicitLeader(defaultPort: Int?) -> LeaderAddress? {
        guard let text = string("COHORT_LEADER") else { return nil }
        guard let parsed = HostAndPort(text) else {
            note("COHORT_LEADER=\(quoted(text)) is not host or host:port; ignored")
            return nil
        }
        var port = defaultPort
        if let portText = parsed.portText {
            if let explicitPort = HostAndPort.port(portText) {
                port = explicitPort
            } else {
                note("COHORT_LEADER's port \(quoted(portText)) is not a TCP port (1-65535); ignored")
            }
        }
        return LeaderAddress(host: parsed.host, port: port, source: .explicit)
    }

    /// Pod 0 of a Kubernetes Indexed Job through its headless Service: `<job>-0.<subdomain>`, with
    /// the subdomain from `COHORT_KUBERNETES_SUBDOMAIN` (the Job's `spec.template.spec.subdomain`)
    /// and the job name from `COHORT_KUBERNETES_JOB_NAME`, else `HOSTNAME` without `-<index>`.
    mutating func indexedJobLeaderHost() -> String? {
        guard let index = string("JOB_COMPLETION_INDEX") else { return nil }
        guard let subdomain = string(Self.kubernetesSubdomainKey) else {
            note("Kubernetes Indexed Job without \(Self.kubernetesSubdomainKey): pod 0's DNS name is unknown (set it to the headless Service's name, or set COHORT_LEADER)")
            return nil
        }
        let job: String
        if let name = string(Self.kubernetesJobNameKey) {
            job = name
        } else {
            let host = string("HOSTNAME").map { String($0.prefix { $0 != "." }) } ?? ""
            guard host.hasSuffix("-" + index), host.count > index.count + 1 else { return nil }
            job = String(host.dropLast(index.count + 1))
        }
        return "\(job)-0.\(subdomain)"
    }

    /// The first host of `SLURM_STEP_NODELIST`, else `SLURM_JOB_NODELIST` (where task 0 runs).
    mutating func slurmFirstHost() -> String? {
        for key in ["SLURM_STEP_NODELIST", "SLURM_JOB_NODELIST", "SLURM_NODELIST"] {
            guard let list = string(key) else { continue }
            if let host = SlurmHostList.first(list) { return host }
            note("\(key)=\(quoted(list)) is not a Slurm host list; ignored")
        }
        return nil
    }

    /// Explains that `MASTER_PORT` is torchrun's store, not ours (pitfall 4).
    mutating func noteMasterPort(leaderPort: Int?) {
        guard let masterPort = string("MASTER_PORT") else { return }
        if leaderPort.map(String.init) == masterPort {
            note(
                "COHORT_LEADER_PORT equals MASTER_PORT=\(Self.clipped(masterPort)), where torchrun's TCPStore "
                    + "listens on rank 0's node: the leader will not be able to bind it")
        } else {
            note(
                "MASTER_PORT=\(Self.clipped(masterPort)) not used for the leader: torchrun's TCPStore listens there")
        }
    }
}
