import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Result } from "../../src/model/index.js";
import { historySeries, type HistoryRow } from "../../src/report/series.js";
import { ResultStore } from "../../src/store/results-table.js";
import { runCliAsync, sample, tempDir } from "../support/helpers.js";

const row = (sha: string, time: number, median: number, extra: Partial<HistoryRow> = {}): HistoryRow => ({
  sha: sha.repeat(40).slice(0, 40),
  benchmark_name: "sort/1000",
  metric: "time",
  units: "nanoseconds",
  direction: "lower_is_better",
  fingerprint: "fp1",
  test_bed: { name: "box", cpu: "x", memory_gb: 1, os: "linux", created_at: 0 },
  dut: { name: "demo", version: `1.0.0+${sha.repeat(7).slice(0, 7)}`, timestamp: time },
  summary: { min: median, q1: median - 1, median, q3: median + 1, max: median, mean: median, standard_deviation: 0 },
  timestamp: 1_800_000_000,
  ...extra,
});

describe("historySeries", () => {
  it("one series per benchmark, metric and fingerprint; one point per commit in commit-time order", () => {
    const series = historySeries([
      row("b", 200, 12),
      row("a", 100, 10),
      row("c", 300, 30),
      // a second run at commit c (repetitions): the median of the run medians, the runs counted
      row("c", 300, 34),
      row("c", 300, 31),
      // another test bed is another series; another metric too
      row("a", 100, 99, {
        fingerprint: "fp2",
        test_bed: { name: "other", cpu: "y", memory_gb: 2, os: "linux", created_at: 0 },
      }),
      row("a", 100, 5, { metric: "peak_rss", units: "bytes" }),
    ]);
    expect(series.map((s) => [s.metric, s.testBed, s.points.length])).toEqual([
      ["peak_rss", "box", 1],
      ["time", "box", 3],
      ["time", "other", 1],
    ]);
    const time = series[1]!;
    expect(time.points.map((p) => [p.sha[0], p.time, p.median, p.n])).toEqual([
      ["a", 100, 10, 1],
      ["b", 200, 12, 1],
      ["c", 300, 31, 3],
    ]);
    expect(time.points[2]).toMatchObject({ q1: 30, q3: 32, version: "1.0.0+ccccccc" });
    expect(time.key).toBe("sort/1000\u0000time\u0000fp1");
  });

  it("leaves out runs without a summary and gives nothing for no rows", () => {
    expect(historySeries([])).toEqual([]);
    expect(historySeries([row("a", 1, 1, { summary: null as unknown as Result["summary"] })])).toEqual([]);
  });
});

describe("ResultStore.refHistory on a real LanceDB folder", () => {
  it("reads main's ok runs without their samples, and nothing from other refs", async () => {
    const db = path.join(tempDir(), "db");
    const publish = (sha: string, timestamp: string, ref: string) =>
      runCliAsync([
        "publish",
        sample("cargo-criterion.jsonl"),
        "--db",
        db,
        "--sha",
        sha,
        "--dut-timestamp",
        timestamp,
        "--dut-version",
        "1.0.0",
        "--dut-name",
        "demo",
        "--ref",
        ref,
      ]);
    for (const [sha, time, ref] of [
      ["1".repeat(40), "1700000100", "main"],
      ["2".repeat(40), "1700000200", "main"],
      ["3".repeat(40), "1700000300", "refs/pull/7/merge"],
    ] as const) {
      const published = await publish(sha, time, ref);
      expect(published.code, published.stderr).toBe(0);
    }
    const store = await ResultStore.openExisting({ uri: db, log: () => {} });
    const rows = await store.refHistory("refs/heads/main");
    expect(new Set(rows.map((r) => r.sha))).toEqual(new Set(["1".repeat(40), "2".repeat(40)]));
    expect(rows.every((r) => !("values" in r))).toBe(true);
    const series = historySeries(rows);
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) expect(s.points.map((p) => p.time)).toEqual([1700000100, 1700000200]);
    expect(await store.refHistory("refs/heads/nothing-here")).toEqual([]);
  }, 60_000);
});
