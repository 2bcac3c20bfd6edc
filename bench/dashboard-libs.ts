/**
 * Which charting library the dashboard uses, by measurement: the same page (lazy cards, same
 * data files, same marks, hover and band) drawn with uPlot and with Apache ECharts (canvas), at 1,000 series ×
 * 1,000 points, in Debian's Chromium. Prints the median of five loads of each: time to the
 * first chart drawn and to the page interactive (index loaded, filters wired, every chart near
 * the viewport drawn), and the library's size. The result is quoted at the top of
 * src/report/dashboard/index.ts.
 *
 *   npx tsx bench/dashboard-libs.ts
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { uplotDist, writeDashboard } from "../src/report/dashboard/index.js";
import { DASHBOARD_JS, indexHtml } from "../src/report/dashboard/page.js";
import { launchChromium } from "../test/support/chromium.js";
import { serveFolder } from "../test/support/static-server.js";
import { largeReports, median, pageTimes } from "./dashboard-page.js";
import { END } from "../test/report/dashboard-series.js";

/** The page's render function, swapped for one drawing the same chart with ECharts. */
const ECHARTS_RENDER = String.raw`  function render(row, card, file) {
    var d = decode(file), commits = state.index.commits;
    var ms = d.x.map(function (t) { return t * 1000; });
    var pair = function (ys) { return ys.map(function (y, i) { return [ms[i], y]; }); };
    var lines = [], areas = [];
    var marks = file.cp.filter(function (cp) { return d.x[cp.i] !== undefined; }).map(function (cp) {
      var color = cp.verdict === "regression" ? "#cf222e" : "#1a7f37";
      lines.push({ xAxis: ms[cp.i], name: pct(cp.rc), url: compare(cp), lineStyle: { color: color } });
      areas.push([{ xAxis: ms[Math.max(0, cp.i - 1)], itemStyle: { color: color, opacity: 0.12 } }, { xAxis: ms[cp.i] }]);
      return { time: d.x[cp.i], url: compare(cp) };
    });
    changeLinks(row, card, file);
    var chart = echarts.init(card.querySelector(".chart"), null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 56, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "time", axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", scale: true },
      tooltip: {
        trigger: "axis", confine: true,
        formatter: function (items) {
          var i = items[0].dataIndex, c = d.idx[i];
          return commits.version[c] + "<br>" + commits.sha[c] + "<br>test bed: " + row.testBed +
            "<br>median: <b>" + fmt(d.med[i]) + "</b> " + row.units + "<br>IQR: " + fmt(d.q1[i]) + " – " + fmt(d.q3[i]);
        },
      },
      series: [
        { name: "q1", type: "line", data: pair(d.q1), stack: "iqr", symbol: "none", lineStyle: { opacity: 0 }, silent: true },
        { name: "IQR", type: "line", data: pair(d.q3.map(function (q3, i) { return q3 - d.q1[i]; })), stack: "iqr", symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "#0969da", opacity: 0.15 }, silent: true },
        {
          name: "median", type: "line", data: pair(d.med), symbol: "none", lineStyle: { color: "#0969da", width: 1.5 },
          markLine: { symbol: "none", label: { formatter: "{b}", fontSize: 10 }, data: lines },
          markArea: { silent: true, data: areas },
        },
      ],
    });
    rendered(row, card, chart, marks);
  }

`;

/** echarts.html: the dashboard with its charts drawn by ECharts instead of uPlot. */
function echartsVariant(dir: string): void {
  const start = DASHBOARD_JS.indexOf("  function render(");
  const end = DASHBOARD_JS.indexOf("  function load(");
  if (start < 0 || end < 0) throw new Error("the page's render function moved");
  writeFileSync(path.join(dir, "echarts.js"), DASHBOARD_JS.slice(0, start) + ECHARTS_RENDER + DASHBOARD_JS.slice(end));
  copyFileSync(ECHARTS, path.join(dir, "echarts.min.js"));
  const html = indexHtml("bench/echarts")
    .replace(
      /<link rel="stylesheet" href="uPlot.min.css">\n<script src="uPlot.iife.min.js"><\/script>/,
      '<script src="echarts.min.js"></script>',
    )
    .replace('<script src="dashboard.js"></script>', '<script src="echarts.js"></script>');
  if (html.includes("uPlot")) throw new Error("the page's script tags moved");
  writeFileSync(path.join(dir, "echarts.html"), html);
}

const ECHARTS = createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js");

const dir = mkdtempSync(path.join(os.tmpdir(), "lance-bench-dashboard-libs-"));
try {
  await writeDashboard(dir, largeReports(), { repository: "bench/uplot", generatedAt: END });
  echartsVariant(dir);
  const server = await serveFolder(dir);
  const browser = await launchChromium();
  const runs: Record<string, { first: number[]; interactive: number[] }> = {
    echarts: { first: [], interactive: [] },
    uplot: { first: [], interactive: [] },
  };
  try {
    for (let i = 0; i < 6; i++)
      for (const [lib, page] of [
        ["echarts", "echarts.html"],
        ["uplot", "index.html"],
      ] as const) {
        const t = await pageTimes(browser, server.url + page);
        // the first load of each warms the OS file cache: not counted
        if (i === 0) continue;
        runs[lib]!.first.push(t.firstChart);
        runs[lib]!.interactive.push(t.interactive);
      }
  } finally {
    await browser.close();
    await server.close();
  }
  const size = (file: string) => {
    const body = readFileSync(file);
    return `${(statSync(file).size / 1024).toFixed(0)} KiB (${(gzipSync(body).length / 1024).toFixed(0)} KiB gzip)`;
  };
  const rows = [
    ["library", "first chart (ms)", "interactive (ms)", "library file"],
    [
      "Apache ECharts 6 (canvas)",
      median(runs.echarts!.first).toFixed(0),
      median(runs.echarts!.interactive).toFixed(0),
      size(ECHARTS),
    ],
    [
      "uPlot",
      median(runs.uplot!.first).toFixed(0),
      median(runs.uplot!.interactive).toFixed(0),
      size(path.join(uplotDist(), "uPlot.iife.min.js")),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  console.log(
    `medians of 5 loads each (after one warm-up), 1,000 series × 1,000 points, viewport 1280×900, ${os.cpus().length} CPUs`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
