import Foundation
import HTTPTypes

/// Which of a media key's kept steps a run page shows, and the links and step selector to the
/// others, without JavaScript. By default every key shows its newest `RunMedia.stepsPerKey` steps;
/// `?media=<key>&until=<step>` shows that key's `stepsPerKey` newest kept steps at or before
/// `step` (other keys stay on their newest). An unknown key is ignored; an `until` that is not a
/// finite number is a 400 page. A step before every kept one shows the oldest page.
struct MediaPaging: Sendable {
    /// The key being paged, if any.
    var key: String?
    /// The newest step to show for `key`.
    var until: Double?
    /// The chart options to carry along in paging links and the selector form.
    var carried: [(name: String, value: String)]
    private let query: WebQuery

    init(_ query: WebQuery) throws(WebError) {
        self.query = query
        key = query.value("media")
        if let text = query.value("until") {
            guard let step = Double(text), step.isFinite else {
                throw WebError(.badRequest, "until must be the number of a logged step.")
            }
            until = step
        }
        carried = ["x", "smooth", "scale"].compactMap { name in query.value(name).map { (name, $0) } }
    }

    /// A choice of the step selector.
    struct StepChoice {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Hidden {
        var name: String
        var value: String
    }

    /// What a key's section says about paging.
    struct Navigation {
        var anchor: String
        var key: String
        var range: String
        var kept: Int
        var hasOlder = false
        var olderHref = ""
        var hasNewer = false
        var newerHref = ""
        var newestHref = ""
        /// Whether there are older or newer kept steps (stored: templates see stored properties only).
        var paged = false
        var choices: [StepChoice] = []
        var hidden: [Hidden] = []
        var thinned = false
        var thinnedNote = ""
    }

    /// The paging as hidden inputs of the chart options form, so applying options keeps the page.
    var hiddenInputs: [Hidden] {
        guard let key, let until else { return [] }
        return [Hidden(name: "media", value: key), Hidden(name: "until", value: Self.value(until))]
    }

    /// The indices of `steps` (the kept steps of `mediaKey`, oldest first) to show, newest first.
    func window(_ mediaKey: String, steps: [Double], size: Int = RunMedia.stepsPerKey) -> [Int] {
        var end = steps.count
        if mediaKey == key, let until {
            end = steps.lastIndex { $0 <= until }.map { $0 + 1 } ?? min(size, steps.count)
        }
        return Array((max(0, end - size)..<end).reversed())
    }

    /// The navigation of `mediaKey` showing `shown` (from `window`) of `steps`.
    /// - Parameters:
    ///   - stride: every how many logged values one was kept (`MetricSeries.MediaTrack.stride`).
    ///   - logged: values logged under the key (`MetricSeries.MediaTrack.seen`).
    func navigation(
        _ mediaKey: String, anchor: String, steps: [Double], shown: [Int], stride: Int, logged: Int,
        size: Int = RunMedia.stepsPerKey
    ) -> Navigation {
        let newest = shown.first ?? steps.count - 1, oldest = shown.last ?? 0
        var view = Navigation(
            anchor: anchor, key: mediaKey,
            range: shown.isEmpty ? "" : "steps \(WebFormat.number(steps[oldest]))–\(WebFormat.number(steps[newest]))",
            kept: steps.count)
        if oldest > 0 {
            (view.hasOlder, view.olderHref) = (true, href(mediaKey, until: steps[oldest - 1], anchor: anchor))
        }
        if newest < steps.count - 1 {
            view.hasNewer = true
            let target = min(newest + size, steps.count - 1)
            view.newerHref =
                target == steps.count - 1 ? newestHref(anchor) : href(mediaKey, until: steps[target], anchor: anchor)
            view.newestHref = newestHref(anchor)
        }
        view.paged = view.hasOlder || view.hasNewer
        if view.paged {
            view.choices = steps.indices.reversed().map { index in
                StepChoice(
                    value: Self.value(steps[index]), label: "step " + WebFormat.number(steps[index]),
                    selected: index == newest)
            }
            view.hidden =
                carried.map { Hidden(name: $0.name, value: $0.value) } + [Hidden(name: "media", value: mediaKey)]
        }
        if stride > 1 {
            view.thinned = true
            view.thinnedNote =
                "Every \(Self.ordinal(stride)) value was kept: \(steps.count) of \(logged) logged (the newest always)."
        }
        return view
    }

    private func href(_ mediaKey: String, until step: Double, anchor: String) -> String {
        query.with(["media": mediaKey, "until": Self.value(step)]) + "#" + anchor
    }

    private func newestHref(_ anchor: String) -> String {
        query.with(["media": nil, "until": nil]) + "#" + anchor
    }

    /// A step as a query value that reads back as the same number.
    static func value(_ step: Double) -> String {
        step == step.rounded() && abs(step) < 1e15 ? String(Int64(step)) : String(step)
    }

    /// `2` → `2nd`, `4` → `4th`, `32` → `32nd`.
    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }
}
