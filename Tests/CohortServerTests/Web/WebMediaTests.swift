@testable import CohortServer
import Foundation
import HTTPTypes
import Testing

/// The run page's media: segmentation masks coloured by class with a legend, and paging through
/// a media key's older steps without JavaScript.
@Suite("web UI media")
struct WebMediaTests {
    static let alice = WebTestClient.Credential.key(WebFixture.aliceKey)

    /// A run whose step 3 logs an image with two masks: `truth`, labelled the way the wandb client
    /// does it (in the config's `_wandb`), and `guess`, labelled in its own descriptor.
    static func segmentationRun(_ fixture: WebFixture) async throws {
        let image =
            #"{"_type": "image-file", "path": "media/images/seg_3_aa.png", "width": 8, "height": 8, "masks": {"#
            + #""truth": {"_type": "mask", "path": "media/images/mask/seg_3_t.mask.png"}, "#
            + #""guess": {"_type": "mask", "path": "media/images/mask/seg_3_g.mask.png", "class_labels": {"7": "tree"}}}}"#
        let labels = #"{"0": "background", "1": "cat", "2": "<dog>"}"#
        let config =
            #"{"_wandb": {"value": {"mask/class_labels": {"seg_wandb_delimeter_truth": "#
            + #"{"type": "mask/class_labels", "key": "seg_wandb_delimeter_truth", "value": \#(labels)}}}}}"#
        try await fixture.run(
            "seg", name: "segmentation", config: config, history: [#"{"_step": 3, "seg": \#(image)}"#])
        for name in [
            "media/images/seg_3_aa.png", "media/images/mask/seg_3_t.mask.png", "media/images/mask/seg_3_g.mask.png",
        ] {
            try await fixture.storeFile("seg", name: name, bytes: WebFixture.png)
        }
    }

    @Test("masks are coloured by class through the page's filter, with a legend naming the labelled classes")
    func maskColours() async throws {
        let fixture = try await WebFixture.make()
        try await Self.segmentationRun(fixture)
        try await fixture.withClient { client in
            let page = try await client.get("/alice/vision/runs/seg", as: Self.alice)
            #expect(page.status == .ok)
            #expect(page.contains(#"<filter id="cohort-mask-classes" color-interpolation-filters="sRGB""#))
            #expect(
                page.contains(#"values="1 0 0 0 0  0 1 0 0 0  0 0 1 0 0  255 0 0 0 0""#),
                "gray level 0 transparent, others opaque")
            // Level 1 is class 1's colour #3cb44b, level 2 class 2's #4363d8 (the boxes' palette).
            #expect(page.contains(#"<feFuncR type="discrete" tableValues="0 0.2353 0.2627 "#))
            #expect(page.contains(#"<feFuncG type="discrete" tableValues="0 0.7059 0.3882 "#))
            #expect(page.contains(#"<feFuncB type="discrete" tableValues="0 0.2941 0.8471 "#))
            #expect(
                page.contains(
                    #"<img class="mask" src="/alice/vision/runs/seg/files/media/images/mask/seg_3_t.mask.png" alt="mask truth" style="filter:url(#cohort-mask-classes)">"#
                ))
            #expect(
                page.contains(
                    #"<ul class="mask-legend" aria-label="Classes of mask truth"><li class="muted">truth:</li>"#))
            #expect(page.contains(#"<li><span class="swatch" style="background:#3cb44b"></span>1 cat</li>"#))
            #expect(
                page.contains(#"<li><span class="swatch" style="background:#4363d8"></span>2 &lt;dog&gt;</li>"#),
                "escaped")
            #expect(
                page.contains(
                    #"<span class="swatch swatch-none"></span>0 background <span class="muted">(transparent)</span>"#))
            #expect(
                page.contains(#"<li><span class="swatch" style="background:#9a6324"></span>7 tree</li>"#),
                "labels in the descriptor")
            let plain = try await client.get("/alice/vision/runs/main", as: Self.alice)
            #expect(plain.status == .ok && !plain.contains("cohort-mask-classes"), "no filter on a page without masks")
        }
    }

    /// A run that logged an image under `frame` at each of 300 steps (more than a track keeps).
    static func framesRun(_ fixture: WebFixture) async throws {
        let history = (0..<300).map { step in
            #"{"_step": \#(step), "loss": 1, "frame": {"_type": "image-file", "path": "media/images/frame_\#(step).png", "width": 4, "height": 4}}"#
        }
        try await fixture.run("frames", name: "frames", history: history)
    }

    /// The steps shown for `frame`, newest first.
    static func shownSteps(_ page: WebAnswer) -> [Int] {
        page.body.components(separatedBy: #"alt="frame at step "#).dropFirst().compactMap {
            Int($0.prefix { $0.isNumber })
        }
    }

    /// The `href` of the link labelled `label` in the paging of `frame`, unescaped.
    static func link(_ label: String, in page: WebAnswer) -> String? {
        guard let end = page.body.range(of: #"">\#(label)</a>"#),
            let start = page.body[..<end.lowerBound].range(of: #"<a href=""#, options: .backwards)
        else { return nil }
        return String(page.body[start.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test(
        "a media key shows its newest steps, says how it was thinned, and pages to older kept steps without JavaScript")
    func paging() async throws {
        let fixture = try await WebFixture.make()
        try await Self.framesRun(fixture)
        try await fixture.withClient { client in
            let first = try await client.get("/alice/vision/runs/frames?x=_runtime", as: Self.alice)
            #expect(first.status == .ok)
            let newest = Self.shownSteps(first)
            #expect(newest.count == RunMedia.stepsPerKey, "a bounded page")
            #expect(newest.first == 299, "the newest step first")
            #expect(first.contains("value was kept:") && first.contains(" of 300 logged"), "thinning is stated")
            #expect(
                first.contains(#"<option value="299" selected>step 299</option>"#)
                    && first.contains(#"<option value="0">step 0</option>"#))
            #expect(!first.contains(#"<option value="297">"#), "only kept steps are offered")
            #expect(first.contains(#"<input type="hidden" name="x" value="_runtime">"#), "the chart options are kept")
            #expect(Self.link("Newer", in: first) == nil)

            let olderHref = try #require(Self.link("Older", in: first))
            #expect(olderHref.hasPrefix("?"), "a link to the same page")
            #expect(
                olderHref.contains("media=frame") && olderHref.contains("x=_runtime") && olderHref.contains("#media-"))
            let older = try await client.get(
                "/alice/vision/runs/frames" + olderHref.prefix { $0 != "#" }, as: Self.alice)
            #expect(older.status == .ok)
            let olderSteps = Self.shownSteps(older)
            #expect(olderSteps.count == RunMedia.stepsPerKey)
            #expect(olderSteps.allSatisfy { $0 < newest.last ?? 0 }, "older than the first page: \(olderSteps)")
            #expect(Self.link("Newer", in: older) != nil && Self.link("Newest", in: older) != nil)
            #expect(
                older.contains(
                    #"Chart options"><input type="hidden" name="media" value="frame"><input type="hidden" name="until" "#
                ),
                "applying chart options keeps the media page")

            let early = try await client.get("/alice/vision/runs/frames?media=frame&until=4", as: Self.alice)
            #expect(Self.shownSteps(early) == [4, 2, 0], "the chosen step is the newest shown, even on a short page")
            let oldest = try await client.get("/alice/vision/runs/frames?media=frame&until=-5", as: Self.alice)
            #expect(oldest.status == .ok && Self.shownSteps(oldest).last == 0, "before every step: the oldest page")
            #expect(Self.link("Older", in: oldest) == nil)
        }
    }

    @Test("an unknown media key is ignored; an until that is not a step number is a 400 page")
    func pagingParameters() async throws {
        let fixture = try await WebFixture.make()
        try await Self.framesRun(fixture)
        try await fixture.withClient { client in
            let unknown = try await client.get("/alice/vision/runs/frames?media=nope&until=10", as: Self.alice)
            #expect(unknown.status == .ok && Self.shownSteps(unknown).first == 299)
            for bad in ["abc", "nan", "1e999", "%3Cscript%3E"] {
                let page = try await client.get("/alice/vision/runs/frames?media=frame&until=\(bad)", as: Self.alice)
                #expect(page.status == .badRequest, "until=\(bad)")
                #expect(page.contains("until must be"), "until=\(bad)")
                #expect(!page.contains("<script>"), "until=\(bad)")
            }
            let few = try await client.get("/alice/vision/runs/main?media=sample&until=3", as: Self.alice)
            #expect(few.status == .ok && !few.contains(#"class="media-pages""#), "one step: nothing to page")
        }
    }
}
