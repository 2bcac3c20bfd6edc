import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { ratioOfMediansInterval } from "../../src/stats/bootstrap.js";
import { compareSuite, type CompareSettings, type ComparisonInput } from "../../src/stats/compare.js";
import { benjaminiHochberg } from "../../src/stats/fdr.js";
import { mannWhitneyU } from "../../src/stats/mann-whitney.js";
import { medianInPlace } from "../../src/stats/median.js";
import { findModes, minimumDetectableEffect, runToRunSpread } from "../../src/stats/noise.js";

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
  });
});

describe("noise", () => {
  it("finds two levels (DESIGN §7: json.dumps jumps about 2× between runs) and not one noisy level", () => {
    const modes = findModes([0.58, 0.6, 1.0, 1.02, 1.16, 0.59, 1.1, 1.0]);
    expect(modes).toBeDefined();
    expect(modes!.low).toBeCloseTo(0.59, 2);
    expect(modes!.high).toBeGreaterThan(1);
    expect(findModes([0.97, 1.0, 1.02, 1.04, 0.99, 1.01, 0.98, 1.0])).toBeUndefined();
    expect(findModes([1, 1, 1, 5])).toBeUndefined(); // one outlier is not a mode
  });

  it("turns run-to-run spread into a minimum detectable effect", () => {
    expect(runToRunSpread([1, 1, 1, 1])).toBeUndefined(); // too few runs to say
    const spread = runToRunSpread([1, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97])!;
    expect(spread).toBeGreaterThan(0.01);
    expect(spread).toBeLessThan(0.03);
    // more runs per side, smaller detectable effect
    expect(minimumDetectableEffect(spread, 10, 10)).toBeLessThan(minimumDetectableEffect(spread, 1, 1));
    expect(minimumDetectableEffect(0.02, 1, 1)).toBeCloseTo(Math.expm1(2.8016 * 0.02 * Math.SQRT2), 4);
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

const bench = (
  name: string,
  base: number,
  head: number,
  seed: number,
  extra: Partial<ComparisonInput> = {},
): ComparisonInput => ({
  name,
  metric: "time",
  direction: "lower_is_better",
  base: side(base, 1, 40, seed),
  head: side(head, 1, 40, seed + 1000),
  ...extra,
});

describe("compareSuite", () => {
  it("calls slower time a regression and higher throughput an improvement, and explains the rest", () => {
    const result = compareSuite(
      [
        bench("slower", 100, 110, 1),
        bench("faster", 100, 90, 2),
        bench("same", 100, 100, 3),
        bench("tiny", 100, 101, 4),
        { ...bench("throughput-up", 100, 110, 5), metric: "throughput", direction: "higher_is_better" },
      ],
      SETTINGS,
    );
    const verdicts = Object.fromEntries(result.benchmarks.map((b) => [b.name, b.verdict]));
    expect(verdicts).toEqual({
      slower: "regressed",
      faster: "improved",
      same: "unchanged",
      tiny: "unchanged",
      "throughput-up": "improved",
    });
    const tiny = result.benchmarks.find((b) => b.name === "tiny")!;
    expect(tiny.reason).toMatch(/below the 2\.0% threshold|^$/);
    const slower = result.benchmarks.find((b) => b.name === "slower")!;
    expect(slower.ratio).toBeCloseTo(1.1, 1);
    expect(slower.interval!.low).toBeLessThan(1.1);
    expect(slower.interval!.high).toBeGreaterThan(1.1);
    expect(result.counts).toMatchObject({ regressed: 1, improved: 2, unchanged: 2 });
    expect(result.geometricMean!.count).toBe(5);
  });

  it("is inconclusive with too few samples, different units, another machine, or two modes", () => {
    // run medians jump between two levels 2× apart; the head happens to sit high more often
    const bimodalRuns = (seed: number, high: (i: number) => boolean) =>
      side(1, 10, 1, seed).runs.map((run, i) => run.map((v) => v * (high(i) ? 2 : 1)));
    const result = compareSuite(
      [
        { ...bench("few", 100, 150, 1), head: side(150, 1, 3, 9) },
        { ...bench("units", 100, 100, 2), head: { ...side(100, 1, 40, 8), units: "milliseconds" } },
        { ...bench("machine", 100, 100, 3), incomparable: "measured on another machine" },
        {
          ...bench("bimodal", 1, 1, 4),
          base: { runs: bimodalRuns(4, (i) => i % 2 === 0), units: "nanoseconds" },
          head: { runs: bimodalRuns(5, (i) => i < 8), units: "nanoseconds" },
        },
      ],
      SETTINGS,
    );
    const byName = Object.fromEntries(result.benchmarks.map((b) => [b.name, b]));
    expect(byName.few!.verdict).toBe("inconclusive");
    expect(byName.few!.reason).toMatch(/too few samples: 40 base and 3 head/);
    expect(byName.units!.reason).toMatch(/units differ/);
    expect(byName.machine!.reason).toMatch(/another machine/);
    expect(byName.bimodal!.level).toBe("runs");
    expect(["unchanged", "inconclusive"]).toContain(byName.bimodal!.verdict); // 5 and 8 runs at that level
    expect(byName.bimodal!.reason).toMatch(
      /^bimodal \(levels 0\.99\d* and 2 nanoseconds\): compared at the higher level; time at the other: base 50%, head 20%/,
    );
  });

  it("compares a bimodal benchmark level with level, so a shift inside its usual level is still found", () => {
    const runs = (seed: number, factor: number, high: (i: number) => boolean) =>
      side(1000, 20, 1, seed).runs.map((run, i) => run.map((v) => v * factor * (high(i) ? 2 : 1)));
    const [shifted, onlyModeShare] = compareSuite(
      [
        {
          name: "shifted",
          metric: "time",
          direction: "lower_is_better",
          base: { runs: runs(1, 1, (i) => i % 4 === 0), units: "nanoseconds" },
          head: { runs: runs(2, 1.1, (i) => i % 4 === 1), units: "nanoseconds" },
        },
        {
          name: "share",
          metric: "time",
          direction: "lower_is_better",
          base: { runs: runs(3, 1, (i) => i % 4 === 0), units: "nanoseconds" },
          head: { runs: runs(4, 1, (i) => i % 2 === 0), units: "nanoseconds" },
        },
      ],
      SETTINGS,
    ).benchmarks;
    expect(shifted!.verdict).toBe("regressed");
    expect(shifted!.ratio).toBeCloseTo(1.1, 1);
    expect(shifted!.reason).toMatch(/compared at the lower level/);
    expect(onlyModeShare!.verdict).toBe("unchanged"); // more time at the slow level: reported, not flagged
    expect(onlyModeShare!.reason, onlyModeShare!.reason!).toMatch(/base 25%, head 50%/);
  });

  it("lists benchmarks present on one side only as added or removed", () => {
    const result = compareSuite(
      [
        { name: "new", metric: "time", direction: "lower_is_better", head: side(1, 1, 10, 1) },
        { name: "gone", metric: "time", direction: "lower_is_better", base: side(1, 1, 10, 2) },
      ],
      SETTINGS,
    );
    expect(result.benchmarks.map((b) => b.verdict)).toEqual(["added", "removed"]);
    expect(result.geometricMean).toBeNull();
  });

  it("keeps a muted benchmark's numbers but never counts it as a regression", () => {
    const result = compareSuite([bench("noisy", 100, 130, 1)], {
      ...SETTINGS,
      policyFor: () => ({ threshold: 0.02, muted: true, reason: "flaky" }),
    });
    expect(result.benchmarks[0]).toMatchObject({ verdict: "regressed", muted: true, reason: "muted: flaky" });
    expect(result.counts).toMatchObject({ regressed: 0, muted: 1 });
  });

  it("does not flag a single-run change that the benchmark's own run-to-run noise explains", () => {
    // 5% slower, clearly significant within the runs, but main moves ±8% from run to run
    const history = [1, 1.08, 0.93, 1.05, 0.95, 1.1, 0.9, 1.02].map((v) => v * 100);
    const result = compareSuite([bench("jumpy", 100, 105, 1, { history }), bench("steady", 100, 105, 3)], SETTINGS);
    const [jumpy, steady] = result.benchmarks;
    expect(jumpy!.mde).toBeGreaterThan(0.05);
    expect(jumpy!.verdict).toBe("unchanged");
    expect(jumpy!.reason).toMatch(/run-to-run noise/);
    expect(steady!.verdict).toBe("regressed");
  });

  it("controls false discoveries: 200 clean benchmarks rarely raise any alarm", () => {
    let suitesWithAlarm = 0;
    for (let s = 0; s < 20; s++) {
      const inputs = Array.from({ length: 200 }, (_, i) => bench(`b${i}`, 100, 100, s * 1000 + i * 2));
      inputs.forEach((input) => {
        input.base = side(100, 1, 30, s * 7919 + inputs.indexOf(input), 0.03);
        input.head = side(100, 1, 30, s * 7919 + inputs.indexOf(input) + 500_000, 0.03);
      });
      const result = compareSuite(inputs, { ...SETTINGS, resamples: 0, threshold: 0 } as CompareSettings);
      if (result.counts.regressed + result.counts.improved > 0) suitesWithAlarm++;
    }
    expect(suitesWithAlarm).toBeLessThanOrEqual(3);
  });
});
