/// <reference lib="dom" />
/**
 * The static dashboard in a real browser: Debian's Chromium driven by playwright-core, the
 * folder served over http from 127.0.0.1. Synthetic series with planted change points (built
 * directly, not detected): the page loads without console errors, renders one chart per series
 * as they scroll into view, marks the planted changes and links them to their compare URLs,
 * filters, and sorts the regressions table by magnitude. Screenshots go to test/screenshots/.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECENT_SECONDS } from "../../src/report/dashboard/data.js";
import { dashboardData, seriesId, writeDashboard } from "../../src/report/dashboard/index.js";
import { ROOT, requireOrSkip, tempDir, toolMissing } from "../support/helpers.js";
import { CHROMIUM, launchChromium } from "../support/chromium.js";
import { serveFolder, type StaticServer } from "../support/static-server.js";
import { END, syntheticReport, type SyntheticSeries } from "./dashboard-series.js";

const POINTS = 120;
const BEDS = ["ubuntu-24.04 x64", "macos-14 arm64"];
const SERIES: SyntheticSeries[] = [];
for (let b = 0; b < 6; b++)
  for (const [bed, testBed] of BEDS.entries()) {
    const plants =
      b % 3 === 0
        ? []
        : b % 3 === 1
          ? [{ index: 60 + b, step: 0.05 * (b + 1) * (bed + 1) }]
          : [
              { index: 30, step: -0.2 },
              { index: 90, step: 0.1 * b },
            ];
    SERIES.push({ benchmark: `bench_${["insert", "search", "scan"][b % 3]}_${b}`, testBed, points: POINTS, plants });
  }
// a throughput series (higher is better): a drop is the regression
SERIES.push({
  benchmark: "bench_qps",
  metric: "qps",
  units: "ops/s",
  direction: "higher_is_better",
  points: POINTS,
  level: 52_000,
  plants: [{ index: 100, step: -0.35 }],
});
const REPORTS = SERIES.map((s, i) => syntheticReport(s, POINTS, i + 1));
// a series too short for detection: its card says why, and still draws its points
const NOTE = "5 runs: too few for change-point detection";
REPORTS.push({ ...syntheticReport({ benchmark: "bench_new", points: 5 }, POINTS, 99), note: NOTE });
const INFO = { repository: "lancedb/lance", serverUrl: "https://github.com", generatedAt: END };
const PLANTED = REPORTS.reduce((n, r) => n + r.changePoints.length, 0);

describe("dashboard data", () => {
  it("is compact, shares one commit table, and round-trips every point", () => {
    const { index, series } = dashboardData(REPORTS, INFO);
    expect(index.commits.sha).toHaveLength(POINTS);
    expect(index.series.map((r) => r.id)).toEqual(REPORTS.map((r) => seriesId(r.series.key)));
    const file = series[0]!;
    let c = 0;
    let m = 0;
    file.m.forEach((dm, i) => {
      c += file.c[i]!;
      m += dm;
      const point = REPORTS[0]!.series.points[i]!;
      expect(index.commits.sha[c]).toBe(point.sha);
      // four significant digits of the largest median
      expect(Math.abs(m * 10 ** file.e - point.median)).toBeLessThanOrEqual(10 ** file.e);
      expect(Math.abs((m - file.lo[i]!) * 10 ** file.e - point.q1)).toBeLessThanOrEqual(2 * 10 ** file.e);
    });
    // recent regressions only, largest first
    const magnitudes = index.regressions.map((r) => Math.abs(r.rc));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    expect(index.regressions.every((r) => r.verdict === "regression" && r.time >= END - RECENT_SECONDS)).toBe(true);
    expect(index.regressions.length).toBeGreaterThan(3);
    expect(index.regressions.find((r) => r.benchmark === "bench_qps")?.rc).toBe(-0.35);
  });
});

describe("the dashboard in Chromium", () => {
  let browser: Browser | undefined;
  let server: StaticServer | undefined;
  let dir = "";
  const errors: string[] = [];

  beforeAll(async () => {
    // without Chromium each test skips, or fails where LANCE_BENCH_REQUIRE_CHROMIUM=1 (requireOrSkip)
    if (toolMissing(CHROMIUM) !== undefined) return;
    dir = tempDir("lance-bench-dashboard-");
    await writeDashboard(dir, REPORTS, INFO);
    server = await serveFolder(dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(width = 1200, height = 900): Promise<Page> {
    const page = await browser!.newPage({ viewport: { width, height } });
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") errors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    page.on("requestfailed", (req) => errors.push(`requestfailed: ${req.url()}`));
    await page.goto(server!.url);
    await page.waitForFunction(() => document.body.dataset.interactive === "1");
    return page;
  }

  const rendered = (page: Page) => page.locator('.card[data-state="rendered"]').count();

  it("loads lazily, renders a chart per series once scrolled, and marks every planted change", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    const page = await open();
    expect(await page.locator(".card").count()).toBe(REPORTS.length);
    // only the cards near the viewport have fetched their data
    const first = await rendered(page);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(REPORTS.length);
    await page.screenshot({ path: path.join(ROOT, "test/screenshots/dashboard.png") });

    for (const card of await page.locator(".card").all()) await card.scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (n) => document.querySelectorAll('.card[data-state="rendered"]').length === n,
      REPORTS.length,
    );
    expect(await page.locator(".chart canvas").count()).toBe(REPORTS.length);

    // the chart state: one mark per planted change, at the first bad commit's time, and drawn
    // where the chart's x scale puts that time, inside the plot
    const marks = await page.evaluate(() => {
      const out: Record<string, { time: number; x: number; width: number }[]> = {};
      (window as any).dashboard.marks.forEach((list: any[], id: string) => {
        const chart = (window as any).dashboard.charts.get(id);
        out[id] = list.map((m) => ({
          time: m.time,
          x: chart.valToPos(m.time, "x"),
          width: chart.bbox.width / devicePixelRatio,
        }));
      });
      return out;
    });
    for (const r of REPORTS) {
      const drawn = marks[seriesId(r.series.key)]!;
      expect(drawn.map((m) => m.time)).toEqual(r.changePoints.map((cp) => r.series.points[cp.index]!.time));
      for (const m of drawn) {
        expect(m.x).toBeGreaterThan(0);
        expect(m.x).toBeLessThan(m.width);
      }
    }
    expect(Object.values(marks).flat()).toHaveLength(PLANTED);
    expect(await page.locator(`.card[data-id="${seriesId(REPORTS.at(-1)!.series.key)}"] .note`).innerText()).toBe(NOTE);

    // every change is linked to its commit range
    const links = await page
      .locator(".card .changes a")
      .evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(links).toHaveLength(PLANTED);
    const expected = REPORTS.flatMap((r) =>
      r.changePoints.map((cp) => `https://github.com/lancedb/lance/compare/${cp.lastGoodSha}...${cp.firstBadSha}`),
    );
    expect(links.sort()).toEqual(expected.sort());
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows version, sha, test bed and value on hover", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    const page = await open();
    const chart = page.locator('.card[data-state="rendered"] .chart').first();
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = page.locator(".tip:visible");
    await tooltip.waitFor();
    const text = await tooltip.innerText();
    expect(text).toMatch(/0\.1\.0\+[0-9a-f]{7}/);
    expect(text).toMatch(/[0-9a-f]{40}/);
    expect(text).toContain("ubuntu-24.04 x64");
    expect(text).toMatch(/median: [\d.,]+ ms/);
    await page.screenshot({
      path: path.join(ROOT, "test/screenshots/dashboard-hover.png"),
      clip: { x: 0, y: Math.max(0, box.y - 80), width: 1200, height: box.height + 160 },
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("filters by test bed, metric and name", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    const page = await open();
    const visible = () => page.locator(".card:not([hidden])").count();
    expect(await visible()).toBe(REPORTS.length);
    await page.selectOption("#filter-testbed", "macos-14 arm64");
    expect(await visible()).toBe(REPORTS.filter((r) => r.series.testBed === "macos-14 arm64").length);
    await page.selectOption("#filter-testbed", "");
    await page.selectOption("#filter-metric", "qps");
    expect(await visible()).toBe(1);
    await page.selectOption("#filter-metric", "");
    await page.fill("#filter-name", "SEARCH");
    const search = REPORTS.filter((r) => r.series.benchmark.includes("search"));
    expect(await visible()).toBe(search.length);
    expect(await page.locator("#count").innerText()).toBe(`${search.length} of ${REPORTS.length} charts`);
    // filtering brings unseen cards into view: they load as they do on scroll
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll(".card:not([hidden])")).every(
        (c) => (c as HTMLElement).dataset.state === "rendered",
      ),
    );
    await page.screenshot({ path: path.join(ROOT, "test/screenshots/dashboard-filtered.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("lists recent regressions, largest first, linked to their commit ranges", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    const page = await open();
    const rows = await page.locator("#regressions tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({
        change: Number((tr as HTMLElement).dataset.change),
        benchmark: tr.children[0]!.textContent,
        href: (tr.querySelector("a") as HTMLAnchorElement).href,
      })),
    );
    const regressions = REPORTS.flatMap((r) =>
      r.changePoints
        .filter((cp) => cp.verdict === "regression" && r.series.points[cp.index]!.time >= END - RECENT_SECONDS)
        .map((cp) => ({ r, cp })),
    );
    expect(rows).toHaveLength(regressions.length);
    const magnitudes = rows.map((r) => Math.abs(r.change));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    expect(rows[0]).toEqual({
      change: 0.5,
      benchmark: "bench_scan_5",
      href: expect.stringMatching(/^https:\/\/github\.com\/lancedb\/lance\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40}$/),
    });
    for (const row of rows) {
      const [good, bad] = row.href.split("/compare/")[1]!.split("...");
      expect(regressions.some(({ cp }) => cp.lastGoodSha === good && cp.firstBadSha === bad)).toBe(true);
    }
    await page
      .locator("#regressions")
      .screenshot({ path: path.join(ROOT, "test/screenshots/dashboard-regressions.png") });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("says so when there is no history yet", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    const empty = tempDir("lance-bench-dashboard-empty-");
    await writeDashboard(empty, [], INFO);
    const emptyServer = await serveFolder(empty);
    try {
      const page = await browser!.newPage();
      page.on("console", (msg) => void (msg.type() === "error" && errors.push(msg.text())));
      await page.goto(emptyServer.url);
      await page.waitForFunction(() => document.body.dataset.interactive === "1");
      expect(await page.locator("#empty").innerText()).toBe("No main history yet.");
      expect(await page.locator("#regressions tbody").innerText()).toContain("No regressions");
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await emptyServer.close();
    }
  });

  it("ships everything it loads (no CDN): the page works offline", async (ctx) => {
    requireOrSkip(ctx, CHROMIUM);
    expect(readdirSync(dir).sort()).toEqual([
      ".nojekyll",
      "dashboard.js",
      "data",
      "index.html",
      "uPlot.iife.min.js",
      "uPlot.min.css",
    ]);
    expect(readFileSync(path.join(dir, "index.html"), "utf8")).not.toMatch(/https?:\/\//);
    const context = await browser!.newContext();
    const outside: string[] = [];
    await context.route("**/*", (route) => {
      if (route.request().url().startsWith(server!.url)) return route.continue();
      outside.push(route.request().url());
      return route.abort();
    });
    const page = await context.newPage();
    await page.goto(server!.url);
    await page.waitForFunction(() => document.body.dataset.interactive === "1");
    expect(outside).toEqual([]);
    await context.close();
  });
});
