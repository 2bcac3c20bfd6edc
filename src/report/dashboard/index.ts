/**
 * The static dashboard `report` writes: one page, deployable as is to GitHub Pages (no CDN, no
 * server code): `index.html`, `dashboard.js`, uPlot's `uPlot.iife.min.js` and `uPlot.min.css` (copied from the package),
 * `data/index.json` and one `data/series/<id>.json` per series, loaded when its chart scrolls
 * into view (see data.ts for the format and page.ts for the page).
 *
 * The charting library is uPlot, chosen by measurement (`npx tsx bench/dashboard-libs.ts`:
 * the same lazy page, data files, band, marks and hover drawn by each library; Debian's
 * Chromium 156 headless, 1280×900, two cores, 1,000 series × 1,000 points, medians of 5 loads):
 *
 *   library                    first chart  interactive  library file
 *   uPlot 1.6                  503 ms       820 ms       50 KiB (22 KiB gzip)
 *   Apache ECharts 6 (canvas)  876 ms       1637 ms      1096 KiB (361 KiB gzip)
 *
 * ECharts meets the targets (≤ 1 s, ≤ 2 s) too, but with a quarter of the margin on the first
 * chart, mostly spent parsing its 1 MB script; uPlot draws the same chart in about half the
 * time. What ECharts would give for free (mark lines, tooltips) is ~60 lines of page script
 * with uPlot (page.ts). ECharts stays the suite's server-side SVG renderer (search-chart.ts).
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SeriesReport } from "../../model/report.js";
import { dashboardData, type DashboardInfo } from "./data.js";
import { DASHBOARD_JS, indexHtml } from "./page.js";

export { compareUrl, dashboardData, seriesId, type DashboardInfo } from "./data.js";

export interface DashboardSummary {
  series: number;
  /** Files written under `data/`, and their total size in bytes (uncompressed). */
  dataFiles: number;
  dataBytes: number;
}

/** uPlot's browser build and stylesheet, which the dashboard ships a copy of. */
export const UPLOT_FILES = ["uPlot.iife.min.js", "uPlot.min.css"] as const;

/**
 * Where uPlot's files are: beside the running script in a bundled action (scripts/bundle.mjs
 * copies them into `dist/<action>/uplot/`, since an action has no node_modules), else the
 * installed package.
 */
export function uplotDist(): string {
  const beside = path.join(path.dirname(fileURLToPath(import.meta.url)), "uplot");
  if (UPLOT_FILES.every((file) => existsSync(path.join(beside, file)))) return beside;
  return path.dirname(createRequire(import.meta.url).resolve("uplot/dist/uPlot.iife.min.js"));
}

/** Writes the dashboard for `reports` into `dir` (created; a previous `data/` there is replaced). */
export async function writeDashboard(
  dir: string,
  reports: readonly SeriesReport[],
  info: DashboardInfo,
): Promise<DashboardSummary> {
  const { index, series } = dashboardData(reports, info);
  await rm(path.join(dir, "data"), { recursive: true, force: true });
  await mkdir(path.join(dir, "data", "series"), { recursive: true });
  let dataBytes = 0;
  const write = async (file: string, body: string) => {
    await writeFile(path.join(dir, file), body);
    if (file.startsWith("data/")) dataBytes += Buffer.byteLength(body);
  };
  await write("data/index.json", JSON.stringify(index));
  // a few at a time: 1,000 files in one Promise.all would open 1,000 descriptors
  for (let i = 0; i < series.length; i += 64)
    await Promise.all(series.slice(i, i + 64).map((s) => write(`data/series/${s.id}.json`, JSON.stringify(s))));
  await write("index.html", indexHtml(info.repository));
  await write("dashboard.js", DASHBOARD_JS);
  // GitHub Pages: serve the folder as is (no Jekyll)
  await write(".nojekyll", "");
  for (const file of UPLOT_FILES) await copyFile(path.join(uplotDist(), file), path.join(dir, file));
  return { series: series.length, dataFiles: series.length + 1, dataBytes };
}
