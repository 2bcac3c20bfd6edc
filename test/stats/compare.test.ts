import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { ratioOfMediansInterval } from "../../src/stats/bootstrap.js";
import { compareSuite, type CompareSettings, type ComparisonInput } from "../../src/stats/compare.js";
import { benjaminiHochberg } from "../../src/stats/fdr.js";
import { fitTails, leaveOneOutResiduals, predictionFactor } from "../../src/stats/run-tails.js";
import { mannWhitneyU } from "../../src/stats/mann-whitney.js";
import { medianInPlace } from "../../src/stats/median.js";
import { findModes } from "../../src/stats/noise.js";
import {
  detectableChange,
  moderated,
  noisePrior,
  pooledSpread,
  PRIOR_DF,
  runsToSettle,
} from "../../src/stats/run-noise.js";

// Reference values from SciPy 1.x (python -m pip install scipy):
//   scipy.stats.mannwhitneyu(x, y, alternative="two-sided")  and  scipy.stats.false_discovery_control(p)
describe("Mann-Whitney U", () => {
  it("matches SciPy: exact without ties, normal with tie and continuity corrections", () => {
    expect(mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toEqual({ u: 0, p: 0.007936507936507936, method: "exact" });
    const mixed = mannWhitneyU([1.1, 2.3, 3.2, 4.8, 5.5, 7.1], [2.0, 3.9, 6.2, 8.4, 9.0, 9.9, 10.5]);
    expect(mixed.u).toBe(9);
    expect(mixed.p).toBeCloseTo(0.10139860139860139, 12);
    const ties = mannWhitneyU([1, 2, 2, 3, 4, 5, 6, 7, 8, 9], [2, 3, 4, 10, 11, 12, 13, 14, 15, 16]);
    expect(ties.method).toBe("normal");
    expect(ties.u).toBe(20);
    expect(Math.abs(ties.p / 0.02541488513487454 - 1)).toBeLessThan(1e-6);
    const x = Array.from({ length: 60 }, (_, i) => (i * 1.3) % 7);
    const y = Array.from({ length: 60 }, (_, i) => ((i * 1.7) % 9) + 0.5);
    const large = mannWhitneyU(x, y);
    expect(large.u).toBe(1254.5);
    expect(Math.abs(large.p / 0.0042287655972109055 - 1)).toBeLessThan(1e-6);
  });

  it("is symmetric, gives p = 1 for identical samples, and refuses an empty side", () => {
    const a = [3, 1, 4, 1.5, 9, 2.6];
    const b = [5, 3.5, 8, 9.7, 7.9];
    expect(mannWhitneyU(a, b).p).toBeCloseTo(mannWhitneyU(b, a).p, 12);
    expect(mannWhitneyU([2, 2, 2], [2, 2, 2]).p).toBe(1);
    expect(() => mannWhitneyU([], [1])).toThrow();
  });

  it("holds its level: about 5% of A/A comparisons have p < 0.05", () => {
    const rng = xoroshiro128plus(7);
    let rejected = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const draw = () => Array.from({ length: 30 }, () => Math.exp(0.05 * (uniformFloat64(rng) - 0.5)));
      if (mannWhitneyU(draw(), draw()).p < 0.05) rejected++;
    }
    expect(rejected / trials).toBeGreaterThan(0.03);
    expect(rejected / trials).toBeLessThan(0.07);
  });
});

describe("Benjamini-Hochberg", () => {
  it("matches SciPy's false_discovery_control", () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.5, 0.001, 0.2]);
    [0.03, 0.06, 0.06, 0.5, 0.006, 0.24].forEach((expected, i) => expect(q[i]).toBeCloseTo(expected, 12));
    expect(benjaminiHochberg([])).toEqual([]);
    expect(benjaminiHochberg([0.2])).toEqual([0.2]);
  });
});

