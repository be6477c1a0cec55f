import Cohort
import Testing

extension LaunchDetection {
    /// `SlurmHostList`: Slurm's compressed host lists.
    @Suite("SlurmHostList")
    struct SlurmHostListTests {
        @Test(
            "expands ranges, zero padding, several items and several brackets",
            arguments: [
                ("gpu001", ["gpu001"]),
                ("node[01-04]", ["node01", "node02", "node03", "node04"]),
                ("gpu[001-004,007],cpu1", ["gpu001", "gpu002", "gpu003", "gpu004", "gpu007", "cpu1"]),
                ("n[8-11]", ["n8", "n9", "n10", "n11"]),
                ("n[08-11]", ["n08", "n09", "n10", "n11"]),
                ("n[098-101]", ["n098", "n099", "n100", "n101"]),
                ("a,b,c", ["a", "b", "c"]),
                ("gpu-a[01-02]-ib", ["gpu-a01-ib", "gpu-a02-ib"]),
                ("r[1-2]n[1-2]", ["r1n1", "r1n2", "r2n1", "r2n2"]),
                ("x[3]", ["x3"]),
                ("[1-2]", ["1", "2"]),
                ("login,gpu[1-2],login", ["login", "gpu1", "gpu2", "login"]),
                ("  gpu[1-2] ", ["gpu1", "gpu2"]),
                ("a, b", ["a", "b"]),
            ])
        func expands(list: String, hosts: [String]) {
            #expect(SlurmHostList.expand(list) == hosts)
            #expect(SlurmHostList.first(list) == hosts.first)
        }

        @Test(
            "malformed lists give nil",
            arguments: [
                "", "   ", "gpu[", "gpu[1-2", "gpu]1", "gpu[]", "gpu[a-b]", "gpu[3-1]", "gpu[1-2-3]", "gpu[-2]",
                "gpu[1-]", "a,,b", ",a", "a,", "gpu[[1]]", "gpu[1,,2]", "n[1-99999999999999999999]",
            ])
        func malformed(list: String) {
            #expect(SlurmHostList.expand(list) == nil)
            #expect(SlurmHostList.first(list) == nil)
        }

        @Test("a list larger than the limit gives nil from expand, but first still answers")
        func limit() {
            #expect(SlurmHostList.expand("n[1-10]", limit: 9) == nil)
            #expect(SlurmHostList.expand("n[1-10]", limit: 10)?.count == 10)
            #expect(SlurmHostList.expand("n[1-5],m[1-5]", limit: 9) == nil)
            #expect(SlurmHostList.expand("r[1-100]n[1-100]", limit: 9_999) == nil)
            #expect(SlurmHostList.expand("n[0-999999999999999999]") == nil)
            #expect(SlurmHostList.first("n[0-999999999999999999]") == "n0")
            #expect(SlurmHostList.first("n[0-9,0-999999999999999999,0-999999999999999999]") == "n0")
            #expect(SlurmHostList.expand("a", limit: -1) == nil)
            #expect(SlurmHostList.expand("n[1-3]", limit: .max)?.count == 3)
        }

        @Test("the first host is where Slurm puts task 0, also for lists with many hosts")
        func firstOfLargeList() {
            #expect(SlurmHostList.first("gpu[007-999],cpu[1-9]") == "gpu007")
            #expect(SlurmHostList.expand("gpu[0000-4095]")?.last == "gpu4095")
        }
    }

    /// `SlurmTasksPerNode`: Slurm's compressed tasks-per-node lists.
    @Suite("SlurmTasksPerNode")
    struct SlurmTasksPerNodeTests {
        @Test(
            "parses counts and repeats; tasks(onNode:) indexes nodes",
            arguments: [
                ("4", [4], 1, 4),
                ("2(x3),1", [2, 2, 2, 1], 4, 7),
                ("8(x2),4(x1)", [8, 8, 4], 3, 20),
                ("1,2,3", [1, 2, 3], 3, 6),
                (" 2(x2) , 3 ", [2, 2, 3], 3, 7),
                ("16(x128)", Array(repeating: 16, count: 128), 128, 2048),
            ])
        func parses(_ example: (text: String, perNode: [Int], nodes: Int, tasks: Int)) throws {
            let (text, perNode, nodes, tasks) = example
            let layout = try #require(SlurmTasksPerNode.parse(text))
            #expect(layout.nodeCount == nodes && layout.taskCount == tasks)
            #expect((0..<nodes).map { layout.tasks(onNode: $0) } == perNode)
            #expect(layout.tasks(onNode: nodes) == nil && layout.tasks(onNode: -1) == nil)
        }

        @Test(
            "malformed lists give nil",
            arguments: [
                "", " ", "0", "-1", "x", "2(x0)", "2(x)", "2(3)", "2(x3", "(x3)", "2x3", "2(x3),", ",2", "2,,2",
                "2(x3)(x2)", "1.5", "99999999999999999999", "9(x999999999999999999),9(x999999999999999999)",
                "999999999999999999(x999999999999999999)",
            ])
        func malformed(text: String) {
            #expect(SlurmTasksPerNode.parse(text) == nil)
        }

        @Test("a huge repeat is answered without expanding it")
        func hugeRepeat() throws {
            let layout = try #require(SlurmTasksPerNode.parse("4(x100000000),2"))
            #expect(layout.tasks(onNode: 99_999_999) == 4 && layout.tasks(onNode: 100_000_000) == 2)
            #expect(layout.groups == [.init(tasks: 4, nodes: 100_000_000), .init(tasks: 2, nodes: 1)])
        }
    }
}
