/** Human-readable measurements: times scaled to a readable unit, others with their unit. */

const TIME_STEPS: ReadonlyArray<[number, string]> = [
  [1e9, "s"],
  [1e6, "ms"],
  [1e3, "µs"],
  [1, "ns"],
];

function significant(value: number): string {
  return value >= 100 ? value.toFixed(1) : value >= 10 ? value.toFixed(2) : value.toFixed(3);
}

/** Binary steps for memory (peak RSS): what `ps` and `top` show. */
const BYTE_STEPS: ReadonlyArray<[number, string]> = [
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "KiB"],
  [1, "B"],
];

/** `[number, unit]`, e.g. 1234.5 nanoseconds → ["1.234", "µs"], 44337152 bytes → ["42.28", "MiB"]. */
export function scaleMeasurement(value: number, units: string): [string, string] {
  const steps = units === "nanoseconds" ? TIME_STEPS : units === "bytes" ? BYTE_STEPS : undefined;
  if (steps) {
    const [scale, unit] = steps.find(([s]) => Math.abs(value) >= s) ?? steps.at(-1)!;
    return [significant(value / scale), unit];
  }
  return [significant(value), units];
}

export function formatMeasurement(value: number, units: string): string {
  return scaleMeasurement(value, units).join(" ");
}

/** A signed relative change, 0.123 → "+12.3%", −0.05 → "−5.0%". */
export function formatChange(change: number): string {
  return `${change >= 0 ? "+" : "−"}${Math.abs(100 * change).toFixed(1)}%`;
}
