import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { describe, expect, it } from "vitest";
import { gaussian, loadProfile, profileSeries, shaOf, type Step } from "../../bench/series.js";
import type { Direction, Series } from "../../src/model/index.js";
import {
  DEFAULT_CHANGE_POINT_SETTINGS,
  detectChangePoints,
  detectIncremental,
  minimumPoints,
} from "../../src/stats/change-points.js";
import { findModes } from "../../src/stats/noise.js";

/** A series with log-normal run-to-run noise `cv`, within-run relative IQR `iqr`, and planted steps. */
function logNormalSeries(
  rng: RandomGenerator,
  length: number,
  steps: readonly Step[],
  options: { cv?: number; iqr?: number; direction?: Direction; level?: (i: number) => number } = {},
): Series {
  const cv = options.cv ?? 0.02;
  const iqr = options.iqr ?? 0.01;
  let factor = 1;
  const points = Array.from({ length }, (_, i) => {
    for (const step of steps) if (step.index === i) factor *= step.factor;
    const median = (options.level?.(i) ?? 100) * factor * Math.exp(cv * gaussian(rng));
    return {
      sha: shaOf(i),
      time: 1_700_000_000 + i * 60,
      version: `1.0.0+${shaOf(i).slice(-7)}`,
      median,
      q1: median * (1 - iqr / 2),
      q3: median * (1 + iqr / 2),
      n: 100,
    };
  });
  return {
    key: "b\u0000time\u0000fp",
    benchmark: "b",
    metric: "time",
    units: "ns",
    direction: options.direction ?? "lower_is_better",
    fingerprint: "fp",
    testBed: "bed",
    points,
  };
}

const profile = loadProfile();
const fast = { ...DEFAULT_CHANGE_POINT_SETTINGS, resamples: 0 };

describe("detectChangePoints", () => {
  it("finds planted steps within ±2 commits and fills the change point", () => {
    const rng = xoroshiro128plus(7);
    for (let trial = 0; trial < 20; trial++) {
      const at = 40 + trial * 7;
      const factor = trial % 2 === 0 ? 1.2 : 0.85;
      const series = logNormalSeries(rng, 300, [{ index: at, factor }]);
      const { changePoints, note } = detectChangePoints(series);
      expect(note).toBeUndefined();
      expect(changePoints).toHaveLength(1);
      const cp = changePoints[0]!;
      expect(Math.abs(cp.index - at)).toBeLessThanOrEqual(2);
      expect(cp.lastGoodSha).toBe(series.points[cp.index - 1]!.sha);
      expect(cp.firstBadSha).toBe(series.points[cp.index]!.sha);
      expect(cp.relativeChange).toBeCloseTo(factor - 1, 1);
      expect(cp.relativeChange).toBeCloseTo(cp.after / cp.before - 1, 12);
      expect(cp.interval[0]).toBeLessThanOrEqual(cp.relativeChange);
      expect(cp.interval[1]).toBeGreaterThanOrEqual(cp.relativeChange);
      expect(cp.pValue).toBeLessThanOrEqual(DEFAULT_CHANGE_POINT_SETTINGS.alpha);
      expect(cp.confidence).toBeCloseTo(1 - cp.pValue, 12);
    }
  });

  it("finds several steps in one series, in order", () => {
    const rng = xoroshiro128plus(3);
    const planted = [60, 150, 260];
    const series = logNormalSeries(rng, 400, [
      { index: 60, factor: 1.3 },
      { index: 150, factor: 0.8 },
      { index: 260, factor: 1.5 },
    ]);
    const found = detectChangePoints(series).changePoints.map((c) => c.index);
    expect(found).toHaveLength(3);
    found.forEach((index, i) => expect(Math.abs(index - planted[i]!)).toBeLessThanOrEqual(2));
  });

  it("finds 50% steps in the measured noise profile (bimodal benchmarks included)", () => {
    const rng = xoroshiro128plus(11);
    let hits = 0;
    let found = 0;
    const trials = 40;
    for (let k = 0; k < trials; k++) {
      const at = 100 + ((k * 13) % 200);
      const series = profileSeries(rng, profile.benchmarks[k % profile.benchmarks.length]!, 400, [
        { index: at, factor: 1.5 },
      ]);
      const cps = detectChangePoints(series, fast).changePoints;
      found += cps.length;
      if (cps.some((c) => Math.abs(c.index - at) <= 2)) hits++;
    }
    expect(hits / trials).toBeGreaterThanOrEqual(0.8);
    expect(hits / found).toBeGreaterThanOrEqual(0.8);
  });

  it("raises no change on flat series with the measured noise at a realistic rate", () => {
    const rng = xoroshiro128plus(5);
    const bimodal = profile.benchmarks.filter((b) => findModes(b.relative_run_medians));
    expect(bimodal.length).toBeGreaterThan(0);
    let falseChanges = 0;
    let points = 0;
    for (let k = 0; k < 100; k++) {
      const shape = k % 2 === 0 ? bimodal[k % bimodal.length]! : profile.benchmarks[k % profile.benchmarks.length]!;
      const series = profileSeries(rng, shape, 300, []);
      falseChanges += detectChangePoints(series, fast).changePoints.length;
      points += 300;
    }
    // Otava raises about one per 1,000 steady points (measured; docs/architecture.md)
    expect(falseChanges / points).toBeLessThan(1 / 3000);
  });

  it("does not flag a series that alternates between two levels, and flags a shift of both levels", () => {
    const rng = xoroshiro128plus(9);
    const twoLevels = (shift: number) =>
      logNormalSeries(rng, 300, [], {
        cv: 0.01,
        level: (i) => {
          // runs of slow and fast points of random lengths, as a noisy neighbour does
          const slow = Math.sin(i * 0.7) + Math.sin(i * 0.23) > 0.6;
          return (slow ? 200 : 100) * (i >= 150 ? 1 + shift : 1);
        },
      });
    expect(detectChangePoints(twoLevels(0), fast).changePoints).toEqual([]);
    const shifted = detectChangePoints(twoLevels(0.3), fast).changePoints;
    expect(shifted.map((c) => c.index)).toEqual([150]);
  });

  it("does not report a shift smaller than the runs' own within-run error", () => {
    const rng = xoroshiro128plus(13);
    // 3% step, runs that agree to 0.3%; but each run's median is only known to ±10% (IQR 60%, 20 samples)
    const steps = [{ index: 100, factor: 1.03 }];
    const quietRuns = logNormalSeries(rng, 200, steps, { cv: 0.003, iqr: 0.01 });
    expect(detectChangePoints(quietRuns, fast).changePoints.map((c) => c.index)).toEqual([100]);
    const noisyRuns = logNormalSeries(rng, 200, steps, { cv: 0.003, iqr: 0.6 });
    noisyRuns.points.forEach((p) => (p.n = 20));
    expect(detectChangePoints(noisyRuns, fast).changePoints).toEqual([]);
  });

  it("gives direction-aware verdicts", () => {
    const rng = xoroshiro128plus(17);
    const verdict = (direction: Direction, factor: number) =>
      detectChangePoints(logNormalSeries(rng, 120, [{ index: 60, factor }], { direction }), fast).changePoints[0]!
        .verdict;
    expect(verdict("lower_is_better", 1.3)).toBe("regression");
    expect(verdict("lower_is_better", 0.7)).toBe("improvement");
    expect(verdict("higher_is_better", 1.3)).toBe("improvement");
    expect(verdict("higher_is_better", 0.7)).toBe("regression");
  });

  it("says how many points it needs when a series has too few", () => {
    const rng = xoroshiro128plus(19);
    const needed = minimumPoints();
    const short = detectChangePoints(logNormalSeries(rng, needed - 1, []));
    expect(short.changePoints).toEqual([]);
    expect(short.note).toContain(`at least ${needed}`);
    expect(short.note).toContain(`${needed - 1} run(s)`);
    expect(detectChangePoints(logNormalSeries(rng, needed, [])).note).toBeUndefined();
    // and growing one past the minimum detects as a full pass does
    const grown = detectIncremental(short, logNormalSeries(rng, 1, []).points);
    expect(grown.note).toBeUndefined();
  });

  it("says so when a run median is zero or negative, appended or not", () => {
    const rng = xoroshiro128plus(31);
    const series = logNormalSeries(rng, 40, []);
    const zero = { ...series, points: series.points.map((p, i) => (i === 30 ? { ...p, median: 0 } : p)) };
    expect(detectChangePoints(zero).note).toContain("zero or negative");
    const first = detectChangePoints({ ...zero, points: zero.points.slice(0, 30) });
    expect(first.note).toBeUndefined();
    const appended = detectIncremental(first, zero.points.slice(30));
    expect(appended).toEqual(detectChangePoints(zero));
  });

  it("is deterministic", () => {
    const series = profileSeries(xoroshiro128plus(23), profile.benchmarks[1]!, 300, [{ index: 150, factor: 1.1 }]);
    expect(detectChangePoints(series)).toEqual(detectChangePoints(series));
  });
});

