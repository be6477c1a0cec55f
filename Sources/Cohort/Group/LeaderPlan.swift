import CohortCoordinator
import Foundation

/// Where the ranks of one launched job meet their leader (rank 0), worked out the same way on
/// every rank without any communication (`ARCHITECTURE.md` §3):
///
/// - the host: `COHORT_LEADER` → `MASTER_ADDR` → `PET_MASTER_ADDR` → the first Slurm node →
///   pod 0 of a Kubernetes Indexed Job → `127.0.0.1` when every rank is on this host;
/// - the port: `COHORT_LEADER`'s or `COHORT_LEADER_PORT` (never `MASTER_PORT`), else one derived
///   from the group id, so that ranks agree on it without being told;
/// - and the rendezvous file, where the leader publishes the address it really listens on (it takes
///   a free port when the derived one is busy) and, for a job whose launcher names no group, the
///   group it minted. Ranks read it before each connection attempt.
struct LeaderPlan: Sendable {
    /// The same on every rank: the group id, or for a one-host job without one, the launcher's process.
    let key: String
    /// The leader's host from the environment, when there is one.
    let host: String?
    /// Where `host` came from.
    let hostSource: LaunchInfo.LeaderAddress.Source?
    /// The port ranks try first.
    let port: Int
    /// Whether `port` was given (then the leader must listen exactly there).
    let portIsExplicit: Bool
    /// The leader's published address.
    let rendezvous: LeaderRendezvous
    /// When the plan was made: for `rendezvousGrace` after it, a worker with a derived port waits
    /// for the published address rather than knock on a port that another program may hold.
    let created = ContinuousClock.now
    /// How long workers wait for the rendezvous file before trying the derived port.
    static let rendezvousGrace: Duration = .seconds(3)

    /// Ports derived from a group id fall in 20000–28999: below Linux's ephemeral range
    /// (32768–60999) and apart from torchrun's default store port 29500.
    static let derivedPorts = 20_000..<29_000

    /// The plan for a launch, or `nil` when nothing can find the leader: no address in the
    /// environment and no key that every rank shares.
    /// - Parameter group: the group before any minting (explicit setting, else the launcher's id).
    init?(launch: LaunchInfo, settings: Settings, group: String?) {
        let candidate = launch.leaderAddress
        let everyRankLocal = launch.worldSize != nil && launch.localWorldSize == launch.worldSize
        if let group {
            key = "group-" + group
        } else if everyRankLocal {
            // Ranks started by one launcher process on this host share it as their parent.
            key = "local-\(launch.launcher.rawValue)-\(getppid())"
        } else if candidate?.port != nil {
            key = "address-\(candidate!.description)"
        } else {
            return nil
        }
        host = candidate?.host
        hostSource = candidate?.source
        if let explicit = candidate?.port {
            port = explicit
            portIsExplicit = true
        } else {
            port = Self.derivedPort(for: key)
            portIsExplicit = false
        }
        let directory = settings.groupLinkOptions.rendezvousDirectory ?? (settings.cohortRoot + "/rendezvous")
        rendezvous = LeaderRendezvous(directory: directory, key: key)
    }

    /// A port in `derivedPorts` from the FNV-1a hash of `key`: the same on every rank.
    static func derivedPort(for key: String) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return derivedPorts.lowerBound + Int(hash % UInt64(derivedPorts.count))
    }

    /// Where a worker of `group` should connect now: an explicit address, else the address the
    /// leader published, else (after `rendezvousGrace`) the environment's host at the derived
    /// port; `nil` while unknown.
    func endpoint(group: String) -> CoordinatorWorker.LeaderEndpoint? {
        if portIsExplicit, let host { return .init(host: host, port: port) }
        if let entry = rendezvous.read(), entry.group == group { return .init(host: entry.host, port: entry.port) }
        if let host, ContinuousClock.now - created >= Self.rendezvousGrace { return .init(host: host, port: port) }
        return nil
    }

    /// The host other ranks should use to reach a leader on this process's machine.
    var advertisedHost: String {
        if let host, hostSource != .loopback { return host }
        if hostSource == .loopback { return "127.0.0.1" }
        return ProcessInfo.processInfo.hostName
    }
}
