import { withDerivedRates, type PipelineFields } from "../model/index.js";
import { markdownTable, textTable } from "./format.js";

/**
 * The pipeline tables of rapidbyte's bench harness (`bench.sh`): INSERT vs COPY side by side with
 * speedups, and one commit against another with the change in percent. Rows follow the timing
 * hierarchy (duration → source/dest → their phases; host emit/next batch → compress/decompress)
 * and appear only when some run reported the field.
 */

/** One iteration as the reports read it (a line of the results history). */
export interface PipelineIteration {
  variant: string;
  rows: number;
  sha: string;
  status: "ok" | "failed";
  fields: PipelineFields;
}

interface MetricRow {
  label: string;
  /** The value of one run, or undefined when it did not report it. */
  value: (f: PipelineFields) => number | undefined;
  /** Rates: bigger is faster. Everything else is time: smaller is faster. */
  rate?: boolean;
  digits: number;
}

const field =
  (name: string, scale = 1) =>
  (f: PipelineFields) =>
    f[name] === undefined ? undefined : f[name] * scale;

const METRIC_ROWS: readonly MetricRow[] = [
  { label: "Total duration (s)", value: field("duration_secs"), digits: 3 },
  { label: "  Source duration", value: field("source_duration_secs"), digits: 3 },
  { label: "    Connect", value: field("source_connect_secs"), digits: 3 },
  { label: "    Query", value: field("source_query_secs"), digits: 3 },
  { label: "    Fetch", value: field("source_fetch_secs"), digits: 3 },
  { label: "  Dest duration", value: field("dest_duration_secs"), digits: 3 },
  { label: "    VM setup", value: field("dest_vm_setup_secs"), digits: 3 },
  { label: "    Recv loop", value: field("dest_recv_secs"), digits: 3 },
  { label: "    Connect", value: field("dest_connect_secs"), digits: 3 },
  { label: "    Flush", value: field("dest_flush_secs"), digits: 3 },
  { label: "    Commit", value: field("dest_commit_secs"), digits: 3 },
  { label: "    WASM overhead", value: field("wasm_overhead_secs"), digits: 3 },
  { label: "  Transforms", value: field("transform_duration_secs"), digits: 3 },
  { label: "  Source load (ms)", value: field("source_module_load_ms"), digits: 1 },
  { label: "  Dest load (ms)", value: field("dest_module_load_ms"), digits: 1 },
  { label: "  Host emit_batch", value: field("source_emit_nanos", 1e-9), digits: 3 },
  { label: "    Compression", value: field("source_compress_nanos", 1e-9), digits: 3 },
  { label: "  Host next_batch", value: field("dest_recv_nanos", 1e-9), digits: 3 },
  { label: "    Decompression", value: field("dest_decompress_nanos", 1e-9), digits: 3 },
  // The same rates the store derives when a run does not report them.
  { label: "Throughput (rows/s)", value: (f) => withDerivedRates(f).records_per_sec, rate: true, digits: 0 },
  { label: "Throughput (MB/s)", value: (f) => withDerivedRates(f).mb_per_sec, rate: true, digits: 2 },
  { label: "Peak RSS (MB)", value: field("peak_rss_mb"), digits: 1 },
  { label: "CPU (s)", value: field("cpu_secs"), digits: 3 },
];

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/** The average of a value over runs that reported it. */
function average(runs: readonly PipelineFields[], value: MetricRow["value"]): number | undefined {
  const values = runs.map(value).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length === 0 ? undefined : mean(values);
}

const formatNumber = (value: number | undefined, digits: number) =>
  value === undefined
    ? "–"
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Rows some group reported a non-zero value for: rapidbyte reports unused phases as 0 (no
 * compression, no transforms), and a row of zeros says nothing.
 */
const presentRows = (groups: readonly (readonly PipelineFields[])[]) =>
  METRIC_ROWS.filter((row) => groups.some((runs) => (average(runs, row.value) ?? 0) !== 0));

export interface Table {
  title: string;
  preamble: string[];
  header: string[];
  rows: string[][];
}

/** Dataset size as rapidbyte's bench.sh prints it: rows, megabytes read and bytes per row. */
function datasetLine(rows: number, runs: readonly PipelineFields[]): string {
  const bytes = average(runs, field("bytes_read"));
  const records = average(runs, field("records_read"));
  if (bytes === undefined) return `${rows.toLocaleString("en-US")} rows`;
  const perRow = records ? ` (${Math.round(bytes / records)} B/row)` : "";
  return `${rows.toLocaleString("en-US")} rows, ${(bytes / 1e6).toFixed(2)} MB${perRow}`;
}

