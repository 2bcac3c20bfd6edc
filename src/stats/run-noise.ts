import { mean as d3Mean } from "d3-array";
import { median } from "./median.js";
import { studentTQuantile } from "./student-t.js";

/**
 * Run-to-run noise on the log scale. Every value here is one run's median (the run is the unit
 * of replication); groups are runs that share a level — one side of a comparison, one level of
 * a bimodal benchmark, or main's history on one fingerprint — and pool their spread, never
 * their levels.
 */
export interface PooledSpread {
  /** Standard deviation of log run medians (≈ the relative run-to-run noise). */
  spread: number;
  /** Degrees of freedom: Σ (runs − 1) over the groups. */
  df: number;
}

/** The median of n normal values varies π/2 times as much as their mean: it weighs like 2n/π runs. */
export const MEDIAN_VARIANCE = Math.PI / 2;

/** The mean of a non-empty list (d3-array's, typed for the lists this module is given). */
export const mean = (values: readonly number[]): number => d3Mean(values)!;

/** Spread pooled around each group's own mean; groups of one run add no freedom. */
export function pooledSpread(groups: readonly (readonly number[])[]): PooledSpread {
  let squares = 0;
  let df = 0;
  for (const group of groups) {
    if (group.length < 2) continue;
    const center = mean(group);
    for (const v of group) squares += (v - center) ** 2;
    df += group.length - 1;
  }
  return { spread: df > 0 ? Math.sqrt(squares / df) : NaN, df };
}

/** Degrees of freedom the suite's typical noise weighs as, when it tempers one benchmark's. */
export const PRIOR_DF = 4;

/**
 * What a suite says about its benchmarks' run-to-run noise: the median variance of those with
 * an estimate (three or more are needed). A few runs can show a noisy benchmark as quiet by
 * chance; the suite's typical noise is the guard against it.
 */
export function noisePrior(estimates: readonly PooledSpread[]): number | undefined {
  const variances = estimates.filter((e) => e.df >= 2 && e.spread > 0).map((e) => e.spread ** 2);
  if (variances.length < 3) return undefined;
  return median(variances);
}

/**
 * One benchmark's noise tempered by the suite's (an empirical-Bayes moderated variance, as limma's
 * moderated t): (df·s² + d₀·s₀²) / (df + d₀) on df + d₀ degrees of freedom. Only ever raised: a
 * benchmark noisier than the suite keeps its own noise, so that tempering never adds an alarm.
 */
export function moderated(noise: PooledSpread, priorVariance: number | undefined): PooledSpread {
  if (priorVariance === undefined || !(noise.spread > 0)) return noise;
  const variance = (noise.df * noise.spread ** 2 + PRIOR_DF * priorVariance) / (noise.df + PRIOR_DF);
  if (variance <= noise.spread ** 2) return noise;
  return { spread: Math.sqrt(variance), df: noise.df + PRIOR_DF };
}

/** Power the minimum detectable effect is computed for. */
const POWER = 0.8;

/**
 * The smallest relative change (0.04 = 4%) that `baseRuns` runs against `headRuns` runs detect
 * with 80% power by a two-sided t test at level `alpha`, given the pooled run-to-run spread.
 */
export function detectableChange(noise: PooledSpread, baseRuns: number, headRuns: number, alpha: number): number {
  const z = studentTQuantile(1 - alpha / 2, noise.df) + studentTQuantile(POWER, noise.df);
  return Math.expm1(z * noise.spread * Math.sqrt(1 / baseRuns + 1 / headRuns));
}

/** How many runs would settle a change of `logChange`, or `null` when 200 runs a side would not. */
export interface RunsNeeded {
  /** `head`: repetitions of the head against the same baseline; `each`: runs on each side. */
  side: "head" | "each";
  runs: number;
}

const MAX_RUNS = 200;
const MAX_HEAD_RUNS = 50;

/**
 * The fewest runs at which a change of `logChange` (log scale) becomes detectable, assuming the
 * noise stays what it is. Against main's history, more head repetitions are tried first (the
 * history is what it is); otherwise, and when those cannot do it, runs on both sides.
 */
export function runsToSettle(
  logChange: number,
  noise: PooledSpread,
  baseRuns: number,
  headRuns: number,
  alpha: number,
  baseIsHistory: boolean,
): RunsNeeded | null {
  if (!(noise.spread > 0) || logChange === 0) return null;
  const reaches = (b: number, h: number) => {
    const df = noise.df + (b - baseRuns) + (h - headRuns);
    return Math.log1p(detectableChange({ spread: noise.spread, df }, b, h, alpha)) <= Math.abs(logChange);
  };
  if (baseIsHistory) {
    const head = fewestReaching(headRuns + 1, MAX_HEAD_RUNS, (h) => reaches(baseRuns, h));
    if (head !== null) return { side: "head", runs: head };
  }
  const each = fewestReaching(Math.max(baseRuns, headRuns) + 1, MAX_RUNS, (k) => reaches(Math.max(k, baseRuns), k));
  return each === null ? null : { side: "each", runs: each };
}

/** The smallest n in [from, to] where `reaches` holds; it only ever turns from false to true as n grows. */
function fewestReaching(from: number, to: number, reaches: (n: number) => boolean): number | null {
  if (from > to || !reaches(to)) return null;
  let low = from;
  let high = to;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (reaches(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
