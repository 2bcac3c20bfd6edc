// Descriptive statistics for the noise scripts (measure-noise, aa-summary), over d3-array (the
// project's statistics library): sample standard deviations (n − 1), coefficients of variation,
// and a MAD-based robust CV.
import { deviation, mean as d3Mean, median as d3Median } from "d3-array";

export const median = (values: number[]): number => d3Median(values)!;
export const mean = (values: number[]): number => d3Mean(values)!;
/** 0 for a single value, as the scripts print it. */
export const stddev = (values: number[]): number => deviation(values) ?? 0;
export const cv = (values: number[]) => stddev(values) / mean(values);

/** 1.4826 · MAD / median: the CV a normal sample would have, blind to a few outliers. */
export function robustCv(values: number[]): number {
  const m = median(values);
  return (1.4826 * median(values.map((v) => Math.abs(v - m)))) / m;
}
