import { median } from "./median.js";
import { MEDIAN_VARIANCE, mean, pooledSpread } from "./run-noise.js";
import jStat from "jstat";

/**
 * How heavy the tails of run-to-run noise are on this machine, learned from main's own runs.
 *
 * On shared machines a share of runs is slowed by a neighbour, 1.2–2.4× on most benchmarks
 * (measured here: 10–25% of runs). A normal model of one benchmark's few runs calls such a run
 * a ten-sigma event. Every run of main is, in turn, a "head" against the others: how far those
 * runs fall from their own history is what a head run that changed nothing does too. A Student t
 * fitted to those leave-one-out residuals, pooled over the suite, says how heavy the tails are:
 * close to normal on a quiet machine, close to Cauchy on a busy one.
 */
export interface TailModel {
  /** Degrees of freedom of the fitted t: small for heavy tails. */
  df: number;
  /** Scale of the residuals in units of their own standard error (1 for a well-calibrated model). */
  scale: number;
  /** Residuals it was fitted to. */
  residuals: number;
}

/** Fewest pooled residuals a tail model is fitted from; fewer say too little about tails. */
const MIN_RESIDUALS = 20;

/** Standard error factor of a head run against the median of n runs: √(1 + π/2n). */
export const predictionFactor = (runs: number) => Math.sqrt(1 + MEDIAN_VARIANCE / runs);

/**
 * Each run of a history against the others, as a prediction of it: (x − median of the others) /
 * (their standard deviation · √(1 + π/2(n−1))). Histories of fewer than four runs give nothing.
 */
export function leaveOneOutResiduals(logs: readonly number[]): number[] {
  if (logs.length < 4) return [];
  const residuals: number[] = [];
  for (let i = 0; i < logs.length; i++) {
    const others = logs.filter((_, j) => j !== i);
    const { spread } = pooledSpread([others]);
    if (!(spread > 0)) continue;
    residuals.push((logs[i]! - median(others)) / (spread * predictionFactor(others.length)));
  }
  return residuals;
}

const DF_GRID = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100, 1000];

/** Maximum likelihood t (df on a grid, scale by iteratively reweighted least squares). */
export function fitTails(residuals: readonly number[]): TailModel | undefined {
  const r = residuals.filter(Number.isFinite);
  if (r.length < MIN_RESIDUALS) return undefined;
  let best: TailModel | undefined;
  let bestLikelihood = -Infinity;
  for (const df of DF_GRID) {
    let scale = Math.sqrt(mean(r.map((x) => x * x))) || 1;
    for (let iteration = 0; iteration < 50; iteration++) {
      const next = Math.sqrt(mean(r.map((x) => ((df + 1) * x * x) / (df + (x / scale) ** 2))));
      if (Math.abs(next - scale) < 1e-9 * scale) break;
      scale = next;
    }
    let likelihood = -r.length * Math.log(scale);
    for (const x of r) likelihood += Math.log(jStat.studentt.pdf(x / scale, df));
    if (likelihood > bestLikelihood) {
      bestLikelihood = likelihood;
      best = { df, scale, residuals: r.length };
    }
  }
  return best;
}