describe("medians and intervals", () => {
  it("selects the same median as sorting, for odd and even counts", () => {
    const rng = xoroshiro128plus(3);
    for (let n = 1; n < 40; n++) {
      const values = Array.from({ length: n }, () => Math.round(uniformFloat64(rng) * 10));
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
      expect(medianInPlace(Float64Array.from(values))).toBe(expected);
    }
  });

  it("bootstraps an interval that holds the true ratio about 95% of the time", () => {
    const rng = xoroshiro128plus(11);
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const draw = (level: number) => Array.from({ length: 30 }, () => level * Math.exp(0.03 * gaussian(rng)));
      const { low, high } = ratioOfMediansInterval(draw(100), draw(105), { confidence: 0.95, resamples: 500, seed: t });
      if (low <= 1.05 && 1.05 <= high) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
  });

  it("uses order statistics for very large sides, centred on the ratio", () => {
    const base = Array.from({ length: 5000 }, (_, i) => 100 + (i % 50) / 10);
    const head = base.map((v) => v * 1.1);
    const interval = ratioOfMediansInterval(base, head, { confidence: 0.95, resamples: 1000, seed: 1 });
    expect(interval.method).toBe("order-statistics");
    expect(interval.low).toBeLessThan(1.1);
    expect(interval.high).toBeGreaterThan(1.1);
    expect(interval.high - interval.low).toBeLessThan(0.01);
    // at any confidence: its width follows the normal quantile of the level (80%: 1.28 vs 1.96)
    const logWidth = (confidence: number) => {
      const { low, high } = ratioOfMediansInterval(base, head, { confidence, resamples: 1000, seed: 1 });
      return Math.log(high) - Math.log(low);
    };
    expect(logWidth(0.8) / logWidth(0.95)).toBeCloseTo(1.2816 / 1.96, 3);
    expect(logWidth(0.999) / logWidth(0.95)).toBeCloseTo(3.2905 / 1.96, 3);
  });
});

describe("noise", () => {
  it("finds two levels (json.dumps jumps about 2× between runs on shared runners) and not one noisy level", () => {
    const modes = findModes([0.58, 0.6, 1.0, 1.02, 1.16, 0.59, 1.1, 1.0]);
    expect(modes).toBeDefined();
    expect(modes!.low).toBeCloseTo(0.59, 2);
    expect(modes!.high).toBeGreaterThan(1);
    expect(findModes([0.97, 1.0, 1.02, 1.04, 0.99, 1.01, 0.98, 1.0])).toBeUndefined();
    expect(findModes([1, 1, 1, 5])).toBeUndefined(); // one outlier is not a mode
  });

  it("pools run-to-run spread within groups, never across their levels", () => {
    // two groups 10% apart, each with the same spread: pooling keeps the spread, not the gap
    const low = [1, 1.02, 0.98].map(Math.log);
    const high = [1.1, 1.122, 1.078].map(Math.log);
    const pooled = pooledSpread([low, high, [Math.log(5)]]);
    expect(pooled.df).toBe(4); // a lone run adds no freedom
    expect(pooled.spread).toBeCloseTo(pooledSpread([low]).spread, 3);
    expect(pooledSpread([[1], [2]]).df).toBe(0);
  });

  it("tempers a benchmark's noise with the suite's, and only ever raises it", () => {
    const prior = noisePrior([
      { spread: 0.1, df: 4 },
      { spread: 0.2, df: 4 },
      { spread: 0.3, df: 9 },
      { spread: 0.01, df: 1 }, // too little to count
    ])!;
    expect(prior).toBeCloseTo(0.04, 10); // the median variance
    expect(noisePrior([{ spread: 0.1, df: 4 }])).toBeUndefined();
    const quietByChance = moderated({ spread: 0.02, df: 4 }, prior);
    expect(quietByChance.df).toBe(4 + PRIOR_DF);
    expect(quietByChance.spread).toBeCloseTo(Math.sqrt((4 * 0.0004 + PRIOR_DF * 0.04) / (4 + PRIOR_DF)), 10);
    expect(moderated({ spread: 0.5, df: 4 }, prior)).toEqual({ spread: 0.5, df: 4 });
  });

  it("judges each run of main against the others, and fits how heavy their tails are", () => {
    const logs = [100, 102, 98, 101, 150].map(Math.log);
    const residuals = leaveOneOutResiduals(logs);
    const others = logs.slice(0, 4);
    const sd = Math.sqrt(others.reduce((a, v) => a + (v - others.reduce((x, y) => x + y) / 4) ** 2, 0) / 3);
    const centre = (Math.log(100) + Math.log(101)) / 2; // median of the four others
    expect(residuals[4]).toBeCloseTo((Math.log(150) - centre) / (sd * predictionFactor(4)), 10);
    expect(leaveOneOutResiduals([1, 2, 3].map(Math.log))).toEqual([]);

    const rng = xoroshiro128plus(7);
    const normal = Array.from({ length: 2000 }, () => gaussian(rng));
    const contaminated = normal.map((z, i) => (i % 5 === 0 ? z + 25 : z)); // a fifth of runs far off
    expect(fitTails(normal)!.df).toBeGreaterThanOrEqual(20);
    expect(fitTails(normal)!.scale).toBeGreaterThan(0.9);
    expect(fitTails(contaminated)!.df).toBeLessThanOrEqual(2);
    expect(fitTails(normal.slice(0, 19))).toBeUndefined();
  });

  it("gives the smallest detectable change and the runs that would settle a smaller one", () => {
    // 2% noise, 20 runs of history against 1 head run, alpha 0.05: (t.975 + t.8) · 0.02 · √(1 + 1/20)
    const noise = { spread: 0.02, df: 19 };
    expect(detectableChange(noise, 20, 1, 0.05)).toBeCloseTo(Math.expm1((2.093 + 0.861) * 0.02 * Math.sqrt(1.05)), 3);
    expect(detectableChange(noise, 20, 10, 0.05)).toBeLessThan(detectableChange(noise, 20, 1, 0.05));
    // 4% needs more head runs against the same history; 0.1% is beyond any reasonable count
    const needed = runsToSettle(Math.log(1.04), noise, 20, 1, 0.05, true)!;
    expect(needed.side).toBe("head");
    expect(
      Math.log1p(detectableChange({ spread: 0.02, df: 19 + needed.runs - 1 }, 20, needed.runs, 0.05)),
    ).toBeLessThanOrEqual(Math.log(1.04));
    expect(
      Math.log1p(detectableChange({ spread: 0.02, df: 19 + needed.runs - 2 }, 20, needed.runs - 1, 0.05)),
    ).toBeGreaterThan(Math.log(1.04));
    expect(runsToSettle(Math.log(1.001), noise, 20, 1, 0.05, true)).toBeNull();
    expect(runsToSettle(Math.log(1.05), { spread: 0.03, df: 2 }, 2, 2, 0.05, false)).toMatchObject({ side: "each" });
  });
});

