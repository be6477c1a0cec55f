/// See ``ChartAssets/javascript``.
let chartScript = #"""
/* Cohort charts: hover values, a smoothing slider and a log/linear toggle for the line charts that
   CohortCharts draws (figure.cohort-chart[data-chart="line"] with a <script id="…-data"> of points).
   No dependencies; does nothing on a page without charts. */
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var DOT = "m-2.5 0h5m-2.5-2.5v5"; /* a lone point: a small plus sign, as ChartPath draws it */

  /* W&B's time-weighted debiased EMA; the same as Smoothing.timeWeightedEMA in Swift. */
  function twema(xs, ys, param) {
    var decay = Math.min(Math.sqrt(Math.min(Math.max(param, 0), 0.99)), 0.999);
    var lo = Infinity, hi = -Infinity, i;
    for (i = 0; i < ys.length; i++) {
      if (ok(xs[i]) && ok(ys[i])) { lo = Math.min(lo, xs[i]); hi = Math.max(hi, xs[i]); }
    }
    var range = hi > lo ? hi - lo : 1, last = 0, norm = 0, prev = null, out = [];
    for (i = 0; i < ys.length; i++) {
      if (!ok(xs[i]) || !ok(ys[i])) { out.push(null); continue; }
      var a = Math.pow(decay, prev === null ? 0 : Math.max(0, (xs[i] - prev) / range * 1000));
      last = last * a + ys[i];
      norm = norm * a + 1;
      out.push(last / norm);
      prev = xs[i];
    }
    return out;
  }

  function ok(v) { return typeof v === "number" && isFinite(v); }

  function fmt(v) {
    if (!ok(v)) return "–";
    var a = Math.abs(v);
    if (a === 0) return "0";
    if (a >= 1e15 || a < 1e-3) return v.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
    var units = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
    for (var i = 0; i < units.length; i++) {
      if (a >= units[i][0]) return String(parseFloat((v / units[i][0]).toPrecision(4))) + units[i][1];
    }
    return String(parseFloat(v.toPrecision(4)));
  }

  /* Seconds as a duration with at most two units, like ChartNumber.duration in Swift. */
  function fmtDuration(v) {
    if (!ok(v)) return "–";
    if (v < 0) return "-" + fmtDuration(-v);
    if (v < 60) return fmt(v) + "s";
    var total = Math.round(v), units = [[86400, "d"], [3600, "h"], [60, "m"], [1, "s"]];
    for (var i = 0; i < units.length; i++) {
      if (total < units[i][0]) continue;
      var whole = Math.floor(total / units[i][0]), next = units[Math.min(i + 1, 3)];
      var rest = Math.floor((total % units[i][0]) / next[0]);
      return whole + units[i][1] + (rest > 0 && units[i][0] > 1 ? rest + next[1] : "");
    }
    return "0s";
  }

  function setup(fig) {
    if (!fig || fig.getAttribute("data-cc-ready")) return;
    var script = document.getElementById(fig.id + "-data");
    var svg = fig.querySelector("svg");
    if (!script || !svg) return;
    var d;
    try { d = JSON.parse(script.textContent); } catch (e) { return; }
    if (!d || !d.series || !d.plot) return;
    fig.setAttribute("data-cc-ready", "1");
    var chart = { fig: fig, svg: svg, d: d, smooth: [] }, pref = prefs[fig.id];
    if (pref) d.smoothing = pref.smoothing;
    resmooth(chart);
    hover(chart);
    if (pref && pref.scale !== d.scale) rescale(chart, pref.scale);
    else if (pref) redraw(chart);
    controls(chart);
  }

  /* The reader's smoothing and scale per chart id, kept when a live refresh replaces a chart. */
  var prefs = {};
  function remember(chart) { prefs[chart.fig.id] = { smoothing: chart.d.smoothing, scale: chart.d.scale }; }

  function px(d, x) { return d.plot[0] + (x - d.x[0]) / (d.x[1] - d.x[0]) * d.plot[2]; }
  function py(d, y) {
    var v = d.scale === "log" ? Math.log(y) / Math.LN10 : y;
    return d.plot[1] + d.plot[3] - (v - d.y[0]) / (d.y[1] - d.y[0]) * d.plot[3];
  }

  function path(d, xs, ys) {
    var out = "", n = 0;
    for (var i = 0; i < xs.length; i++) {
      if (!ok(xs[i]) || !ok(ys[i]) || (d.scale === "log" && ys[i] <= 0)) {
        if (n === 1) out += DOT;
        n = 0;
        continue;
      }
      out += (n ? "L" : "M") + px(d, xs[i]).toFixed(1) + " " + py(d, ys[i]).toFixed(1);
      n++;
    }
    return n === 1 ? out + DOT : out;
  }

  function bandPath(d, b) {
    var top = [], bottom = [], out = "";
    function flush() {
      if (top.length) out += "M" + top.join("L") + "L" + bottom.reverse().join("L") + "Z";
      top = [];
      bottom = [];
    }
    for (var i = 0; i < b.x.length; i++) {
      var lo = b.low[i], hi = b.high[i];
      if (!ok(b.x[i]) || !ok(lo) || !ok(hi) || (d.scale === "log" && (lo <= 0 || hi <= 0))) { flush(); continue; }
      var x = px(d, b.x[i]).toFixed(1);
      top.push(x + " " + py(d, hi).toFixed(1));
      bottom.push(x + " " + py(d, lo).toFixed(1));
    }
    flush();
    return out;
  }

  function resmooth(chart) {
    var d = chart.d;
    chart.smooth = d.series.map(function (s) {
      var ys = d.scale !== "log" ? s.y : s.y.map(function (v) { return ok(v) && v > 0 ? v : null; });
      return d.smoothing > 0 ? twema(s.x, ys, d.smoothing) : ys;
    });
  }

  function redraw(chart) {
    var d = chart.d, svg = chart.svg;
    (d.bands || []).forEach(function (b, i) {
      var area = svg.querySelector('path.cc-band[data-i="' + i + '"]');
      if (area) area.setAttribute("d", bandPath(d, b));
    });
    d.series.forEach(function (s, i) {
      var line = svg.querySelector('path.cc-line[data-i="' + i + '"]');
      if (!line) return;
      var raw = svg.querySelector('path.cc-raw[data-i="' + i + '"]');
      if (d.smoothing > 0) {
        if (!raw) {
          raw = document.createElementNS(SVG_NS, "path");
          raw.setAttribute("class", "cc-raw");
          raw.setAttribute("data-i", String(i));
          raw.setAttribute("stroke", s.color);
          raw.setAttribute("stroke-opacity", "0.3");
          line.parentNode.insertBefore(raw, line);
        }
        raw.setAttribute("d", path(d, s.x, s.y));
      } else if (raw) {
        raw.parentNode.removeChild(raw);
      }
      line.setAttribute("d", path(d, s.x, chart.smooth[i]));
    });
  }

  function nearest(xs, ys, x) {
    var best = -1, dist = Infinity;
    for (var i = 0; i < xs.length; i++) {
      if (!ok(xs[i]) || !ok(ys[i])) continue;
      var e = Math.abs(xs[i] - x);
      if (e < dist) { dist = e; best = i; }
    }
    return best;
  }

  function hover(chart) {
    var d = chart.d, svg = chart.svg, fig = chart.fig;
    var cursor = document.getElementById(fig.id + "-cursor");
    var tip = document.createElement("div");
    tip.className = "cc-tip";
    tip.hidden = true;
    fig.appendChild(tip);
    function hide() { tip.hidden = true; if (cursor) cursor.setAttribute("visibility", "hidden"); }
    function show(clientX, clientY) {
      var rect = svg.getBoundingClientRect(), box = svg.viewBox.baseVal;
      if (!rect.width || !box || !box.width) return;
      var vx = (clientX - rect.left) * box.width / rect.width;
      if (vx < d.plot[0] || vx > d.plot[0] + d.plot[2]) { hide(); return; }
      var x = d.x[0] + (vx - d.plot[0]) / d.plot[2] * (d.x[1] - d.x[0]);
      var rows = [], at = null;
      d.series.forEach(function (s, i) {
        var ys = chart.smooth[i], k = nearest(s.x, ys, x);
        if (k < 0) return;
        if (at === null || Math.abs(s.x[k] - x) < Math.abs(at - x)) at = s.x[k];
        rows.push([s.color, s.name, ys[k]]);
      });
      if (at === null) { hide(); return; }
      while (tip.firstChild) tip.removeChild(tip.firstChild);
      var head = document.createElement("div");
      head.textContent = (d.xLabel || "x") + " " + (d.xFormat === "duration" ? fmtDuration(at) : fmt(at));
      tip.appendChild(head);
      rows.slice(0, 12).forEach(function (r) {
        var row = document.createElement("div"), sw = document.createElement("span");
        sw.className = "cc-swatch";
        sw.style.background = r[0];
        row.appendChild(sw);
        row.appendChild(document.createTextNode(r[1] + ": " + fmt(r[2])));
        tip.appendChild(row);
      });
      if (rows.length > 12) {
        var more = document.createElement("div");
        more.textContent = "+" + (rows.length - 12) + " more";
        tip.appendChild(more);
      }
      tip.hidden = false;
      var figRect = fig.getBoundingClientRect();
      var left = clientX - figRect.left + 12;
      if (left + tip.offsetWidth > figRect.width) left = Math.max(0, clientX - figRect.left - tip.offsetWidth - 12);
      tip.style.left = left + "px";
      tip.style.top = Math.max(0, clientY - figRect.top - tip.offsetHeight - 8) + "px";
      if (cursor) {
        var cx = px(d, at).toFixed(1);
        cursor.setAttribute("x1", cx);
        cursor.setAttribute("x2", cx);
        cursor.setAttribute("visibility", "visible");
      }
    }
    svg.addEventListener("mousemove", function (e) { show(e.clientX, e.clientY); });
    svg.addEventListener("mouseleave", hide);
    svg.addEventListener("touchstart", function (e) {
      if (e.touches.length) show(e.touches[0].clientX, e.touches[0].clientY);
    }, { passive: true });
    svg.addEventListener("touchend", hide);
  }

  function controls(chart) {
    var d = chart.d, fig = chart.fig;
    var bar = document.createElement("div");
    bar.className = "cc-controls";
    var label = document.createElement("label");
    var slider = document.createElement("input");
    var value = document.createElement("output");
    slider.type = "range";
    slider.min = "0";
    slider.max = "0.99";
    slider.step = "0.01";
    slider.value = String(d.smoothing || 0);
    value.textContent = slider.value;
    label.appendChild(document.createTextNode("Smoothing "));
    label.appendChild(slider);
    label.appendChild(value);
    slider.addEventListener("input", function () {
      d.smoothing = parseFloat(slider.value) || 0;
      value.textContent = slider.value;
      resmooth(chart);
      redraw(chart);
      remember(chart);
    });
    bar.appendChild(label);
    var logLabel = document.createElement("label"), log = document.createElement("input");
    log.type = "checkbox";
    log.checked = d.scale === "log";
    logLabel.appendChild(log);
    logLabel.appendChild(document.createTextNode(" Log scale"));
    log.addEventListener("change", function () {
      rescale(chart, log.checked ? "log" : "linear");
      remember(chart);
    });
    bar.appendChild(logLabel);
    fig.appendChild(bar);
  }

  /* 1, 2 or 5 × 10^n near span / count, like ChartTicks.niceStep in Swift. */
  function niceStep(raw) {
    if (!(raw > 0) || !isFinite(raw)) return 1;
    var m = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10)), f = raw / m;
    return m * (f >= Math.sqrt(50) ? 10 : f >= Math.sqrt(10) ? 5 : f >= Math.sqrt(2) ? 2 : 1);
  }

  /* The y domain (in scale space) and ticks [position, label] for the drawn values on `scale`. */
  function yAxis(d, scale) {
    var lo = Infinity, hi = -Infinity, omitted = 0, count = Math.max(2, Math.floor(d.plot[3] / 40));
    function add(v) {
      if (!ok(v)) return;
      if (scale === "log" && v <= 0) { omitted++; return; }
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    d.series.forEach(function (s) { s.y.forEach(add); });
    (d.bands || []).forEach(function (b) { b.low.forEach(add); b.high.forEach(add); });
    if (lo > hi) return null;
    var ticks = [], t, step;
    if (scale === "log") {
      lo = Math.log(lo) / Math.LN10;
      hi = Math.log(hi) / Math.LN10;
      if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
      if (hi - lo >= 1) {
        lo = Math.floor(lo);
        hi = Math.ceil(hi);
        step = Math.max(1, Math.ceil((hi - lo) / count));
        for (t = lo; t <= hi; t += step) ticks.push([t, fmt(Math.pow(10, t))]);
      } else {
        step = niceStep((Math.pow(10, hi) - Math.pow(10, lo)) / count);
        for (t = Math.ceil(Math.pow(10, lo) / step) * step; t <= Math.pow(10, hi) + step * 1e-9; t += step) {
          if (t > 0) ticks.push([Math.log(t) / Math.LN10, fmt(t)]);
        }
      }
    } else {
      if (hi - lo <= Math.abs(hi) * 1e-12) { var pad = lo === 0 ? 1 : Math.abs(lo) * 0.1; lo -= pad; hi += pad; }
      step = niceStep((hi - lo) / count);
      lo = Math.floor(lo / step) * step;
      hi = Math.ceil(hi / step) * step;
      for (t = lo; t <= hi + step * 1e-9 && ticks.length < 50; t += step) {
        ticks.push([t, fmt(Math.abs(t) < step * 1e-9 ? 0 : parseFloat(t.toPrecision(12)))]);
      }
    }
    return { lower: lo, upper: hi, ticks: ticks, omitted: omitted };
  }

  /* Switches the y axis between linear and log: domain, grid, tick labels, lines and the note. */
  function rescale(chart, scale) {
    var d = chart.d, svg = chart.svg, axis = yAxis(d, scale);
    if (!axis) return;
    d.scale = scale;
    d.y = [axis.lower, axis.upper];
    var left = d.plot[0], right = d.plot[0] + d.plot[2], grid = "";
    var labels = svg.querySelector(".cc-yticks");
    while (labels && labels.firstChild) labels.removeChild(labels.firstChild);
    axis.ticks.forEach(function (t) {
      var y = (d.plot[1] + d.plot[3] - (t[0] - d.y[0]) / (d.y[1] - d.y[0]) * d.plot[3]);
      grid += "M" + left + " " + y.toFixed(1) + "H" + right;
      if (!labels) return;
      var text = document.createElementNS(SVG_NS, "text");
      text.setAttribute("x", String(left - 5));
      text.setAttribute("y", (y + 3.5).toFixed(1));
      text.textContent = t[1];
      labels.appendChild(text);
    });
    var xticks = svg.querySelectorAll(".cc-xticks text");
    for (var i = 0; i < xticks.length; i++) {
      grid += "M" + xticks[i].getAttribute("x") + " " + d.plot[1] + "V" + (d.plot[1] + d.plot[3]);
    }
    var gridPath = svg.querySelector(".cc-grid");
    if (gridPath) gridPath.setAttribute("d", grid);
    var note = svg.querySelector(".cc-note");
    if (!note && axis.omitted) {
      note = document.createElementNS(SVG_NS, "text");
      note.setAttribute("class", "cc-note");
      note.setAttribute("x", String(svg.viewBox.baseVal.width - 8));
      note.setAttribute("y", "18");
      note.setAttribute("text-anchor", "end");
      note.setAttribute("font-size", "10");
      note.setAttribute("fill", "#666666");
      svg.appendChild(note);
    }
    if (note) note.textContent = axis.omitted ? "values ≤ 0 not shown (log scale)" : "";
    resmooth(chart);
    redraw(chart);
  }

  function setupAll() {
    var figs = document.querySelectorAll('figure.cohort-chart[data-chart="line"]');
    for (var i = 0; i < figs.length; i++) setup(figs[i]);
  }

  window.CohortCharts = { setup: setup, setupAll: setupAll, twema: twema, format: fmt, formatDuration: fmtDuration };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setupAll);
  else setupAll();
})();
"""#
