extension LaunchInfo {
    /// A place the group's leader (global rank 0) may listen on.
    ///
    /// The port is never torchrun's `MASTER_PORT` (its TCPStore listens there); it is `nil` unless
    /// `COHORT_LEADER` or `COHORT_LEADER_PORT` gives one, and every rank then derives the same port
    /// from the group id (see `LeaderPlan`).
    public struct LeaderAddress: Sendable, Hashable, CustomStringConvertible {
        /// Where a candidate came from.
        public enum Source: String, Sendable, Hashable, CaseIterable {
            /// `COHORT_LEADER` (`host` or `host:port`).
            case explicit
            /// torchrun's / DeepSpeed's / Kubeflow v1's `MASTER_ADDR`.
            case masterAddress
            /// Kubeflow Trainer v2's `PET_MASTER_ADDR`.
            case kubeflowMasterAddress
            /// The first host of `SLURM_STEP_NODELIST` (or `SLURM_JOB_NODELIST`), where Slurm puts task 0.
            case slurmNodeList
            /// Pod 0 of a Kubernetes Indexed Job, `<job>-0.<subdomain>` through its headless Service.
            case kubernetesIndexedJob
            /// `127.0.0.1`: every rank runs on this host (local world size = world size).
            case loopback
        }

        /// A host name or IP address (an IPv6 address without brackets).
        public var host: String
        /// The leader's port, when the environment gives one.
        public var port: Int?
        /// Where this candidate came from.
        public var source: Source

        /// Creates a candidate address.
        /// - Parameters:
        ///   - host: a host name or IP address (IPv6 without brackets).
        ///   - port: the port, when known.
        ///   - source: where the address came from.
        public init(host: String, port: Int?, source: Source) {
            self.host = host
            self.port = port
            self.source = source
        }

        /// `host:port` (`[v6]:port` for IPv6), or the host alone when the port is unknown.
        public var description: String {
            let shown = host.contains(":") ? "[\(host)]" : host
            return port.map { "\(shown):\($0)" } ?? shown
        }
    }
}
