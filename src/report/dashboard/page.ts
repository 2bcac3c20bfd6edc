/**
 * The dashboard page: `index.html` and its one script, `dashboard.js` (a plain browser script,
 * kept as a string so the build and the bundle carry it without a copy step; it uses no
 * template literals, so it needs no escaping here).
 *
 * The script fetches `data/index.json`, draws the filters, the regressions table and one empty
 * card per series, and renders a card's chart (uPlot, canvas) only when an
 * IntersectionObserver sees it near the viewport, fetching `data/series/<id>.json` then. For
 * tests and the benchmark it sets `performance` marks `first-chart` and `interactive`, marks
 * each card `data-state="rendered"`, and exposes `window.dashboard` (the index, the uPlot
 * instances and the change-point marks drawn, by series id, and `ready`, a promise of the
 * initial render).
 */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function indexHtml(repository: string): string {
  const title = `Benchmarks · ${escapeHtml(repository)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 0 16px 32px; color: #1f2328; background: #fff; }
h1 { font-size: 20px; margin: 16px 0 4px; }
h2 { font-size: 16px; margin: 20px 0 8px; }
.meta, .count, .note { color: #59636e; }
#filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; margin: 12px 0; position: sticky; top: 0; background: #fff; padding: 8px 0; z-index: 2; border-bottom: 1px solid #d1d9e0; }
table { border-collapse: collapse; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eef0f2; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#regressions-wrap { max-height: 320px; overflow: auto; }
#charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 12px; }
.card { border: 1px solid #d1d9e0; border-radius: 6px; padding: 8px; }
.card[hidden] { display: none; }
.card h3 { font-size: 14px; margin: 0; overflow-wrap: anywhere; }
.card .sub { color: #59636e; font-size: 12px; }
.card .changes a { margin-right: 10px; font-size: 12px; }
.chart { height: 220px; position: relative; }
.tip { position: absolute; z-index: 3; pointer-events: none; background: #fff; border: 1px solid #d1d9e0; border-radius: 4px; padding: 4px 8px; font-size: 12px; white-space: nowrap; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
.regression { color: #cf222e; }
.improvement { color: #1a7f37; }
</style>
</head>
<body>
<h1>${title}</h1>
<div class="meta" id="meta"></div>
<h2>Recent regressions</h2>
<div id="regressions-wrap"><table id="regressions"><thead><tr><th>Benchmark</th><th>Metric</th><th>Test bed</th><th>Change</th><th>Interval</th><th>Confidence</th><th>Commits</th></tr></thead><tbody></tbody></table></div>
<div id="filters">
<label>Test bed <select id="filter-testbed"><option value="">all</option></select></label>
<label>Metric <select id="filter-metric"><option value="">all</option></select></label>
<label>Name <input id="filter-name" type="search" placeholder="substring"></label>
<span class="count" id="count"></span>
</div>
<div id="charts"></div>
<link rel="stylesheet" href="uPlot.min.css">
<script src="uPlot.iife.min.js"></script>
<script src="dashboard.js"></script>
</body>
</html>
`;
}

