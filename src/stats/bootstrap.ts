import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { median } from "./median.js";
import { normalQuantileOf } from "./normal.js";

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
  const baseSide = resampler(base);
  const headSide = resampler(head);
  const ratios = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    baseSide.draw(index);
    headSide.draw(index);
    ratios[r] = headSide.median() / baseSide.median();
  }
  ratios.sort();
  const at = (q: number) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.floor(q * ratios.length)))]!;
  return { low: at(alpha / 2), high: at(1 - alpha / 2), method: "bootstrap" };
}

/**
 * One side of the bootstrap: a resample is how many times each value was drawn, kept over the
 * values sorted once, so its median is a walk through the counts (no copy, no selection).
 * Draw i still picks the i-th value as given, so the draws are those of copying a buffer.
 */
function resampler(values: readonly number[]) {
  const n = values.length;
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  const sorted = Float64Array.from(order, (i) => values[i]!);
  const rankOf = new Uint32Array(n);
  order.forEach((original, rank) => (rankOf[original] = rank));
  const counts = new Uint32Array(n);
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  return {
    draw(index: (n: number) => number) {
      counts.fill(0);
      for (let i = 0; i < n; i++) counts[rankOf[index(n)]!]!++;
    },
    /** The median of the last resample, linear between the two middle values for an even count. */
    median(): number {
      let seen = 0;
      let low = NaN;
      for (let j = 0; j < n; j++) {
        seen += counts[j]!;
        if (Number.isNaN(low) && seen > lowRank) low = sorted[j]!;
        if (seen > highRank) return (low + sorted[j]!) / 2;
      }
      return low;
    },
  };
}

function orderStatisticInterval(base: readonly number[], head: readonly number[], alpha: number): RatioInterval {
  const z = normalQuantileOf(1 - alpha);
  // a median's standard error from the ranks of its 95% interval (n/2 ± 1.96·√n/2): any level
  // would do, this one is the textbook's
  const rankZ = normalQuantileOf(0.95);
  const logStandardError = (values: readonly number[]) => {
    const sorted = Float64Array.from(values).sort();
    const n = sorted.length;
    const halfWidth = (rankZ * Math.sqrt(n)) / 2;
    const lo = sorted[Math.max(0, Math.floor(n / 2 - halfWidth))]!;
    const hi = sorted[Math.min(n - 1, Math.ceil(n / 2 + halfWidth))]!;
    return (Math.log(hi) - Math.log(lo)) / (2 * rankZ);
  };
  const logRatio = Math.log(median(head) / median(base));
  const se = Math.hypot(logStandardError(base), logStandardError(head));
  return { low: Math.exp(logRatio - z * se), high: Math.exp(logRatio + z * se), method: "order-statistics" };
}
