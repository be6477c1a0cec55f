/// See ``ChartAssets/css``.
let chartStyle = #"""
/* Cohort charts: drawn as SVG by CohortCharts; complete without this file. */
.cohort-chart { position: relative; margin: 0 0 1rem; max-width: 100%; }
.cohort-chart svg { display: block; width: 100%; height: auto; }
.cohort-chart .cc-controls { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center;
  margin: .25rem 0 0 .5rem; font: 12px system-ui, -apple-system, sans-serif; color: #333; }
.cohort-chart .cc-controls input[type="range"] { width: 8rem; vertical-align: middle; }
.cohort-chart .cc-tip { position: absolute; top: 0; left: 0; z-index: 10; pointer-events: none;
  background: rgba(255, 255, 255, .96); border: 1px solid #ccc; border-radius: 4px; padding: 4px 6px;
  font: 12px system-ui, -apple-system, sans-serif; color: #222; white-space: nowrap;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }
.cohort-chart .cc-tip div { margin: 1px 0; }
.cohort-chart .cc-swatch { display: inline-block; width: 10px; height: 3px; margin-right: 5px; vertical-align: middle; }
.cohort-chart-empty .cc-empty { font-style: italic; }
/* On a phone, keep the labels legible (a 640-wide drawing at 100% would shrink 11px text to ~6px):
   the chart keeps a minimum width and scrolls sideways. */
@media (max-width: 520px) {
  .cohort-chart { overflow-x: auto; }
  .cohort-chart svg { min-width: 460px; }
}
"""#
