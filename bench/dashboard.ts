/**
 * The dashboard at scale (issue 18): 1,000 series × 1,000 points written by writeDashboard,
 * served from 127.0.0.1 and loaded in Debian's Chromium (playwright-core). One table: the data's
 * size raw and gzipped, the time to the first chart drawn and to the page interactive (index
 * loaded, filters and table wired, every chart near the viewport drawn), each the median of
 * five loads in a fresh browser context after one warm-up, against the targets.
 *
 *   npm run bench:dashboard
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeDashboard } from "../src/report/dashboard/index.js";
import { END } from "../test/report/dashboard-series.js";
import { launchChromium } from "../test/support/chromium.js";
import { serveFolder } from "../test/support/static-server.js";
import { dataSize, largeReports, median, pageTimes } from "./dashboard-page.js";

const SERIES = 1000;
const POINTS = 1000;
const LOADS = 5;

const dir = mkdtempSync(path.join(os.tmpdir(), "lance-bench-dashboard-"));
try {
  const reports = largeReports(SERIES, POINTS);
  const started = performance.now();
  await writeDashboard(dir, reports, { repository: "lancedb/lance", generatedAt: END });
  const writeMs = performance.now() - started;
  const size = dataSize(dir);

  const server = await serveFolder(dir);
  const browser = await launchChromium();
  const first: number[] = [];
  const interactive: number[] = [];
  try {
    await pageTimes(browser, server.url); // warm-up: OS file cache, Chromium's first start
    for (let i = 0; i < LOADS; i++) {
      const t = await pageTimes(browser, server.url);
      first.push(t.firstChart);
      interactive.push(t.interactive);
    }
  } finally {
    await browser.close();
    await server.close();
  }

  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const rows: [string, string, string, boolean | undefined][] = [
    ["data, raw", mb(size.raw), "", undefined],
    ["data, gzipped", mb(size.gzip), "≤ 5 MB", size.gzip <= 5e6],
    ["first chart visible", ms(median(first)), "≤ 1000 ms", median(first) <= 1000],
    ["page interactive", ms(median(interactive)), "≤ 2000 ms", median(interactive) <= 2000],
    ["writeDashboard (node)", ms(writeMs), "", undefined],
  ];
  const table = [
    ["measure", "value", "target", "verdict"],
    ...rows.map(([name, value, target, ok]) => [name, value, target, ok === undefined ? "" : ok ? "ok" : "MISSED"]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  console.log(
    `dashboard: ${SERIES} series × ${POINTS} points, Chromium headless 1280×900, median of ${LOADS} loads, ${os.cpus().length} CPUs`,
  );
  for (const r of table) console.log(`| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`);
  // printed, like every bench here: a shared machine's bad minute must not fail CI
  const missed = rows.filter(([, , , ok]) => ok === false).length;
  if (missed > 0) console.log(`${missed} target(s) missed on this machine`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
