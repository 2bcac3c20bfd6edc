import { describe, expect, it } from "vitest";
import { MIN_PACED_BENCHMARKS, paceRuns } from "../../src/stats/run-pace.js";

/** log value = level of the benchmark + pace of the run (+ an optional extra per cell). */
function suite(levels: number[], paces: Record<string, number>, extra: (b: number, run: string) => number = () => 0) {
  return levels.map(
    (level, b) => new Map(Object.entries(paces).map(([run, pace]) => [run, level + pace + extra(b, run)])),
  );
}

describe("paceRuns", () => {
  const levels = [1, 2.5, 3, 4.2, 5, 6.1, 7, 8.4];
  const paces = { a: 0, b: 0.1, c: -0.05, d: 0.2, e: 0.02 };

  it("recovers each run's pace exactly when runs differ by a pace alone", () => {
    const result = paceRuns(suite(levels, paces))!;
    const relative = (run: string) => result.suite.get(run)! - result.suite.get("a")!;
    for (const [run, pace] of Object.entries(paces)) {
      expect(relative(run)).toBeCloseTo(pace, 12);
      for (let b = 0; b < levels.length; b++) {
        expect(result.paceFor(b, run) - result.paceFor(b, "a")).toBeCloseTo(pace, 12);
      }
    }
  });

  it("leaves a benchmark's own change its own: it is paced by the others", () => {
    // benchmark 0 is 30% slower in run d; nothing else changed
    const cells = suite(levels, paces, (b, run) => (b === 0 && run === "d" ? Math.log(1.3) : 0));
    const result = paceRuns(cells)!;
    expect(result.paceFor(0, "d") - result.paceFor(0, "a")).toBeCloseTo(0.2, 12);
    // ... and the others' paces are not pulled towards it either
    for (let b = 1; b < levels.length; b++)
      expect(result.paceFor(b, "d") - result.paceFor(b, "a")).toBeCloseTo(0.2, 12);
  });

  it("is not moved by one wild benchmark in a run", () => {
    const cells = suite(levels, paces, (b, run) => (b === 3 && run === "b" ? 5 : 0));
    const result = paceRuns(cells)!;
    expect(result.suite.get("b")! - result.suite.get("a")!).toBeCloseTo(0.1, 12);
  });

  it("paces only runs where more than five benchmarks were measured", () => {
    const cells = suite(levels, paces);
    // run e measured only five benchmarks
    cells.forEach((row, b) => {
      if (b >= MIN_PACED_BENCHMARKS) row.delete("e");
    });
    const result = paceRuns(cells)!;
    expect(result.suite.has("e")).toBe(false);
    expect(result.paceFor(0, "e")).toBe(0);
    expect(result.paceFor(0, "d") - result.paceFor(0, "a")).toBeCloseTo(0.2, 12);
  });

  it("needs two runs to pace and more than five benchmarks in each", () => {
    expect(paceRuns(suite(levels, { a: 0 }))).toBeUndefined();
    expect(paceRuns(suite(levels.slice(0, MIN_PACED_BENCHMARKS), paces))).toBeUndefined();
  });
});
