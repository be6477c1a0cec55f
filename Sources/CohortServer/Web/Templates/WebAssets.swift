/// The web UI's one stylesheet and its small script (served at `/static/web.css` and
/// `/static/web.js`). The script only refreshes live pages; every page works without it.
enum WebAssets {
    static let css = """
        :root { --fg: #1d2330; --muted: #667085; --line: #d9dee7; --bg: #fff; --panel: #f6f8fb; --accent: #1f6feb;
          --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --run: #0969da; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
        * { box-sizing: border-box; }
        body { margin: 0; color: var(--fg); background: var(--bg); font-size: 15px; line-height: 1.45; }
        a { color: var(--accent); text-decoration: none; } a:hover, a:focus { text-decoration: underline; }
        .top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; border-bottom: 1px solid var(--line); background: var(--panel); }
        .brand { font-weight: 700; color: var(--fg); }
        .crumbs { flex: 1; min-width: 0; overflow-wrap: break-word; } .crumbs .sep { color: var(--muted); margin: 0 .35rem; }
        .logout { display: flex; align-items: center; gap: .5rem; margin: 0; } .who { color: var(--muted); }
        main { padding: 1rem; max-width: 1400px; margin: 0 auto; }
        h1 { font-size: 1.5rem; margin: .2rem 0 .8rem; overflow-wrap: anywhere; } h2 { font-size: 1.15rem; margin: 1.4rem 0 .5rem; } h3 { font-size: 1rem; margin: .8rem 0 .3rem; }
        .muted, .hint { color: var(--muted); font-weight: normal; } .small { font-size: .85em; } .empty { color: var(--muted); font-style: italic; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .35rem .55rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: var(--panel); position: sticky; top: 0; white-space: nowrap; } .num { text-align: right; font-variant-numeric: tabular-nums; }
        table.kv th { width: 40%; font-weight: 500; color: var(--muted); overflow-wrap: anywhere; } table.kv td { overflow-wrap: anywhere; }
        tr.group-row { background: #eef4ff; font-weight: 500; } tr.in-group td:first-child { padding-left: 1.6rem; } tr.current { background: #fff8c5; }
        .state { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .82em; border: 1px solid currentColor; }
        .state-running { color: var(--run); } .state-finished { color: var(--ok); } .state-failed, .state-crashed { color: var(--bad); } .state-partial { color: var(--warn); }
        .health-alive { color: var(--ok); } .health-dead, .health-missing { color: var(--bad); font-weight: 600; } .health-ended { color: var(--muted); }
        .tag { display: inline-block; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; padding: 0 .35rem; font-size: .85em; }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 1rem; } .facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
        form.filters, form.chart-controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0 1rem; padding: .6rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
        label { display: inline-flex; flex-direction: column; gap: .15rem; font-size: .88em; color: var(--muted); } label.check { flex-direction: row; align-items: center; gap: .3rem; color: var(--fg); }
        input, select, button { font: inherit; color: var(--fg); padding: .3rem .45rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
        button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; } .logout button { background: #fff; color: var(--fg); border-color: var(--line); }
        details.columns { flex-basis: 100%; } details.columns fieldset { border: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: .2rem .8rem; margin: .4rem 0; }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 1rem; }
        div.chart { border: 1px solid var(--line); border-radius: 6px; padding: .4rem; overflow: hidden; min-width: 0; } div.chart figure { margin: 0; } div.chart svg { width: 100%; height: auto; display: block; }
        .media-row { display: flex; flex-wrap: wrap; gap: .8rem; } figure.media { margin: 0; max-width: 100%; } figure.media figcaption { font-size: .85em; color: var(--muted); }
        .img-wrap { position: relative; display: inline-block; max-width: 100%; } .img-wrap img { max-width: 100%; height: auto; image-rendering: pixelated; min-width: 96px; display: block; }
        .img-wrap img.mask { position: absolute; inset: 0; width: 100%; height: 100%; opacity: .6; } svg.mask-filters { position: absolute; width: 0; height: 0; overflow: hidden; }
        .mask-legend { list-style: none; display: flex; flex-wrap: wrap; gap: .1rem .7rem; padding: 0; margin: .3rem 0 0; font-size: .85em; max-width: 32rem; }
        .swatch { display: inline-block; width: .8em; height: .8em; margin-right: .3em; border-radius: 2px; vertical-align: -.05em; } .swatch-none { border: 1px dashed var(--muted); }
        .media-pages { display: flex; flex-wrap: wrap; align-items: center; gap: .3rem .8rem; margin: .2rem 0 .5rem; font-size: .9em; } .media-pages form { display: flex; align-items: center; gap: .4rem; margin: 0; } .img-wrap svg.boxes { position: absolute; inset: 0; width: 100%; height: 100%; }
        .console { background: #0d1117; color: #e6edf3; padding: .8rem; border-radius: 6px; overflow: auto; max-height: 32rem; font-size: .85em; white-space: pre-wrap; }
        .cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 0 1.5rem; }
        .alerts { list-style: none; padding: 0; } .alert { border-left: 4px solid var(--run); padding: .4rem .7rem; margin: .4rem 0; background: var(--panel); }
        .alert-WARN { border-color: var(--warn); } .alert-ERROR { border-color: var(--bad); }
        .login { max-width: 28rem; margin: 3rem auto; } .login form { display: flex; flex-direction: column; gap: .6rem; } .login label { font-size: 1em; color: var(--fg); }
        .flash.error { color: var(--bad); } .error h1 { color: var(--bad); } .notes { white-space: pre-wrap; }
        table.media-table { font-size: .88em; } table.media-table th button { all: unset; cursor: pointer; font-weight: 600; }
        @media (max-width: 640px) { .who { display: none; } main { padding: .6rem; } body { font-size: 14px; } .facts { grid-template-columns: 1fr; } .facts dt { font-weight: 600; } th, td { padding: .3rem .35rem; } }
        """

