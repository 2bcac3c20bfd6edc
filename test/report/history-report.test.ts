import { describe, expect, it } from "vitest";
import type { ChangePoint, Series, SeriesReport } from "../../src/model/index.js";
import { historyMarkdown, historyReport, historyText, newRegressions } from "../../src/report/history-report.js";

const sha = (i: number) => i.toString(16).padStart(40, "0");

function series(benchmark: string, points: number, direction: Series["direction"] = "lower_is_better"): Series {
  return {
    key: `${benchmark}\u0000time\u0000fp`,
    benchmark,
    metric: "time",
    units: "nanoseconds",
    direction,
    fingerprint: "fp",
    testBed: "box",
    points: Array.from({ length: points }, (_, i) => ({
      sha: sha(i + 1),
      time: 1000 + i,
      version: `1.0.0+${sha(i + 1).slice(0, 7)}`,
      median: 100,
      q1: 99,
      q3: 101,
      n: 1,
    })),
  };
}

const change = (index: number, before: number, after: number, verdict: ChangePoint["verdict"]): ChangePoint => ({
  index,
  lastGoodSha: sha(index),
  firstBadSha: sha(index + 1),
  before,
  after,
  relativeChange: (after - before) / before,
  interval: [((after - before) / before) * 0.8, ((after - before) / before) * 1.2],
  verdict,
  pValue: 0.0001,
  confidence: 0.9999,
});

describe("historyReport", () => {
  const reports: SeriesReport[] = [
    // an old regression (commit 5 of 40) and a new one (commit 38)
    {
      series: series("sort/1000", 40),
      changePoints: [change(4, 100, 120, "regression"), change(37, 120, 180, "regression")],
    },
    // a new improvement, and a bigger new regression in the same range as sort's
    {
      series: series("hash/64k", 40),
      changePoints: [change(37, 100, 300, "regression"), change(38, 300, 90, "improvement")],
    },
    { series: series("tiny", 3), changePoints: [], note: "3 points: change points need at least 8" },
  ];

  it("marks as new the change points whose first bad commit is among the newest commits", () => {
    const report = historyReport(reports, { ref: "refs/heads/main", recent: 5, generatedAt: 1 });
    expect(report).toMatchObject({ series: 3, points: 83, latestSha: sha(40) });
    expect(report.changes.map((c) => [c.benchmark, c.index, c.new])).toEqual([
      ["hash/64k", 38, true],
      ["sort/1000", 37, true],
      ["hash/64k", 37, true],
      ["sort/1000", 4, false],
    ]);
    // new regressions, largest first
    expect(newRegressions(report).map((c) => [c.benchmark, c.relativeChange])).toEqual([
      ["hash/64k", 2],
      ["sort/1000", 0.5],
    ]);
    expect(report.notes).toEqual([
      { benchmark: "tiny", metric: "time", testBed: "box", note: "3 points: change points need at least 8" },
    ]);
  });

  it("renders the new regressions with their commit ranges, as text and as markdown with compare links", () => {
    const report = historyReport(reports, { ref: "refs/heads/main", recent: 5, generatedAt: 1 });
    const text = historyText(report);
    expect(text.split("\n")[0]).toBe(
      "3 series, 83 points on refs/heads/main: 4 change points, 2 new regressions and 1 new improvement in the newest 5 commits",
    );
    expect(text).toMatch(
      /hash\/64k\s+time\s+box\s+\+200\.0%\s+\+160\.0% … \+240\.0%\s+100.0 ns → 300.0 ns\s+0000000\.\.0000000\s+>99\.9%/,
    );
    const markdown = historyMarkdown(report, (a, b) => `https://github.com/o/r/compare/${a}...${b}`);
    expect(markdown).toContain(`[0000000..0000000](https://github.com/o/r/compare/${sha(37)}...${sha(38)})`);
    expect(markdown).toContain("<details><summary>1 series not judged</summary>");
  });

  it("says there is no history yet for an empty store", () => {
    const report = historyReport([], { ref: "refs/heads/main", recent: 10, generatedAt: 1 });
    expect(report.empty).toBe("no refs/heads/main history yet: nothing to report");
    expect(historyText(report)).toBe("no refs/heads/main history yet: nothing to report");
  });
});
