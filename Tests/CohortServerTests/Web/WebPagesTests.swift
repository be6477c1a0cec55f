@testable import CohortServer
import Foundation
import HTTPTypes
import Testing

/// Every page of the web UI on a populated server, read with Alice's key (HTTP Basic).
@Suite("web UI pages")
struct WebPagesTests {
    static let alice = WebTestClient.Credential.key(WebFixture.aliceKey)

    @Test("the start page lists the viewer's projects with run counts, and not another entity's")
    func home() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains(#"<a href="/alice/vision">vision</a>"#))
            #expect(page.contains(#"<td class="num">8</td>"#), "eight runs in alice/vision")
            #expect(!page.contains("secret"), "bob's project is not shown to alice")
            #expect(page.contains(#"<meta name="viewport""#))
        }
    }

    @Test("an admin's start page lists every entity")
    func adminHome() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/", as: .key(WebFixture.adminKey))
            #expect(page.status == .ok)
            #expect(page.contains("/alice/vision") && page.contains("/bob/secret"))
        }
    }

    @Test("the runs table shows every run with state, group, job type, tags and duration")
    func project() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision", as: Self.alice)
            #expect(page.status == .ok)
            for name in ["resnet baseline", "failed run", "ddp-rank0", "ddp-rank1", "ddp-aggregate", "sweep a"] {
                #expect(page.contains(">\(name)</a>"), "\(name) listed")
            }
            #expect(page.contains(#"<span class="state state-failed">failed</span>"#))
            #expect(page.contains(#"<span class="state state-crashed">crashed</span>"#))
            #expect(page.contains(#"<a href="/alice/vision/groups/ddp">ddp</a>"#))
            #expect(page.contains(#"<span class="tag">baseline</span>"#))
            #expect(page.contains("25s"), "the duration comes from the summary's _runtime (24.5 s)")
            #expect(page.contains("data-live"), "a project with running runs refreshes itself")
        }
    }

    @Test("the runs table filters by state, tag, group and text, and adds chosen config and summary columns")
    func projectFilters() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let failed = try await client.get("/alice/vision?state=failed", as: Self.alice)
            #expect(failed.contains(">failed run</a>") && !failed.contains(">resnet baseline</a>"))
            let tagged = try await client.get("/alice/vision?tag=baseline", as: Self.alice)
            #expect(tagged.contains(">resnet baseline</a>") && !tagged.contains(">failed run</a>"))
            let grouped = try await client.get("/alice/vision?group=ddp", as: Self.alice)
            #expect(grouped.contains(">ddp-rank1</a>") && !grouped.contains(">sweep a</a>"))
            let searched = try await client.get("/alice/vision?q=SWEEP+B", as: Self.alice)
            #expect(searched.contains(">sweep b</a>") && !searched.contains(">sweep a</a>"))
            let columns = try await client.get("/alice/vision?config=lr&summary=loss&sort=config.lr&order=asc", as: Self.alice)
            #expect(columns.contains(">config.lr") && columns.contains(">summary.loss"))
            #expect(columns.contains(#"<td class="num">0.01</td>"#) && columns.contains(#"<td class="num">0.02</td>"#))
            let sweepA = try #require(columns.body.range(of: ">sweep a</a>")), sweepB = try #require(columns.body.range(of: ">sweep b</a>"))
            #expect(sweepB.lowerBound < sweepA.lowerBound, "sorted by config.lr ascending: 0.01 before 0.1")
        }
    }

    @Test("folded groups show one line per group; expanding lists its runs under it")
    func folding() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let folded = try await client.get("/alice/vision?fold=1", as: Self.alice)
            #expect(folded.contains(#"<tr class="group-row">"#))
            #expect(folded.contains("3 runs"))
            #expect(!folded.contains(">ddp-rank0</a>"), "the ranks are folded away")
            #expect(folded.contains(">resnet baseline</a>"), "runs without a group stay")
            let expanded = try await client.get("/alice/vision?fold=1&expand=ddp", as: Self.alice)
            #expect(expanded.contains(#"<tr class="in-group">"#) && expanded.contains(">ddp-rank0</a>"))
        }
    }

    @Test("a run page shows facts, a chart per metric, media, files, artifacts, alerts and console")
    func run() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision/runs/main", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains("<h1>resnet baseline"))
            #expect(page.contains("first try"), "notes")
            #expect(page.contains(#"<th scope="row">lr</th><td>0.01</td>"#), "config")
            #expect(!page.contains(">_wandb<"), "internal config keys are hidden")
            #expect(page.contains(#"<th scope="row">acc</th><td>0.98</td>"#), "summary")
            #expect(page.contains(#"id="chart-0-acc""#) && page.contains(#"id="chart-1-loss""#), "one chart per metric")
            #expect(page.contains("cc-line"), "the charts draw lines")
            #expect(page.contains(#"id="hist-"#), "histograms over steps")
            #expect(page.contains(#"src="/alice/vision/runs/main/files/media/images/sample_20_aa.png""#))
            #expect(page.contains("<svg class=\"boxes\""), "bounding boxes drawn over the image")
            #expect(page.contains("<audio controls"))
            #expect(page.contains(#"src="/alice/vision/runs/main/files/media/videos/anim_20_cc.gif""#))
            #expect(page.contains("<table class=\"list media-table\">") && page.contains("dog &lt;x&gt;"), "the table, escaped")
            #expect(page.contains("cloud_20_ff.pts.json</a>"), "3D files are downloads")
            #expect(page.contains(">config.yaml</a>"))
            #expect(page.contains(#"href="/alice/vision/artifacts/dataset/mnist/v0">mnist:v0</a>"#), "logged artifact")
            #expect(page.contains("loss spiked") && page.contains("loss went above 2"), "alert")
            #expect(page.contains("epoch 1 &lt;done&gt;"), "console, escaped")
            #expect(!page.contains("data-live"), "a finished run does not refresh")
        }
    }

    @Test("chart options: wall-time x axis, log scale and smoothing; bad values are a 400 page")
    func chartOptions() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision/runs/main?x=_runtime&scale=log&smooth=0.6", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains("Wall time (s)"))
            #expect(page.contains(#"<option value="_runtime" selected>"#) && page.contains("checked> Log scale"))
            let bad = try await client.get("/alice/vision/runs/main?x=bogus", as: Self.alice)
            #expect(bad.status == .badRequest && bad.contains("x must be"))
            let badSmooth = try await client.get("/alice/vision/runs/main?smooth=7", as: Self.alice)
            #expect(badSmooth.status == .badRequest)
            let badSort = try await client.get("/alice/vision?sort=%3Cx%3E", as: Self.alice)
            #expect(badSort.status == .badRequest)
        }
    }

    @Test("a group page overlays every rank with the aggregate's mean and band and lists the ranks")
    func group() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision/groups/ddp", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains("rank 0") && page.contains("rank 1") && page.contains("mean"), "legend: both ranks and the mean")
            #expect(page.contains("min–max"), "the band")
            #expect(page.contains(#"<span class="health health-dead">dead</span>"#), "rank 1 reported dead by the leader")
            #expect(page.contains(#"<span class="health health-alive">alive</span>"#), "rank 0 still running")
            #expect(page.contains(#"<td class="num">3</td>"#), "rank 1's lag")
            #expect(page.contains("0.25 s"), "rank 0's step time")
            #expect(page.contains(#"<span class="state state-partial">partial</span>"#), "group state")
            #expect(page.contains(#"<th scope="row">loss</th><td class="num">0.075</td>"#), "group summary")
        }
    }

    @Test("an artifact page shows aliases, files with sizes and downloads, and lineage")
    func artifact() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            for version in ["v0", "latest", "best"] {
                let page = try await client.get("/alice/vision/artifacts/dataset/mnist/\(version)", as: Self.alice)
                #expect(page.status == .ok, "\(version)")
                #expect(page.contains(#"<span class="tag">best</span>"#))
                #expect(page.contains(#"href="/alice/vision/artifacts/dataset/mnist/v0/files/train/data.csv" download>train/data.csv</a>"#))
                #expect(page.contains("17 B"))
                #expect(page.contains(#"<a href="/alice/vision/runs/main">alice/vision/main</a>"#), "logged by")
                #expect(page.contains(#"<a href="/alice/vision/runs/failed-run">alice/vision/failed-run</a>"#), "used by")
            }
            let list = try await client.get("/alice/vision/artifacts", as: Self.alice)
            #expect(list.contains(#"<a href="/alice/vision/artifacts/dataset/mnist/latest">mnist</a>"#))
            let wrongType = try await client.get("/alice/vision/artifacts/model/mnist/v0", as: Self.alice)
            #expect(wrongType.status == .notFound)
        }
    }

    @Test("a sweep page lists its runs with parameters and marks the best by the target metric")
    func sweep() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision/sweeps/sw1", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains(">sweep a</a>") && page.contains(">sweep b</a>") && !page.contains(">resnet baseline</a>"))
            #expect(page.contains(#"best: <a href="/alice/vision/runs/sweep-b">sweep b</a> (0.2)"#), "lowest val_loss")
            let maximize = try await client.get("/alice/vision/sweeps/sw1?metric=val_loss&goal=max", as: Self.alice)
            #expect(maximize.contains(#"best: <a href="/alice/vision/runs/sweep-a">sweep a</a> (0.5)"#))
        }
    }

    @Test("files download with their content type; an unknown file is a 404 page")
    func downloads() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            let image = try await client.get("/alice/vision/runs/main/files/media/images/sample_20_aa.png", as: Self.alice)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            let csv = try await client.get("/alice/vision/artifacts/dataset/mnist/v0/files/train/data.csv", as: Self.alice)
            #expect(csv.status == .ok && csv.body == "label,pixels\n1,0\n")
            let object = try await client.get("/alice/vision/runs/main/files/media/object3D/cloud_20_ff.pts.json?download=1", as: Self.alice)
            #expect(object.headers[.contentDisposition] == #"attachment; filename="cloud_20_ff.pts.json""#)
            let missing = try await client.get("/alice/vision/runs/main/files/nope.txt", as: Self.alice)
            #expect(missing.status == .notFound && missing.headers[.contentType] == "text/html; charset=utf-8")
            let escape = try await client.get("/alice/vision/runs/main/files/a/%2E%2E/%2E%2E/x", as: Self.alice)
            #expect(escape.status == .badRequest)
        }
    }

    @Test("unknown projects, runs, groups and sweeps are 404 pages")
    func notFound() async throws {
        let fixture = try await WebFixture.make()
        try await fixture.withClient { client in
            for path in ["/alice/nope", "/alice/vision/runs/nope", "/alice/vision/groups/nope", "/alice/vision/sweeps/nope",
                         "/alice/vision/artifacts/dataset/nope/v0", "/alice/vision/artifacts/dataset/mnist/v9"] {
                let page = try await client.get(path, as: Self.alice)
                #expect(page.status == .notFound, "\(path)")
                #expect(page.contains("<h1>404 Not Found</h1>"), "\(path)")
            }
        }
    }
}