/**
 * Variants side by side at each row count, averaged over the successful iterations, with the
 * speedup of every variant over the first (INSERT, bench.sh's baseline).
 */
export function variantTables(iterations: readonly PipelineIteration[], variants: readonly string[]): Table[] {
  const tables: Table[] = [];
  const rowCounts = [...new Set(iterations.map((i) => i.rows))].sort((a, b) => a - b);
  for (const rows of rowCounts) {
    const groups = variants.map((variant) =>
      iterations.filter((i) => i.rows === rows && i.variant === variant && i.status === "ok").map((i) => i.fields),
    );
    const shown = variants.filter((_, k) => groups[k]!.length > 0);
    const shownGroups = groups.filter((g) => g.length > 0);
    if (shownGroups.length === 0) continue;
    const base = shown[0]!;
    const others = shown.slice(1);
    const header = [
      "Metric (avg)",
      ...shown.map((v) => v.toUpperCase()),
      ...(others.length === 1 ? ["Speedup"] : others.map((v) => `${v.toUpperCase()} speedup`)),
    ];
    const tableRows = presentRows(shownGroups).map((row) => {
      const averages = shownGroups.map((runs) => average(runs, row.value));
      const speedups = averages.slice(1).map((v) => {
        const b = averages[0];
        if (v === undefined || b === undefined || v === 0 || b === 0) return "–";
        return `${(row.rate ? v / b : b / v).toFixed(1)}x`;
      });
      return [row.label, ...averages.map((v) => formatNumber(v, row.digits)), ...speedups];
    });
    const perVariant = shown.map((v, k) => `${shownGroups[k]!.length} ${v}`).join(", ");
    tables.push({
      title: `${rows.toLocaleString("en-US")} rows${others.length ? ` — ${shown.slice(1).join(", ")} vs ${base}` : ""}`,
      preamble: [`Dataset:     ${datasetLine(rows, shownGroups.flat())}`, `Iterations:  ${perVariant}`],
      header,
      rows: tableRows,
    });
  }
  return tables;
}

/**
 * Commits side by side (rapidbyte's `bench_compare.py`): per variant and row count, the
 * average of each metric at each commit and, for exactly two, the change in percent.
 */
export function commitTables(
  iterations: readonly PipelineIteration[],
  shas: readonly string[],
  label: (sha: string) => string = (sha) => sha.slice(0, 7),
): Table[] {
  const tables: Table[] = [];
  const keys = new Map<string, { variant: string; rows: number }>();
  for (const i of iterations) if (i.status === "ok") keys.set(`${i.variant}\u0000${i.rows}`, i);
  const sorted = [...keys.values()].sort((a, b) => a.rows - b.rows || a.variant.localeCompare(b.variant));
  for (const { variant, rows } of sorted) {
    const groups = shas.map((sha) =>
      iterations
        .filter((i) => i.sha === sha && i.variant === variant && i.rows === rows && i.status === "ok")
        .map((i) => i.fields),
    );
    const header = ["Metric", ...shas.map(label), ...(shas.length === 2 ? ["Change"] : [])];
    const tableRows = presentRows(groups).map((row) => {
      const averages = groups.map((runs) => average(runs, row.value));
      const cells = [row.label, ...averages.map((v) => formatNumber(v, row.digits))];
      if (shas.length === 2) {
        const [a, b] = averages;
        cells.push(a === undefined || b === undefined || a === 0 ? "–" : signedPercent(((b - a) / a) * 100));
      }
      return cells;
    });
    tables.push({
      title: `Mode: ${variant.toUpperCase()}, ${rows.toLocaleString("en-US")} rows`,
      preamble: [`Iterations:  ${groups.map((g, k) => `${g.length} at ${label(shas[k]!)}`).join(", ")}`],
      header,
      rows: tableRows,
    });
  }
  return tables;
}

const signedPercent = (pct: number) => `${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`;

export function tablesText(tables: readonly Table[]): string {
  return tables
    .map((t) => [`=== ${t.title}`, ...t.preamble.map((p) => `  ${p}`), "", textTable(t.header, t.rows)].join("\n"))
    .join("\n\n");
}

export function tablesMarkdown(tables: readonly Table[]): string {
  return tables
    .map((t) =>
      [`#### ${t.title}`, "", ...t.preamble.map((p) => `${p}  `), "", markdownTable(t.header, t.rows)].join("\n"),
    )
    .join("\n\n");
}
