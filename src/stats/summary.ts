import { deviation, max, mean, min, quantileSorted } from "d3-array";
import type { SummaryValues } from "../model/index.js";

/**
 * Summary statistics of one benchmark's samples, all on the scale of `values` (per iteration).
 *
 * Quantiles use linear interpolation between order statistics (d3's `quantileSorted`, the
 * same rule as numpy's default and R's type 7), and the standard deviation is the sample
 * deviation (n − 1), as pytest-benchmark and Criterion report it. A single sample has a
 * deviation of 0 rather than undefined, so a one-shot measurement (libtest) still stores.
 */
export function summarize(values: readonly number[]): SummaryValues {
  if (values.length === 0) throw new Error("summarize: no values");
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: min(sorted) as number,
    q1: quantileSorted(sorted, 0.25) as number,
    median: quantileSorted(sorted, 0.5) as number,
    q3: quantileSorted(sorted, 0.75) as number,
    max: max(sorted) as number,
    mean: mean(sorted) as number,
    standard_deviation: sorted.length > 1 ? (deviation(sorted) as number) : 0,
  };
}