export const DASHBOARD_JS = String.raw`"use strict";
(function () {
  var state = { index: null, charts: new Map(), marks: new Map(), cards: [], pending: 0, firstChart: false };
  var readyResolve;
  state.ready = new Promise(function (resolve) { readyResolve = resolve; });
  window.dashboard = state;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function pct(x) { return (x > 0 ? "+" : "") + (x * 100).toFixed(1) + "%"; }
  function short(sha) { return sha.slice(0, 7); }
  function compare(cp) { return state.index.compareBase + cp.good + "..." + cp.bad; }
  function fmt(v) { return Math.abs(v) >= 1000 || v === Math.round(v) ? v.toLocaleString("en-US", { maximumFractionDigits: 2 }) : Number(v.toPrecision(4)).toString(); }
  function changeLink(cp, units) {
    var a = el("a", { href: compare(cp), class: cp.verdict, "data-change": String(cp.i), title: "level " + fmt(cp.before) + " → " + fmt(cp.after) + " " + units + ", confidence " + cp.conf },
      (cp.verdict === "regression" ? "▲ " : "▼ ") + pct(cp.rc) + " " + short(cp.good) + "..." + short(cp.bad));
    return a;
  }

  // a series' file, decoded: commit times (unix seconds, uPlot's time scale), medians, band
  function decode(file) {
    var commits = state.index.commits, n = file.m.length;
    var scale = Math.pow(10, Math.abs(file.e)), up = file.e >= 0;
    function val(q) { return up ? q * scale : q / scale; }
    var out = { x: new Array(n), idx: new Array(n), med: new Array(n), q1: new Array(n), q3: new Array(n) };
    var c = 0, m = 0;
    for (var i = 0; i < n; i++) {
      c += file.c[i]; m += file.m[i];
      out.idx[i] = c;
      out.x[i] = commits.time[c];
      out.med[i] = val(m);
      out.q1[i] = val(m - file.lo[i]);
      out.q3[i] = val(m + file.hi[i]);
    }
    return out;
  }

  function changeLinks(row, card, file) {
    var box = el("div", { class: "changes" });
    file.cp.forEach(function (cp) { box.appendChild(changeLink(cp, row.units)); });
    card.insertBefore(box, card.querySelector(".chart"));
  }

  function rendered(row, card, chart, marks) {
    state.charts.set(row.id, chart);
    state.marks.set(row.id, marks);
    card.dataset.state = "rendered";
    card.dataset.marks = String(marks.length);
    if (!state.firstChart) { state.firstChart = true; performance.mark("first-chart"); }
  }

  // hover: the commit's version, sha, test bed and values, in a box over the plot
  function tooltipPlugin(row, d) {
    var tip;
    return {
      hooks: {
        init: function (u) { tip = el("div", { class: "tip" }); tip.hidden = true; u.over.appendChild(tip); },
        setCursor: function (u) {
          var i = u.cursor.idx;
          if (i === null || i === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
          var commits = state.index.commits, c = d.idx[i];
          tip.innerHTML = "";
          [commits.version[c], commits.sha[c], "test bed: " + row.testBed].forEach(function (line) { tip.appendChild(el("div", null, line)); });
          var v = el("div", null, "median: "); v.appendChild(el("b", null, fmt(d.med[i]))); v.appendChild(document.createTextNode(" " + row.units)); tip.appendChild(v);
          tip.appendChild(el("div", null, "IQR: " + fmt(d.q1[i]) + " – " + fmt(d.q3[i])));
          tip.hidden = false;
          var left = u.cursor.left + 12, width = tip.offsetWidth;
          if (left + width > u.over.clientWidth) left = Math.max(0, u.cursor.left - width - 12);
          tip.style.left = left + "px";
          tip.style.top = Math.max(0, Math.min(u.cursor.top, u.over.clientHeight - tip.offsetHeight)) + "px";
        },
      },
    };
  }

  function render(row, card, file) {
    var d = decode(file), target = card.querySelector(".chart");
    changeLinks(row, card, file);
    // a change point: a shaded span over the suspect commits (last good, first bad] and a
    // dashed line at the first bad one, labelled with the change; a click near it opens the compare
    var marks = file.cp.filter(function (cp) { return d.x[cp.i] !== undefined; }).map(function (cp) {
      return { time: d.x[cp.i], from: d.x[Math.max(0, cp.i - 1)], url: compare(cp), label: pct(cp.rc), verdict: cp.verdict };
    });
    function drawMarks(u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, dpr = window.devicePixelRatio || 1;
      ctx.save();
      marks.forEach(function (mk) {
        var x = u.valToPos(mk.time, "x", true), x0 = u.valToPos(mk.from, "x", true);
        var color = mk.verdict === "regression" ? "207,34,46" : "26,127,55";
        ctx.fillStyle = "rgba(" + color + ",0.12)";
        ctx.fillRect(x0, top, Math.max(x - x0, 2 * dpr), height);
        ctx.strokeStyle = "rgb(" + color + ")"; ctx.lineWidth = dpr;
        ctx.setLineDash([4 * dpr, 3 * dpr]);
        ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, top + height); ctx.stroke();
        ctx.fillStyle = "rgb(" + color + ")"; ctx.font = 10 * dpr + "px system-ui, sans-serif";
        ctx.fillText(mk.label, x + 3 * dpr, top + 10 * dpr);
      });
      ctx.restore();
    }
    var chart = new uPlot({
      width: Math.max(200, target.clientWidth), height: 220,
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { size: 5 } },
      scales: { x: { time: true } },
      axes: [{}, { size: 56, values: function (u, vals) { return vals.map(fmt); } }],
      series: [
        {},
        { label: "q1", stroke: "transparent", points: { show: false } },
        { label: "q3", stroke: "transparent", points: { show: false } },
        { label: "median", stroke: "#0969da", width: 1.5, points: { show: false } },
      ],
      bands: [{ series: [2, 1], fill: "rgba(9,105,218,0.15)" }],
      hooks: { draw: [drawMarks] },
      plugins: [tooltipPlugin(row, d)],
    }, [d.x, d.q1, d.q3, d.med], target);
    chart.over.addEventListener("click", function (e) {
      var hit = marks.find(function (mk) { return Math.abs(chart.valToPos(mk.time, "x") - e.offsetX) <= 4; });
      if (hit) window.open(hit.url, "_blank", "noopener");
    });
    rendered(row, card, chart, marks);
  }

  function load(row, card) {
    card.dataset.state = "loading";
    state.pending++;
    fetch("data/series/" + row.id + ".json")
      .then(function (r) { if (!r.ok) throw new Error(r.status + " " + r.url); return r.json(); })
      .then(function (file) { render(row, card, file); })
      .catch(function (err) { card.dataset.state = "error"; card.querySelector(".chart").textContent = "could not load: " + err.message; })
      .then(function () { state.pending--; settle(); });
  }

  var initial = true;
  function settle() {
    if (!initial || state.pending > 0) return;
    initial = false;
    performance.mark("interactive");
    document.body.dataset.interactive = "1";
    readyResolve();
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      load(entry.target.__row, entry.target);
    });
    // the first callback reports every card's state: none pending means nothing was visible
    settle();
  }, { rootMargin: "200px 0px" });

  function options(select, values) {
    Array.from(new Set(values)).sort().forEach(function (v) { select.appendChild(el("option", { value: v }, v)); });
  }

  function applyFilters() {
    var bed = document.getElementById("filter-testbed").value;
    var metric = document.getElementById("filter-metric").value;
    var name = document.getElementById("filter-name").value.toLowerCase();
    var shown = 0;
    state.cards.forEach(function (card) {
      var row = card.__row;
      var ok = (!bed || row.testBed === bed) && (!metric || row.metric === metric) && (!name || row.benchmark.toLowerCase().indexOf(name) >= 0);
      card.hidden = !ok;
      if (ok) shown++;
    });
    document.getElementById("count").textContent = shown + " of " + state.cards.length + " charts";
  }

  function regressionsTable(index) {
    var body = document.querySelector("#regressions tbody");
    if (!index.regressions.length) {
      var tr = el("tr"); var td = el("td", { colspan: "7" }, "No regressions in the last 30 days."); tr.appendChild(td); body.appendChild(tr); return;
    }
    index.regressions.forEach(function (r) {
      var tr = el("tr", { "data-id": r.id, "data-change": String(r.rc) });
      tr.appendChild(el("td", null, r.benchmark));
      tr.appendChild(el("td", null, r.metric));
      tr.appendChild(el("td", null, r.testBed));
      tr.appendChild(el("td", { class: "num regression" }, pct(r.rc)));
      tr.appendChild(el("td", { class: "num" }, pct(r.lo) + " … " + pct(r.hi)));
      tr.appendChild(el("td", { class: "num" }, (r.conf * 100).toFixed(1) + "%"));
      var td = el("td"); td.appendChild(el("a", { href: compare(r) }, short(r.good) + "..." + short(r.bad))); tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function start(index) {
    state.index = index;
    document.getElementById("meta").textContent = index.series.length + " series, " + index.commits.sha.length + " commits on main; generated " + new Date(index.generatedAt * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";
    regressionsTable(index);
    options(document.getElementById("filter-testbed"), index.series.map(function (r) { return r.testBed; }));
    options(document.getElementById("filter-metric"), index.series.map(function (r) { return r.metric; }));
    ["filter-testbed", "filter-metric", "filter-name"].forEach(function (id) { document.getElementById(id).addEventListener("input", applyFilters); });
    var charts = document.getElementById("charts"), frag = document.createDocumentFragment();
    index.series.forEach(function (row) {
      var card = el("div", { class: "card", "data-id": row.id, "data-state": "waiting" });
      card.__row = row;
      card.appendChild(el("h3", null, row.benchmark));
      card.appendChild(el("div", { class: "sub" }, row.metric + " (" + row.units + ", " + row.direction.replace(/_/g, " ") + ") · " + row.testBed + " · " + row.points + " runs"));
      if (row.note) card.appendChild(el("div", { class: "note" }, row.note));
      card.appendChild(el("div", { class: "chart" }));
      frag.appendChild(card);
      state.cards.push(card);
    });
    charts.appendChild(frag);
    applyFilters();
    if (!index.series.length) { charts.appendChild(el("p", { class: "note", id: "empty" }, "No main history yet.")); settle(); }
    state.cards.forEach(function (card) { observer.observe(card); });
  }

  window.addEventListener("resize", function () {
    state.charts.forEach(function (chart) { chart.setSize({ width: Math.max(200, chart.root.parentNode.clientWidth), height: 220 }); });
  });

  fetch("data/index.json")
    .then(function (r) { if (!r.ok) throw new Error(r.status + " " + r.url); return r.json(); })
    .then(start)
    .catch(function (err) { console.error("dashboard: " + err.message); document.getElementById("meta").textContent = "Could not load the data: " + err.message; });
})();
`;
