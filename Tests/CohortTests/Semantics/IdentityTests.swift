import Cohort
import CohortTestSupport
import Testing

extension Semantics {
    /// semantics.md §2.11: identity properties of a run.
    @Suite("Semantics §2.11: run identity")
    struct IdentityTests {
        @Test("path is entity/project/id")
        func pathWithEntity() async throws {
            try await SemanticsHarness.withRun(project: "proj", entity: "team", id: "run1") { run in
                #expect(run.path == "team/proj/run1")
                #expect(run.entity == "team")
                #expect(run.project == "proj")
                #expect(run.id == "run1")
            }
        }

        @Test("an unknown entity is \"\" and is left out of path")
        func pathWithoutEntity() async throws {
            try await SemanticsHarness.withRun(project: "proj", id: "run2") { run in
                #expect(run.entity == "")
                #expect(run.path == "proj/run2")
            }
        }

        @Test("url, projectURL and sweepURL (and their older getter names) are nil offline")
        func urlsAreNilOffline() async throws {
            try await SemanticsHarness.withRun(entity: "team") { run in
                #expect(run.url == nil)
                #expect(run.projectURL == nil)
                #expect(run.sweepURL == nil)
                #expect(run.getURL() == nil)
                #expect(run.getProjectURL() == nil)
                #expect(run.getSweepURL() == nil)
            }
        }

        @Test("group and jobType are \"\" when unset")
        func groupAndJobTypeDefaultEmpty() async throws {
            try await SemanticsHarness.withRun { run in
                #expect(run.group == "")
                #expect(run.jobType == "")
            }
        }

        @Test("group and jobType are kept when given")
        func groupAndJobTypeKept() async throws {
            try await SemanticsHarness.withRun(group: "ddp-7", jobType: "train") { run in
                #expect(run.group == "ddp-7")
                #expect(run.jobType == "train")
            }
        }

        @Test(
            "a run id with : ; , # ? / ' or surrounding whitespace, or an empty id, is refused",
            arguments: ["a:b", "a;b", "a,b", "a#b", "a?b", "a/b", "a'b", " ab", "ab ", "\tab", "ab\n", ""])
        func invalidIDsThrow(_ id: String) async throws {
            let directory = try TemporaryDirectory(prefix: "cohort-semantics")
            defer { directory.remove() }
            let error = await #expect(throws: CohortError.self) {
                let run = try await Run.start(
                    project: "p", id: id, mode: .offline, dir: directory.path, settings: SemanticsHarness.settings())
                await run.finish()
            }
            #expect(error?.code == .invalidArgument)
        }

        @Test("a valid user id is used as given", arguments: ["my-run_1", "A.b=c+d", "with inner space"])
        func validIDsKept(_ id: String) async throws {
            try await SemanticsHarness.withRun(id: id) { run in
                #expect(run.id == id)
            }
        }

        @Test("a generated id is 8 characters from [a-z0-9], different for each run")
        func generatedID() async throws {
            var ids: Set<String> = []
            for _ in 0..<3 {
                try await SemanticsHarness.withRun { run in
                    #expect(run.id.count == 8)
                    #expect(run.id.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) })
                    ids.insert(run.id)
                }
            }
            #expect(ids.count == 3)
        }
    }
}
