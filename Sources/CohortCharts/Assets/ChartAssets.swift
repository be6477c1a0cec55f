/// The script and style sheet that go with the charts, for the server to serve as static files
/// (`/static/charts.js`, `/static/charts.css`).
///
/// Charts are complete without them. The script adds, to every `figure.cohort-chart[data-chart="line"]`
/// on the page: hover values (the nearest x and each series' value there, from the chart's
/// `<script type="application/json" id="…-data">`), a smoothing slider that re-smooths the drawn points
/// with ``Smoothing/timeWeightedEMA(x:y:weight:viewportScale:)``, and a log/linear toggle. It uses no
/// library, does nothing on a page without charts, and exposes `window.CohortCharts.setup(figure)` for
/// charts inserted later: a live refresh that replaces a chart's `<figure>` calls it, and the reader's
/// smoothing and scale for that chart id are kept.
///
/// ```html
/// <link rel="stylesheet" href="/static/charts.css">
/// <script src="/static/charts.js" defer></script>
/// ```
public enum ChartAssets {
    /// Vanilla JavaScript (ES5-compatible syntax, no dependencies).
    public static let javascript: String = chartScript

    /// The chart style sheet: responsive width, the hover box and the controls.
    public static let css: String = chartStyle
}