    static let javascript = """
        (function () {
          "use strict";
          // Live refresh: pages of running runs poll themselves and swap in the new <main>, except
          // while the reader is busy with it (a control focused, audio or video playing), and stop
          // once the page comes back without data-live (the run ended).
          var live = document.body.getAttribute("data-live");
          var busy = function () {
            var main = document.getElementById("main"), active = document.activeElement;
            if (!main) { return false; }
            if (active && main.contains(active) && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(active.tagName)) { return true; }
            return Array.prototype.some.call(main.querySelectorAll("audio, video"), function (media) { return !media.paused; });
          };
          if (live) {
            var seconds = Math.max(5, parseInt(live, 10) || 15);
            var refresh = function () {
              if (document.hidden || busy()) { return; }
              fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
                .then(function (response) { return response.ok ? response.text() : null; })
                .then(function (text) {
                  if (!text) { return; }
                  var page = new DOMParser().parseFromString(text, "text/html");
                  var next = page.getElementById("main"), current = document.getElementById("main");
                  if (busy()) { return; }  // the reader started something while this was loading
                  if (next && current) { current.innerHTML = next.innerHTML; if (window.CohortCharts) { window.CohortCharts.setupAll(); } }
                  if (!page.body.getAttribute("data-live")) { window.clearInterval(timer); }
                })
                .catch(function () {});
            };
            var timer = window.setInterval(refresh, seconds * 1000);
          }
          // Tables logged as media: click a header to sort by that column.
          document.addEventListener("click", function (event) {
            var button = event.target.closest ? event.target.closest("table.media-table th button") : null;
            if (!button) { return; }
            var th = button.parentNode, table = th.closest("table"), body = table.tBodies[0];
            var index = Array.prototype.indexOf.call(th.parentNode.children, th);
            var ascending = th.getAttribute("aria-sort") !== "ascending";
            Array.prototype.forEach.call(th.parentNode.children, function (cell) { cell.removeAttribute("aria-sort"); });
            th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
            var rows = Array.prototype.slice.call(body.rows);
            rows.sort(function (a, b) {
              var x = a.cells[index].textContent, y = b.cells[index].textContent;
              var nx = parseFloat(x), ny = parseFloat(y);
              var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
              return ascending ? order : -order;
            });
            rows.forEach(function (row) { body.appendChild(row); });
          });
        })();
        """
}
