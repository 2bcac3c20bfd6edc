// Plain descriptive statistics for the noise scripts (measure-noise, aa-summary): sample
// standard deviations (n − 1), coefficients of variation, and a MAD-based robust CV.

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

export function stddev(values: number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

export const cv = (values: number[]) => stddev(values) / mean(values);

/** 1.4826 · MAD / median: the CV a normal sample would have, blind to a few outliers. */
export function robustCv(values: number[]): number {
  const m = median(values);
  return (1.4826 * median(values.map((v) => Math.abs(v - m)))) / m;
}