describe("detectIncremental", () => {
  it("equals a full recompute on random series appended in random chunks (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 260 }),
        fc.array(fc.record({ at: fc.nat(259), factor: fc.double({ min: 0.5, max: 2, noNaN: true }) }), {
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: profile.benchmarks.length }),
        (seed, length, steps, chunks, shape) => {
          const rng = xoroshiro128plus(seed);
          const planted = steps.map((s) => ({ index: s.at, factor: s.factor }));
          const whole =
            shape === profile.benchmarks.length
              ? logNormalSeries(rng, length, planted, { cv: 0.05 })
              : profileSeries(rng, profile.benchmarks[shape]!, length, planted);
          const full = detectChangePoints(whole, fast);
          let cut = Math.max(0, length - chunks.reduce((a, b) => a + b, 0));
          let detection = detectChangePoints({ ...whole, points: whole.points.slice(0, cut) }, fast);
          for (const chunk of chunks) {
            const next = Math.min(length, cut + chunk);
            detection = detectIncremental(detection, whole.points.slice(cut, next), fast);
            cut = next;
          }
          expect(detection).toEqual(full);
        },
      ),
      { numRuns: 150, seed: 42 },
    );
  });

  it("equals a full recompute point by point, with intervals, across confirmed changes", () => {
    const rng = xoroshiro128plus(29);
    const whole = logNormalSeries(rng, 200, [
      { index: 50, factor: 1.2 },
      { index: 120, factor: 0.9 },
    ]);
    const first = { ...whole, points: whole.points.slice(0, 10) };
    let detection = detectChangePoints(first);
    for (let i = 10; i < whole.points.length; i++) {
      detection = detectIncremental(detection, [whole.points[i]!]);
      if (i % 20 === 0)
        expect(detection).toEqual(detectChangePoints({ ...whole, points: whole.points.slice(0, i + 1) }));
    }
    expect(detection).toEqual(detectChangePoints(whole));
    expect(detection.state.confirmed.map((c) => c.index)).toEqual(detection.changePoints.map((c) => c.index));
    expect(JSON.parse(JSON.stringify(detection.state))).toEqual(detection.state);
    // the detection grew its own copy of the points, never the caller's series
    expect(first.points).toHaveLength(10);
    expect(whole.points).toHaveLength(200);
  });
});
