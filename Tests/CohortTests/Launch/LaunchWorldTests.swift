import Cohort
import Testing

extension LaunchDetection {
    /// Every rank of a whole simulated job, per launcher: the ranks are exactly `0..<worldSize`, each
    /// node's local ranks are `0..<localWorldSize`, one rank leads, and all agree on the group.
    @Suite("whole jobs: every rank of each launcher")
    struct LaunchWorldTests {
        typealias F = LaunchFixtures

        struct Job: Sendable, CustomTestStringConvertible {
            var name: String
            var launcher: LaunchInfo.Launcher
            var perNode: [Int]
            var givesNodeRank: Bool
            var group: String?
            var environment: @Sendable (Placement) -> [String: String]

            var testDescription: String { name }
        }

        static let jobs: [Job] = [
            Job(name: "torchrun", launcher: .torchrun, perNode: [4, 4], givesNodeRank: true, group: "elastic-1") {
                F.torchrun($0, runID: "elastic-1")
            },
            Job(
                name: "torchrun inside srun", launcher: .torchrun, perNode: [4, 4], givesNodeRank: true,
                group: "4242"
            ) {
                F.merged(F.slurmTask(Placement.block([1, 1])[$0.node], tasksPerNode: "1(x2)"), F.torchrun($0))
            },
            Job(name: "DeepSpeed", launcher: .deepSpeed, perNode: [4, 4], givesNodeRank: true, group: nil) {
                F.deepSpeed($0)
            },
            Job(name: "Horovod", launcher: .horovod, perNode: [4, 4], givesNodeRank: true, group: nil) {
                F.horovod($0)
            },
            Job(name: "Open MPI 4", launcher: .openMPI, perNode: [3, 3], givesNodeRank: false, group: "1754660865") {
                F.openMPI4($0)
            },
            Job(
                name: "Open MPI 4 inside sbatch", launcher: .openMPI, perNode: [3, 3], givesNodeRank: false,
                group: "4242"
            ) {
                F.merged(F.slurmBatch(tasks: 6, tasksPerNode: "3(x2)"), F.openMPI4($0))
            },
            Job(
                name: "Open MPI 5", launcher: .openMPI, perNode: [3, 3], givesNodeRank: false,
                group: "prterun-gpu001-31337@1"
            ) { F.openMPI5($0) },
            Job(name: "MPICH", launcher: .hydra, perNode: [3, 3], givesNodeRank: false, group: nil) { F.mpich($0) },
            Job(
                name: "Intel MPI", launcher: .hydra, perNode: [3, 3], givesNodeRank: true,
                group: "7a5c0000-3f2b-8d1e-0b00-0a0000012c00"
            ) { F.intelMPI($0) },
            Job(name: "MVAPICH2", launcher: .mvapich, perNode: [3, 3], givesNodeRank: false, group: nil) {
                F.mvapich($0)
            },
            Job(name: "srun", launcher: .slurm, perNode: [2, 2, 2, 1], givesNodeRank: true, group: "4242") {
                F.slurmTask($0, nodes: "gpu[001-004]", tasksPerNode: "2(x3),1")
            },
            Job(name: "srun --mpi=pmi2", launcher: .slurm, perNode: [2, 2, 2, 1], givesNodeRank: true, group: "4242") {
                F.merged(
                    F.slurmTask($0, nodes: "gpu[001-004]", tasksPerNode: "2(x3),1"),
                    ["PMI_RANK": "\($0.rank)", "PMI_SIZE": "\($0.worldSize)", "PMI_FD": "5", "PMI_JOBID": "4242.0"])
            },
            Job(name: "srun --mpi=pmix", launcher: .pmix, perNode: [2, 2, 2, 1], givesNodeRank: true, group: "4242") {
                F.merged(
                    F.slurmTask($0, nodes: "gpu[001-004]", tasksPerNode: "2(x3),1"),
                    ["PMIX_RANK": "\($0.rank)", "PMIX_NAMESPACE": "slurm.pmix.4242.0"])
            },
            Job(name: "LSF jsrun", launcher: .lsf, perNode: [3, 3], givesNodeRank: false, group: "777123") {
                F.lsf($0)
            },
            Job(
                name: "Kubernetes Indexed Job", launcher: .kubernetesIndexedJob, perNode: [1, 1, 1, 1],
                givesNodeRank: false, group: "sweep-cv"
            ) { F.merged(F.indexedJob(index: $0.rank), ["COHORT_WORLD_SIZE": "\($0.worldSize)"]) },
        ]

        @Test("each rank reads its own place; the job's ranks are 0..<worldSize with one leader", arguments: jobs)
        func wholeJob(job: Job) {
            let placements = Placement.block(job.perNode)
            let infos = placements.map { Launch.detect(job.environment($0)) }
            for (placement, info) in zip(placements, infos) {
                #expect(info.launcher == job.launcher, "\(placement)")
                #expect(info.rank == placement.rank && info.worldSize == placement.worldSize, "\(placement)")
                #expect(info.localRank == placement.localRank, "\(placement)")
                #expect(info.localWorldSize == placement.localWorldSize, "\(placement)")
                #expect(info.nodeRank == (job.givesNodeRank ? placement.node : nil), "\(placement)")
                #expect(info.groupID == job.group, "\(placement)")
                #expect(info.isDistributed)
            }
            #expect(Set(infos.compactMap(\.rank)) == Set(0..<placements.count))
            #expect(infos.filter(\.isLeader).count == 1)
            #expect(Set(infos.map(\.leaderCandidates)).count == 1, "every rank names the same leader candidates")
        }
    }
}
