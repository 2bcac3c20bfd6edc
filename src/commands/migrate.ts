import { z } from "zod";
import { parseOptions } from "../model/index.js";
import type { MigrationOutcome, MigrationRewrite, TableReport } from "../store/results-table.js";
import { summarize } from "../stats/summary.js";
import { redactUri, resolveDbUri } from "../store/uri.js";
import { openExistingStore } from "./open-store.js";
import type { CommandDeps } from "./deps.js";

export const DoctorOptions = z.object({ db: z.string().trim().min(1).optional() });
export type DoctorOptions = z.infer<typeof DoctorOptions>;

export const MigrateOptions = DoctorOptions.extend({
  /** Write the migration; without it, only say what it would do. */
  apply: z.boolean().default(false),
  /** Also turn the Python lance-bench's Criterion rows (raw per-sample totals) into per-iteration values. */
  normalizeCriterion: z.boolean().default(false),
});
export type MigrateOptions = z.infer<typeof MigrateOptions>;

export const parseDoctorOptions = (raw: Record<string, unknown>) => parseOptions(DoctorOptions, raw);
export const parseMigrateOptions = (raw: Record<string, unknown>) => parseOptions(MigrateOptions, raw);

type Deps = CommandDeps;

/** The results table as it is: format, columns, indexes, rows, and whether the Python lance-bench can read it. */
export async function doctor(options: DoctorOptions, deps: Deps = {}): Promise<TableReport & { db: string }> {
  const uri = resolveDbUri(options.db, deps.env);
  const store = await openExistingStore({ uri, retry: deps.retry, log: deps.log, allowMissingTable: true });
  try {
    return { ...(await store.inspect()), db: redactUri(uri) };
  } finally {
    store.close();
  }
}

/**
 * Brings a table the Python lance-bench wrote (or an older lance-bench) to this suite's schema,
 * in the format both read. Dry run unless `apply`.
 */
export async function migrate(options: MigrateOptions, deps: Deps = {}): Promise<MigrationOutcome & { db: string }> {
  const uri = resolveDbUri(options.db, deps.env);
  const store = await openExistingStore({ uri, retry: deps.retry, log: deps.log });
  try {
    const rewrite = options.normalizeCriterion ? NORMALIZE_CRITERION : undefined;
    return { ...(await store.migrate({ apply: options.apply, rewrite })), db: redactUri(uri) };
  } finally {
    store.close();
  }
}

/** Marks a row `--normalize-criterion` rewrote, in its metadata (and makes the rewrite happen once). */
const NORMALIZED = "lance_bench_normalized";

/**
 * The seed stored Criterion's raw per-sample totals in `values` (and quantiles over them beside a
 * per-iteration mean). Its metadata keeps the cargo-criterion record, iteration counts included:
 * every value becomes `measured_values[i] / iteration_count[i]`, the summary is recomputed from
 * them, and the metadata says so. Only rows whose values are exactly the record's totals.
 */
const NORMALIZE_CRITERION: MigrationRewrite = {
  step: "turn the Python lance-bench's Criterion rows into per-iteration values, recomputing their summary",
  pending: `metadata LIKE '%benchmark-complete%' AND metadata NOT LIKE '%${NORMALIZED}%'`,
  row(values, metadata) {
    if (metadata === null || !metadata.includes("benchmark-complete") || metadata.includes(NORMALIZED)) return null;
    let record: { measured_values?: unknown; iteration_count?: unknown };
    try {
      record = JSON.parse(metadata) as typeof record;
    } catch {
      return null;
    }
    const { measured_values: totals, iteration_count: counts } = record;
    if (!Array.isArray(totals) || !Array.isArray(counts) || counts.length !== values.length) return null;
    if (!values.every((v, i) => v === Number(totals[i]) && Number(counts[i]) > 0)) return null;
    const perIteration = values.map((v, i) => v / Number(counts[i]));
    return {
      values: perIteration,
      summary: { ...summarize(perIteration) },
      metadata: JSON.stringify({
        ...record,
        [NORMALIZED]: "values are measured_values / iteration_count (lance-bench migrate --normalize-criterion)",
      }),
    };
  },
};

export function doctorText(report: TableReport & { db: string }): string {
  if (!report.exists) return `${report.db}: no results table\n`;
  const check = report.check!;
  const lines = [
    `${report.db}: table results, version ${report.version}, ${report.rows} rows`,
    `format: Lance ${report.format ?? "unknown"}`,
    `columns: ${report.columns.map((c) => c.name).join(", ")}`,
    `indexes: ${report.indexes.map((i) => `${i.columns.join(",")} (${i.type})`).join(", ") || "none"}`,
    check.missing.length > 0 ? `missing columns: ${check.missing.join(", ")} (lance-bench migrate adds them)` : "",
    check.mistyped.length > 0 ? `columns of another type: ${check.mistyped.join("; ")}` : "",
    check.unknown.length > 0 ? `unknown columns: ${check.unknown.join(", ")}` : "",
    `readable by the Python lance-bench's tools (lancedb 0.25.3, pylance 0.39): ${
      report.seed!.readable ? "yes" : `no: ${report.seed!.reason}`
    }`,
  ];
  return `${lines.filter(Boolean).join("\n")}\n`;
}

export function migrateText(outcome: MigrationOutcome & { db: string }): string {
  if (outcome.steps.length === 0) return `${outcome.db}: already migrated, nothing to do\n`;
  const steps = outcome.steps.map((step) => `- ${step}`).join("\n");
  if (!outcome.applied) {
    return `${outcome.db}: would (dry run; --apply to write)\n${steps}\n`;
  }
  const summary = outcome.summary!;
  const formats = Object.entries(summary.sourceFormats)
    .map(([format, n]) => `${n} ${format}`)
    .join(", ");
  return (
    `${outcome.db}: migrated ${outcome.after!.rows} rows to version ${outcome.after!.version} ` +
    `(format ${outcome.after!.format})\n${steps}\n` +
    `rows by source: ${formats || "none"}; ${summary.placeholderThroughputs} placeholder throughputs now null` +
    (summary.rewritten > 0 ? `; ${summary.rewritten} rows rewritten` : "") +
    (outcome.restoredRows > 0 ? `; ${outcome.restoredRows} rows appended meanwhile merged back` : "") +
    `\nthe version before (${outcome.taggedVersion!.version}) is tagged ${outcome.taggedVersion!.tag} and stays readable\n`
  );
}
