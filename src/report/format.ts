/** Human-readable numbers for tables: times scaled to a readable unit, others with their unit. */

const TIME_STEPS: ReadonlyArray<[number, string]> = [
  [1e9, "s"],
  [1e6, "ms"],
  [1e3, "µs"],
  [1, "ns"],
];

function significant(value: number): string {
  return value >= 100 ? value.toFixed(1) : value >= 10 ? value.toFixed(2) : value.toFixed(3);
}

/** `[number, unit]`, e.g. 1234.5 nanoseconds → ["1.234", "µs"]. */
export function scaleMeasurement(value: number, units: string): [string, string] {
  if (units === "nanoseconds") {
    const [scale, unit] = TIME_STEPS.find(([s]) => Math.abs(value) >= s) ?? [1, "ns"];
    return [significant(value / scale), unit];
  }
  return [significant(value), units];
}

export function formatMeasurement(value: number, units: string): string {
  return scaleMeasurement(value, units).join(" ");
}

/** A table as aligned plain text, for terminals. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** A GitHub-flavoured markdown table; pipes in cells are escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => c.replaceAll("|", "\\|").replaceAll("\n", " ");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), `|${header.map((_, i) => (i === 0 ? " --- " : " ---: ")).join("|")}|`, ...rows.map(line)].join(
    "\n",
  );
}
