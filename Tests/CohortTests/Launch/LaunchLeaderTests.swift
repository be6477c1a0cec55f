import Cohort
import Testing

extension LaunchDetection {
    /// Leader candidates in `ARCHITECTURE.md` §3 / `launchers.md` §1.3 order, and their ports.
    @Suite("leader address")
    struct LaunchLeaderTests {
        typealias F = LaunchFixtures
        typealias Address = LaunchInfo.LeaderAddress

        /// A rank that every source names a different host for.
        static let allSources = F.merged(
            F.slurmTask(.of8(1), nodes: "node[07-08]"),
            F.torchrun(.of8(1), masterAddr: "master-host"),
            ["COHORT_LEADER": "explicit-host:7100", "PET_MASTER_ADDR": "pet-host", "COHORT_LEADER_PORT": "7200"])

        @Test("candidates come in order: COHORT_LEADER, MASTER_ADDR, PET_MASTER_ADDR, the Slurm node list")
        func order() {
            let info = Launch.detect(Self.allSources)
            #expect(
                info.leaderCandidates == [
                    Address(host: "explicit-host", port: 7100, source: .explicit),
                    Address(host: "master-host", port: 7200, source: .masterAddress),
                    Address(host: "pet-host", port: 7200, source: .kubeflowMasterAddress),
                    Address(host: "node07", port: 7200, source: .slurmNodeList),
                ])
        }

        @Test(
            "removing a source promotes the next one",
            arguments: [
                (["COHORT_LEADER"], "master-host"), (["COHORT_LEADER", "MASTER_ADDR"], "pet-host"),
                (["COHORT_LEADER", "MASTER_ADDR", "PET_MASTER_ADDR"], "node07"),
                (["COHORT_LEADER", "MASTER_ADDR", "PET_MASTER_ADDR", "SLURM_STEP_NODELIST"], "gpu001"),
            ])
        func promotion(removed: [String], host: String) {
            var environment = Self.allSources
            environment["SLURM_JOB_NODELIST"] = "gpu[001-002]"
            for key in removed { environment[key] = nil }
            #expect(Launch.detect(environment).leaderAddress?.host == host)
        }

        @Test("MASTER_PORT is never a leader port, even when it is the only port in the environment")
        func neverMasterPort() {
            for environment in [
                F.torchrun(.of8(2)), F.deepSpeed(.of8(2)), F.kubeflowPod(podIndex: 1, pods: 2, perNode: 4),
            ] {
                let info = Launch.detect(environment)
                #expect(!info.leaderCandidates.isEmpty)
                #expect(info.leaderCandidates.allSatisfy { $0.port != 29500 && $0.port != 23456 && $0.port == nil })
            }
        }

        @Test("COHORT_LEADER_PORT equal to MASTER_PORT is kept, with a note that the bind will fail")
        func leaderPortEqualsMasterPort() {
            let info = Launch.detect(F.merged(F.torchrun(.of8(0)), ["COHORT_LEADER_PORT": "29500"]))
            #expect(info.leaderAddress?.port == 29500)
            #expect(info.notes.contains { $0.contains("COHORT_LEADER_PORT equals MASTER_PORT") })
        }

        @Test(
            "COHORT_LEADER is host, host:port, [v6] or [v6]:port; its port beats COHORT_LEADER_PORT",
            arguments: [
                ("leader.example", "leader.example", 7200), ("leader.example:9000", "leader.example", 9000),
                ("10.1.2.3:9001", "10.1.2.3", 9001), ("[fd00::1]:9002", "fd00::1", 9002),
                ("[fd00::1]", "fd00::1", 7200),
                ("fd00::1", "fd00::1", 7200), ("leader:notaport", "leader", 7200), ("leader:70000", "leader", 7200),
            ])
        func explicitLeader(_ example: (text: String, host: String, port: Int)) {
            let (text, host, port) = example
            let info = Launch.detect(F.merged(F.shell, ["COHORT_LEADER": text, "COHORT_LEADER_PORT": "7200"]))
            #expect(info.leaderAddress == Address(host: host, port: port, source: .explicit))
        }

        @Test("an unreadable COHORT_LEADER is skipped with a note", arguments: ["[fd00::1", ":9000", "[::1]x"])
        func unreadableLeader(text: String) {
            let info = Launch.detect(F.merged(F.torchrun(.of8(1)), ["COHORT_LEADER": text]))
            #expect(info.leaderAddress?.source == .masterAddress)
            #expect(info.notes.contains { $0.hasPrefix("COHORT_LEADER=") && $0.hasSuffix("ignored") })
        }

        @Test("an unreadable COHORT_LEADER_PORT is ignored with a note", arguments: ["0", "65536", "http", "-5"])
        func unreadableLeaderPort(text: String) {
            let info = Launch.detect(F.merged(F.torchrun(.of8(1)), ["COHORT_LEADER_PORT": text]))
            #expect(info.leaderAddress?.port == nil)
            #expect(info.notes.contains { $0.hasPrefix("COHORT_LEADER_PORT=") })
        }

        @Test("the job node list is used when there is no step (mpirun in sbatch); its first host leads")
        func jobNodeList() {
            let environment = F.merged(F.slurmBatch(nodes: "gpu[003-004,007],cpu1"), F.openMPI4(.of8(5)))
            #expect(
                Launch.detect(environment).leaderAddress == Address(host: "gpu003", port: nil, source: .slurmNodeList))
        }

        @Test("a malformed node list gives no candidate and a note")
        func malformedNodeList() {
            var environment = F.slurmTask(.of8(1))
            environment["SLURM_STEP_NODELIST"] = "gpu[001-"
            environment["SLURM_JOB_NODELIST"] = nil
            environment["SLURM_NODELIST"] = nil
            let info = Launch.detect(environment)
            #expect(info.leaderCandidates.isEmpty)
            #expect(info.notes.contains { $0.contains("is not a Slurm host list") })
        }

        @Test("every rank on this host: 127.0.0.1 is the last candidate")
        func loopback() {
            let info = Launch.detect(F.openMPI4(Placement.block([3])[2]))
            #expect(info.leaderCandidates == [Address(host: "127.0.0.1", port: nil, source: .loopback)])
            let twoNodes = Launch.detect(F.openMPI4(.of8(2)))
            #expect(!twoNodes.leaderCandidates.contains { $0.source == .loopback })
        }

        @Test("descriptions are host:port, [v6]:port, or the host alone")
        func descriptions() {
            #expect(Address(host: "gpu001", port: 7000, source: .explicit).description == "gpu001:7000")
            #expect(Address(host: "fd00::1", port: 7000, source: .explicit).description == "[fd00::1]:7000")
            #expect(Address(host: "gpu001", port: nil, source: .masterAddress).description == "gpu001")
        }
    }
}
