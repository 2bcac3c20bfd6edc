import type { Modes } from "../model/index.js";
import { median, robustSpread } from "./median.js";

/** Two levels closer than this (≈ 10%) are one noisy level, not two modes. */
const MIN_MODE_GAP = Math.log(1.1);

/**
 * Finds two separated levels in positive observations (docs/architecture.md, Statistics: on shared runners a benchmark
 * such as `json.dumps` jumps between levels about 2× apart from one run to the next).
 *
 * Looks at the widest gap in the sorted logs that leaves at least 10% (and 2) of the values
 * on each side; it is a mode split when the gap is at least 10% and at least three times the
 * spread inside the wider cluster. Returns `undefined` for one level.
 */
export function findModes(values: readonly number[]): Modes | undefined {
  if (values.length < 4 || values.some((v) => !(v > 0))) return undefined;
  const logs = values.map(Math.log).sort((a, b) => a - b);
  const minCluster = Math.max(2, Math.ceil(0.1 * logs.length));
  let best = -1;
  let bestGap = 0;
  for (let i = minCluster; i <= logs.length - minCluster; i++) {
    const gap = logs[i]! - logs[i - 1]!;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  if (best < 0 || bestGap < MIN_MODE_GAP) return undefined;
  const lower = logs.slice(0, best);
  const upper = logs.slice(best);
  const spread = Math.max(robustSpread(lower), robustSpread(upper));
  if (bestGap < 3 * spread) return undefined;
  return {
    low: Math.exp(median(lower)),
    high: Math.exp(median(upper)),
    boundary: Math.exp((logs[best - 1]! + logs[best]!) / 2),
  };
}
