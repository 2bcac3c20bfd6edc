/// <reference lib="dom" />
/**
 * Shared by the dashboard benchmarks: 1,000 synthetic series × 1,000 points (planted steps of
 * 2–50% in a third of them), and the page timings Chromium reports for a generated folder.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import type { SeriesReport } from "../src/model/report.js";
import { syntheticReport, type Plant } from "../test/report/dashboard-series.js";

const BEDS = ["ubuntu-24.04 x64", "ubuntu-24.04 arm64", "macos-14 arm64", "windows-2022 x64"];
const METRICS = [
  { metric: "time", units: "ms", direction: "lower_is_better" as const, level: 12.5 },
  { metric: "qps", units: "ops/s", direction: "higher_is_better" as const, level: 48_000 },
  { metric: "peak_rss", units: "MiB", direction: "lower_is_better" as const, level: 730 },
];

export function largeReports(series = 1000, points = 1000): SeriesReport[] {
  const out: SeriesReport[] = [];
  for (let i = 0; i < series; i++) {
    const m = METRICS[i % METRICS.length]!;
    const plants: Plant[] = [];
    if (i % 3 === 0)
      plants.push({ index: 100 + ((i * 37) % (points - 200)), step: (i % 2 ? -1 : 1) * (0.02 + ((i * 7) % 49) / 100) });
    out.push(
      syntheticReport(
        {
          benchmark: `suite_${Math.floor(i / 12)}/bench_${i}`,
          metric: m.metric,
          units: m.units,
          direction: m.direction,
          level: m.level * (1 + (i % 10) / 10),
          noise: 0.005 + (i % 5) * 0.005,
          testBed: BEDS[Math.floor(i / 3) % BEDS.length]!,
          points,
          plants,
        },
        points,
        i + 1,
      ),
    );
  }
  return out;
}

/** Total size of the files under `dir/data`, raw and gzipped (level 6, what Pages-like servers use). */
export function dataSize(dir: string): { raw: number; gzip: number } {
  let raw = 0;
  let gzip = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      if (statSync(file).isDirectory()) walk(file);
      else {
        const body = readFileSync(file);
        raw += body.length;
        gzip += gzipSync(body).length;
      }
    }
  };
  walk(path.join(dir, "data"));
  return { raw, gzip };
}

export interface PageTimes {
  firstChart: number;
  interactive: number;
}

/** Loads `url` in a fresh context (no cache) and reads the page's marks, in ms since navigation. */
export async function pageTimes(browser: Browser, url: string): Promise<PageTimes> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => void (msg.type() === "error" && errors.push(msg.text())));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.interactive === "1", null, { timeout: 60_000 });
  const times = await page.evaluate(() => ({
    firstChart: performance.getEntriesByName("first-chart")[0]?.startTime ?? NaN,
    interactive: performance.getEntriesByName("interactive")[0]?.startTime ?? NaN,
  }));
  await context.close();
  if (errors.length) throw new Error(`${url}: ${errors.join("; ")}`);
  return times;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
