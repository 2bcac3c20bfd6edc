import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { median, medianInPlace } from "./median.js";

export interface RatioInterval {
  /** Bounds of the ratio median(head) / median(base). */
  low: number;
  high: number;
  method: "bootstrap" | "order-statistics";
}

/** Above this many samples a side, the bootstrap's cost grows past its benefit (see below). */
const BOOTSTRAP_MAX_SAMPLES = 4000;

/**
 * A confidence interval for the ratio of medians, median(head) / median(base): the percentile
 * bootstrap, resampling each side independently. Seeded, so one comparison always prints the
 * same interval.
 *
 * For very large sides (pytest-benchmark can record 100,000 rounds) the distribution-free
 * interval of each median from its order statistics is used instead, combined on the log scale;
 * at that size both methods agree and the bootstrap would take seconds per benchmark.
 */
export function ratioOfMediansInterval(
  base: readonly number[],
  head: readonly number[],
  options: { confidence: number; resamples: number; seed: number },
): RatioInterval {
  const alpha = 1 - options.confidence;
  if (base.length > BOOTSTRAP_MAX_SAMPLES || head.length > BOOTSTRAP_MAX_SAMPLES) {
    return orderStatisticInterval(base, head, alpha);
  }
  const rng = xoroshiro128plus(options.seed);
  // An index in [0, n): 32 random bits scaled. The bias (n / 2³² at most, n ≤ 4000) is far below
  // the bootstrap's own error, and this is the inner loop: pure-rand's exact uniformInt costs 3×.
  const index = (n: number) => Math.floor(((rng.next() >>> 0) / 4294967296) * n);
  const baseValues = Float64Array.from(base);
  const headValues = Float64Array.from(head);
  const baseBuffer = new Float64Array(base.length);
  const headBuffer = new Float64Array(head.length);
  const ratios = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    for (let i = 0; i < base.length; i++) baseBuffer[i] = baseValues[index(base.length)]!;
    for (let i = 0; i < head.length; i++) headBuffer[i] = headValues[index(head.length)]!;
    ratios[r] = medianInPlace(headBuffer) / medianInPlace(baseBuffer);
  }
  ratios.sort();
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * ratios.length)))]!;
  return { low: at(alpha / 2), high: at(1 - alpha / 2), method: "bootstrap" };
}

function orderStatisticInterval(base: readonly number[], head: readonly number[], alpha: number): RatioInterval {
  const z = alpha <= 0.0101 ? 2.576 : alpha <= 0.0501 ? 1.96 : 1.645;
  const logStandardError = (values: readonly number[]) => {
    const sorted = Float64Array.from(values).sort();
    const n = sorted.length;
    const halfWidth = (1.96 * Math.sqrt(n)) / 2; // ranks of the 95% interval of a median: n/2 ± 1.96·√n/2
    const lo = sorted[Math.max(0, Math.floor(n / 2 - halfWidth))]!;
    const hi = sorted[Math.min(n - 1, Math.ceil(n / 2 + halfWidth))]!;
    return (Math.log(hi) - Math.log(lo)) / (2 * 1.96);
  };
  const logRatio = Math.log(median(head) / median(base));
  const se = Math.hypot(logStandardError(base), logStandardError(head));
  return { low: Math.exp(logRatio - z * se), high: Math.exp(logRatio + z * se), method: "order-statistics" };
}