function gaussian(rng: ReturnType<typeof xoroshiro128plus>): number {
  const u = 1 - uniformFloat64(rng);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniformFloat64(rng));
}

const SETTINGS: CompareSettings = {
  fdr: 0.05,
  minSamples: 5,
  confidence: 0.95,
  resamples: 500,
  policyFor: () => ({ threshold: 0.02, muted: false }),
};

function side(level: number, runs: number, perRun: number, seed: number, cv = 0.01) {
  const rng = xoroshiro128plus(seed);
  return {
    runs: Array.from({ length: runs }, () =>
      Array.from({ length: perRun }, () => level * Math.exp(cv * gaussian(rng))),
    ),
    units: "nanoseconds",
  };
}

/** One run per value: `values` are run medians, each run given a few samples around it. */
const runs = (values: readonly number[], units = "nanoseconds") => ({
  runs: values.map((v) => [v * 0.999, v, v * 1.001]),
  units,
});

const input = (name: string, extra: Partial<ComparisonInput>): ComparisonInput => ({
  name,
  metric: "time",
  direction: "lower_is_better",
  ...extra,
});

const HISTORY = [100, 103, 98, 101, 99, 102, 97, 100.5];

describe("compareSuite: one head run against main's history (prediction)", () => {
  it("matches SciPy's prediction interval on log run medians", () => {
    // 2 · scipy.stats.t.sf(|t|, n − 1) with t = (log y − median) / (sd · √(1 + π/2n)) on the logs
    // (the median of n normal values varies π/2 times as much as their mean)
    const [row] = compareSuite(
      [input("p", { base: runs(HISTORY), head: runs([104]), baseIsHistory: true })],
      SETTINGS,
    ).benchmarks;
    expect(row!.method).toBe("prediction");
    expect(row!.p).toBeCloseTo(0.1385574680002112, 6);
    expect(row!.ratio).toBeCloseTo(1.037409709551938, 8);
    expect(row!.interval!.low).toBeCloseTo(0.9848838809979004, 6);
    expect(row!.interval!.high).toBeCloseTo(1.0927368456697593, 6);
    expect(row!.noise).toMatchObject({ df: 7, source: "history" });
    expect(row!.base).toMatchObject({ runs: 8, observations: 8 });
    // +4% is beyond the 2% threshold but inside main's ±2% a run: not flagged, and says what would settle it
    expect(row!.verdict).toBe("inconclusive");
    expect(row!.reason).toMatch(
      /within the run-to-run noise \(2\.\d% a run, detectable from \d+\.\d%\); about \d+ head runs would settle it/,
    );
    expect(row!.runsNeeded).toMatchObject({ side: "head" });
  });

  it("flags a clear slowdown, and never a head inside the range of main's own runs", () => {
    const withSlowRun = [...HISTORY, 160]; // one run of main slowed by a neighbour
    const result = compareSuite(
      [
        input("doubled", { base: runs(withSlowRun), head: runs([200]), baseIsHistory: true }),
        input("as-slow-as-main-was", { base: runs(withSlowRun), head: runs([150]), baseIsHistory: true }),
        input("same", { base: runs(withSlowRun), head: runs([101]), baseIsHistory: true }),
      ],
      SETTINGS,
    );
    const [doubled, asSlow, same] = result.benchmarks;
    expect(doubled!.verdict).toBe("regressed");
    // centred on main's median, so the slow run moves nothing
    expect(doubled!.base!.center).toBeCloseTo(100.5, 6);
    expect(asSlow!.verdict).not.toBe("regressed");
    expect(same!.verdict).toBe("unchanged");
    expect(result.headRunShift).toBeNull();
    // a quiet benchmark in a quiet suite: +30% is far outside main's runs
    const quiet = (name: string, head: number) =>
      input(name, { base: runs(HISTORY), head: runs([head]), baseIsHistory: true });
    const quietSuite = compareSuite([quiet("slower", 130), quiet("a", 100), quiet("b", 101), quiet("c", 99)], SETTINGS);
    expect(quietSuite.benchmarks.map((b) => b.verdict)).toEqual(["regressed", "unchanged", "unchanged", "unchanged"]);
  });

  it("knows a bimodal history: a head at either level, or between them, is no change", () => {
    const bimodal = [2.86, 21.9, 2.9, 2.84, 22.1, 2.88, 21.7, 2.87, 22.0, 2.85].map((ms) => ms * 1e6);
    const result = compareSuite(
      [
        input("high", { base: runs(bimodal), head: runs([21.95e6]), baseIsHistory: true }),
        input("low", { base: runs(bimodal), head: runs([2.87e6]), baseIsHistory: true }),
        input("between", { base: runs(bimodal), head: runs([3.4e6]), baseIsHistory: true }),
      ],
      SETTINGS,
    );
    expect(result.benchmarks.map((b) => b.verdict)).not.toContain("regressed");
    expect(result.benchmarks.map((b) => b.verdict)).not.toContain("improved");
  });

  it("does not flag a head run that moved a third of the suite at once (a busy machine)", () => {
    const inputs = Array.from({ length: 9 }, (_, i) =>
      input(`b${i}`, { base: runs(HISTORY), head: runs([i < 4 ? 150 : 100]), baseIsHistory: true }),
    );
    const result = compareSuite(inputs, SETTINGS);
    expect(result.headRunShift).toEqual({ direction: "slower", benchmarks: 4, of: 9 });
    expect(result.counts.regressed).toBe(0);
    expect(result.benchmarks[0]!.reason).toMatch(/^the head run was slower across the suite \(4 of 9 benchmarks\)/);
    // two of nine moved: a change in the code, flagged
    const two = compareSuite(
      inputs.map((b, i) => ({ ...b, head: runs([i < 2 ? 150 : 100]) })),
      SETTINGS,
    );
    expect(two.counts.regressed).toBe(2);
  });

  it("is inconclusive with too little history, and says how many runs it needs", () => {
    const [row] = compareSuite(
      [input("short", { base: runs([100, 101]), head: runs([150]), baseIsHistory: true })],
      SETTINGS,
    ).benchmarks;
    expect(row!.verdict).toBe("inconclusive");
    expect(row!.reason).toBe("2 run(s) in main's history: too few to know the run-to-run noise; 3 are needed");
    expect(row!.ratio).toBeCloseTo(150 / Math.sqrt(100 * 101), 6);
  });
});

