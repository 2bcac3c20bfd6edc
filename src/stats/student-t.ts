import jStat from "jstat";

/**
 * Student's t distribution, through jStat (one dependency-free package; its CDF goes through
 * the regularized incomplete beta function, so the lower tail keeps its digits where the
 * small p-values live).
 */

/** P(T ≤ t) with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  return jStat.studentt.cdf(t, df);
}

/** Two-sided p-value of a t statistic. */
export function twoSidedP(t: number, df: number): number {
  if (Number.isNaN(t)) return 1;
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

const quantiles = new Map<string, number>();

/**
 * The `p` quantile of Student's t with `df` degrees of freedom. Remembered: a suite asks for the
 * same few (level, df) pairs thousands of times, and jStat inverts the CDF by iteration.
 */
export function studentTQuantile(p: number, df: number): number {
  const key = `${p} ${df}`;
  let quantile = quantiles.get(key);
  if (quantile === undefined) {
    quantile = jStat.studentt.inv(p, df);
    if (quantiles.size > 10_000) quantiles.clear();
    quantiles.set(key, quantile);
  }
  return quantile;
}
