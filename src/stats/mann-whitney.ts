import { normalSurvival } from "./normal.js";

export interface MannWhitneyResult {
  /** U of the first sample: how often one of its values exceeds one of the second's (ties ½). */
  u: number;
  /** Two-sided p-value. */
  p: number;
  method: "exact" | "normal";
}

/** Below this many arrangements the exact null distribution is cheap and better than the normal one. */
const EXACT_MAX_CELLS = 2500;

/**
 * The Mann-Whitney U (Wilcoxon rank-sum) test of two independent samples, two-sided.
 *
 * Exact p-values when there are no ties and n₁·n₂ ≤ 2500 (e.g. 50 × 50); otherwise the normal
 * approximation with the tie correction of the variance and a continuity correction — the
 * same choices as R's `wilcox.test` and SciPy's `mannwhitneyu`. Rank-based, so it assumes
 * nothing about the shape of timing distributions (skewed, heavy-tailed).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new Error("mannWhitneyU: a sample is empty");
  const { rankSumOfFirst, tieTerm } = rankSum(x, y);
  const u = rankSumOfFirst - (n1 * (n1 + 1)) / 2;
  const smaller = Math.min(u, n1 * n2 - u);
  if (tieTerm === 0 && n1 * n2 <= EXACT_MAX_CELLS) {
    return { u, p: Math.min(1, 2 * exactLowerTail(n1, n2, smaller)), method: "exact" };
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, method: "normal" }; // every value tied: no evidence either way
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSurvival(Math.max(0, z))), method: "normal" };
}

/** Sum of the first sample's ranks in the pooled sample (ties get their mean rank), and Σ(t³ − t) over tie groups. */
function rankSum(x: readonly number[], y: readonly number[]): { rankSumOfFirst: number; tieTerm: number } {
  const pooled = [...x.map((value) => ({ value, first: true })), ...y.map((value) => ({ value, first: false }))];
  pooled.sort((a, b) => a.value - b.value);
  let rankSumOfFirst = 0;
  let tieTerm = 0;
  for (let start = 0; start < pooled.length;) {
    let end = start + 1;
    while (end < pooled.length && pooled[end]!.value === pooled[start]!.value) end++;
    const meanRank = (start + 1 + end) / 2;
    const tied = end - start;
    if (tied > 1) tieTerm += tied ** 3 - tied;
    for (let i = start; i < end; i++) if (pooled[i]!.first) rankSumOfFirst += meanRank;
    start = end;
  }
  return { rankSumOfFirst, tieTerm };
}

const exactCache = new Map<string, Float64Array>();

/** P(U ≤ u) under the null hypothesis, from the exact distribution of U (cached by sample sizes). */
function exactLowerTail(n1: number, n2: number, u: number): number {
  const key = `${Math.min(n1, n2)}x${Math.max(n1, n2)}`;
  let cumulative = exactCache.get(key);
  if (!cumulative) {
    cumulative = exactCumulative(Math.min(n1, n2), Math.max(n1, n2));
    exactCache.set(key, cumulative);
  }
  return cumulative[Math.floor(u)]!;
}

/**
 * The null distribution of U counts the arrangements of m values among n: its generating
 * function is the Gaussian binomial ∏ᵢ₌₁..ₘ (1 − q^(n+i)) / (1 − q^i). Each factor is applied to
 * the coefficient array in place (multiply, then divide exactly), and the counts are turned
 * into cumulative probabilities. Only the lower half is ever read, where counts stay small.
 */
function exactCumulative(m: number, n: number): Float64Array {
  const size = m * n + 1;
  const counts = new Float64Array(size);
  counts[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = n + i;
    for (let k = size - 1; k >= up; k--) counts[k]! -= counts[k - up]!;
    for (let k = i; k < size; k++) counts[k]! += counts[k - i]!;
  }
  let total = 0;
  for (const c of counts) total += c;
  const cumulative = new Float64Array(size);
  let running = 0;
  for (let k = 0; k < size; k++) {
    running += counts[k]!;
    cumulative[k] = running / total;
  }
  return cumulative;
}
