/**
 * Benjamini-Hochberg adjusted p-values (q-values): rejecting every q ≤ α keeps the expected share
 * of false discoveries among the flagged benchmarks at most α (for independent or positively
 * dependent tests). With one benchmark it is the p-value itself; with 200 clean benchmarks the
 * chance of any alarm stays near α instead of 1 − (1 − α)²⁰⁰ ≈ 100%.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, index) => ({ p, index })).sort((a, b) => b.p - a.p);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(({ p, index }, position) => {
    const rank = m - position; // rank among ascending p-values
    running = Math.min(running, (p * m) / rank);
    adjusted[index] = running;
  });
  return adjusted;
}
