/** The median, linear between the two middle values for an even count (as `summarize`). */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) throw new Error("median: no values");
  const sorted = Float64Array.from(values).sort();
  return n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** Median of the absolute deviations from the median, scaled by 1.4826 to estimate σ of a normal. */
export function robustSpread(values: readonly number[]): number {
  const center = median(values);
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

/**
 * The median of `buffer`, reordering it in place: Hoare's selection, O(n) on average, for the
 * bootstrap's thousands of medians (sorting each resample would cost O(n log n)).
 */
export function medianInPlace(buffer: Float64Array): number {
  const n = buffer.length;
  const upper = select(buffer, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = -Infinity; // after selection, every value left of n/2 is ≤ upper: the lower middle is their maximum
  for (let i = 0; i < n >> 1; i++) if (buffer[i]! > lower) lower = buffer[i]!;
  return (lower + upper) / 2;
}

function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}