describe("compareSuite: one run against one run", () => {
  it("never judges from within-run samples: inconclusive however many samples, however large the change", () => {
    const many = (level: number, seed: number) => side(level, 1, 5000, seed, 0.01);
    const [row] = compareSuite([input("files", { base: many(100, 1), head: many(150, 2) })], SETTINGS).benchmarks;
    expect(row!.verdict).toBe("inconclusive");
    expect(row!.p).toBeNull();
    expect(row!.reason).toMatch(/^one run a side, and main's history does not know/);
    expect(row!.ratio).toBeCloseTo(1.5, 2);
  });

  it("uses main's run-to-run noise when the store knows it (SciPy reference)", () => {
    const noise = [[50, 51, 49, 50.5, 49.5, 50.2]];
    const result = compareSuite(
      [
        input("known", { base: runs([100]), head: runs([110]), noise }),
        input("small", { base: runs([100]), head: runs([100.5]), noise }),
      ],
      SETTINGS,
    );
    const [known, small] = result.benchmarks;
    expect(known!.method).toBe("t-test");
    expect(known!.p).toBeCloseTo(0.005186898159613482, 6);
    expect(known!.noise).toMatchObject({ df: 5, source: "history" });
    expect(known!.verdict).toBe("regressed");
    expect(small!.verdict).toBe("unchanged");
  });
});

describe("compareSuite: a few runs a side (t test on log run medians)", () => {
  it("matches SciPy's two-sample t test", () => {
    const [row] = compareSuite(
      [input("t", { base: runs([100, 104, 97]), head: runs([110, 113, 108]) })],
      SETTINGS,
    ).benchmarks;
    expect(row!.method).toBe("t-test");
    expect(row!.p).toBeCloseTo(0.016725368796093557, 6);
    expect(row!.ratio).toBeCloseTo(1.0999254990035117, 8);
    expect(row!.noise).toMatchObject({ df: 4, source: "runs" });
    expect(row!.base!.center).toBeCloseTo(Math.cbrt(100 * 104 * 97), 6);
  });

  it("with two runs a side calls +98% and leaves +3% inconclusive with the repetitions that would settle it", () => {
    const result = compareSuite(
      [
        input("doubled", { base: runs([100, 101]), head: runs([198, 199]) }),
        input("slight", { base: runs([100, 102]), head: runs([103, 105.5]) }),
        input("steady", { base: runs([100, 101]), head: runs([99.5, 101.5]) }),
      ],
      SETTINGS,
    );
    const [doubled, slight, steady] = result.benchmarks;
    expect(doubled!.verdict).toBe("regressed");
    expect(slight!.verdict).toBe("inconclusive");
    expect(slight!.runsNeeded).toMatchObject({ side: "each" });
    expect(slight!.reason).toMatch(/about \d+ runs a side would settle it/);
    expect(steady!.verdict).toBe("unchanged");
    expect(steady!.mde).toBeGreaterThan(0);
  });

  it("uses the rank test on run medians when both sides have many runs", () => {
    const [row] = compareSuite(
      [input("ab", { base: side(100, 10, 20, 1, 0.01), head: side(110, 10, 20, 2, 0.01) })],
      SETTINGS,
    ).benchmarks;
    expect(row!.method).toBe("rank-test");
    expect(row!.verdict).toBe("regressed");
    expect(row!.base!.observations).toBe(10);
  });

  it("a metric without run-to-run noise (a count) flags any change beyond the threshold", () => {
    const result = compareSuite(
      [
        input("count", { base: runs([1000, 1000, 1000]), head: runs([1100, 1100, 1100]) }),
        input("same-count", { base: runs([1000, 1000, 1000]), head: runs([1000, 1000, 1000]) }),
      ],
      SETTINGS,
    );
    expect(result.benchmarks.map((b) => b.verdict)).toEqual(["regressed", "unchanged"]);
  });
});

describe("compareSuite: the suite", () => {
  it("orients throughput, lists added and removed, and refuses other units or another machine", () => {
    const result = compareSuite(
      [
        input("throughput-up", {
          metric: "throughput",
          direction: "higher_is_better",
          base: runs([100, 101, 99]),
          head: runs([130, 131, 129]),
        }),
        input("new", { head: runs([1]) }),
        input("gone", { base: runs([1]) }),
        input("units", { base: runs([1, 2, 3]), head: runs([1, 2, 3], "milliseconds") }),
        input("machine", { base: runs([1, 2, 3]), head: runs([1, 2, 3]), incomparable: "measured on another machine" }),
      ],
      SETTINGS,
    );
    expect(result.benchmarks.map((b) => b.verdict)).toEqual([
      "improved",
      "added",
      "removed",
      "inconclusive",
      "inconclusive",
    ]);
    expect(result.benchmarks[3]!.reason).toMatch(/units differ/);
    expect(result.benchmarks[4]!.reason).toMatch(/another machine/);
    expect(result.geometricMean!.count).toBe(1);
  });

  it("keeps a muted benchmark's numbers but never counts it as a regression", () => {
    const result = compareSuite([input("noisy", { base: runs([100, 101, 99]), head: runs([130, 131, 129]) })], {
      ...SETTINGS,
      policyFor: () => ({ threshold: 0.02, muted: true, reason: "flaky" }),
    });
    expect(result.benchmarks[0]).toMatchObject({ verdict: "regressed", muted: true, reason: "muted: flaky" });
    expect(result.counts).toMatchObject({ regressed: 0, muted: 1 });
  });

  it("on a machine where a fifth of runs land far off, one slow head run is not a regression", () => {
    const rng = xoroshiro128plus(11);
    // 40 benchmarks with 20 runs of main: quiet at ±2%, but 20% of runs slowed 1.3–2.3×
    const run = () =>
      100 * Math.exp(0.02 * gaussian(rng)) * (uniformFloat64(rng) < 0.2 ? 1.3 + uniformFloat64(rng) : 1);
    const quiet = () => 100 * Math.exp(0.02 * gaussian(rng));
    const suite = (slowHead: number) =>
      Array.from({ length: 40 }, (_, i) =>
        input(`b${i}`, {
          base: runs(Array.from({ length: 20 }, run)),
          head: runs([i === 0 ? slowHead : quiet()]),
          baseIsHistory: true,
        }),
      );
    const busy = compareSuite(suite(170), SETTINGS);
    expect(busy.benchmarks[0]!.noise!.tails!.df).toBeLessThanOrEqual(3);
    expect(busy.counts.regressed).toBe(0);
    // the same +70% on a machine whose runs never land far off is a regression
    const calm = compareSuite(
      Array.from({ length: 40 }, (_, i) =>
        input(`b${i}`, {
          base: runs(Array.from({ length: 20 }, quiet)),
          head: runs([i === 0 ? 170 : quiet()]),
          baseIsHistory: true,
        }),
      ),
      SETTINGS,
    );
    expect(calm.benchmarks[0]!.verdict).toBe("regressed");
    expect(calm.counts.regressed + calm.counts.improved).toBe(1);
  });

  it("judges a harness's process measurements as their own family: they take no power from the benchmarks", () => {
    // five runs a side: the rank test's smallest p is 2/252, which clears BH at 0.05 among six
    // benchmarks (q 0.048) but not among nine (q 0.071)
    const level = (i: number, shift: number) => [100, 101, 99, 102, 98].map((v) => v * (1 + i / 100) * shift);
    const benchmarks = Array.from({ length: 6 }, (_, i) =>
      input(`b${i}`, { base: runs(level(i, 1)), head: runs(level(i, i === 0 ? 2 : 1)) }),
    );
    const processes = (family: ComparisonInput["family"]) =>
      ["wall_time", "cpu_time", "peak_rss"].map((metric, i) => ({
        ...input("cargo-bench/demo", { base: runs(level(i, 1)), head: runs(level(i, 1.001)) }),
        metric,
        ...(family === undefined ? {} : { family }),
      }));
    const apart = compareSuite([...benchmarks, ...processes("process")], SETTINGS);
    expect(apart.benchmarks[0]).toMatchObject({ verdict: "regressed", method: "rank-test" });
    expect(apart.benchmarks[0]!.q).toBeCloseTo((2 / 252) * 6, 6);
    expect(apart.benchmarks.slice(6).every((b) => b.family === "process" && b.verdict === "unchanged")).toBe(true);
    // the geometric mean is the benchmarks' alone
    expect(apart.geometricMean!.count).toBe(6);
    // counted among the benchmarks, they would have hidden the regression
    const together = compareSuite([...benchmarks, ...processes(undefined)], SETTINGS);
    expect(together.benchmarks[0]!.q).toBeCloseTo((2 / 252) * 9, 6);
    expect(together.benchmarks[0]!.verdict).toBe("inconclusive");
  });

  it("controls false discoveries: 200 clean benchmarks, one head run against 10 runs of main, rarely alarm", () => {
    let suitesWithAlarm = 0;
    const rng = xoroshiro128plus(2026); // one stream: generators seeded 0, 1, 2, … start correlated
    for (let s = 0; s < 40; s++) {
      const inputs = Array.from({ length: 200 }, (_, i) => {
        const run = () => 100 * Math.exp(0.03 * gaussian(rng));
        return input(`b${i}`, {
          base: runs(Array.from({ length: 10 }, run)),
          head: runs([run()]),
          baseIsHistory: true,
        });
      });
      const result = compareSuite(inputs, { ...SETTINGS, policyFor: () => ({ threshold: 0, muted: false }) });
      if (result.counts.regressed + result.counts.improved > 0) suitesWithAlarm++;
    }
    expect(suitesWithAlarm).toBeLessThanOrEqual(5); // 5% of 40 is 2; BH at 0.05 allows about that
  });
});

describe("compareSuite: runs paced across the suite (one head run against main's history)", () => {
  // Ten benchmarks, eight runs of main; each run slowed or sped up ±15% across the whole suite
  // (as a busy neighbour does), each benchmark with its own 1% of noise on top.
  const RUN_PACES = [1, 1.15, 0.88, 1.05, 0.95, 1.12, 0.9, 1.02];
  const RUN_IDS = RUN_PACES.map((_, r) => `run-${r}`);
  const rng = xoroshiro128plus(13);
  const own = RUN_PACES.map(() => Array.from({ length: 10 }, () => Math.exp(0.01 * gaussian(rng))));
  const headOwn = Array.from({ length: 10 }, () => Math.exp(0.01 * gaussian(rng)));
  const level = (b: number) => 100 * (b + 1);
  const pacedSuite = (headPace: number, change: (b: number) => number = () => 1, ids = true) =>
    Array.from({ length: 10 }, (_, b) =>
      input(`b${b}`, {
        base: {
          ...runs(RUN_PACES.map((pace, r) => level(b) * pace * own[r]![b]!)),
          ...(ids ? { runIds: RUN_IDS } : {}),
        },
        head: runs([level(b) * headPace * headOwn[b]! * change(b)]),
        baseIsHistory: true,
      }),
    );

  it("flags a 20% change hidden by ±15% run paces, alone; unpaced it is lost in them", () => {
    const change = (b: number) => (b === 3 ? 1.2 : 1);
    const paced = compareSuite(pacedSuite(1.1, change), SETTINGS);
    expect(paced.benchmarks.filter((b) => b.verdict === "regressed").map((b) => b.name)).toEqual(["b3"]);
    expect(paced.counts.improved).toBe(0);
    expect(paced.runPace).toMatchObject({ runs: 8, benchmarks: 10 });
    expect(paced.runPace!.head).toBeCloseTo(1.1 / 1.01 - 1, 1); // main's typical run is 1.01
    expect(paced.benchmarks[3]!.noise!.runPace).toBeCloseTo(paced.runPace!.head, 1);
    expect(paced.benchmarks[3]!.noise!.perRun).toBeLessThan(0.03);
    const unpaced = compareSuite(pacedSuite(1.1, change, false), SETTINGS);
    expect(unpaced.runPace).toBeNull();
    expect(unpaced.benchmarks[3]!.verdict).not.toBe("regressed");
  });

  it("flags nothing in unchanged code, whatever the head run's pace", () => {
    for (const headPace of [0.8, 0.9, 1, 1.1, 1.3]) {
      const result = compareSuite(pacedSuite(headPace), SETTINGS);
      expect(result.counts.regressed + result.counts.improved, `head pace ${headPace}`).toBe(0);
    }
  });

  it("still sees a slowdown of the whole head run, which pacing would take out", () => {
    const result = compareSuite(pacedSuite(1.8), SETTINGS);
    expect(result.headRunShift).toMatchObject({ direction: "slower" });
    expect(result.runPace!.head).toBeGreaterThan(result.runPace!.high);
  });

  it("paces only suites of more than five benchmarks", () => {
    const result = compareSuite(pacedSuite(1).slice(0, 5), SETTINGS);
    expect(result.runPace).toBeNull();
  });
});
