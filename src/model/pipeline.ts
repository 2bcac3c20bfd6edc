import type { Direction } from "./metric.js";

/**
 * Pipeline benchmarks (rapidbyte's `PipelineResult`, from its `@@BENCH_JSON@@` line): one JSON object per run of a
 * pipeline, a flat set of numeric fields named by what they measure. The field's suffix says
 * its unit, so a field the suite has never seen is still stored with the right unit and
 * direction.
 */

/** The prefix of the one machine-readable line a pipeline run prints. */
export const BENCH_JSON_PREFIX = "@@BENCH_JSON@@";

/** One run's numbers, by field name (nested `canonical_metrics` already flattened). */
export type PipelineFields = Record<string, number>;

export interface PipelineMetric {
  units: string;
  direction: Direction;
}

const lower = (units: string): PipelineMetric => ({ units, direction: "lower_is_better" });
const higher = (units: string): PipelineMetric => ({ units, direction: "higher_is_better" });

/**
 * Unit and direction of a field. Rates are higher-is-better; times and memory lower.
 * Counts (records, bytes, calls, retries) describe the workload rather than its speed: a
 * change means the pipeline did different work, so they are stored lower-is-better (more
 * retries or more batch calls for the same rows is worse), with a unit that says what they count.
 */
export function pipelineMetric(field: string): PipelineMetric {
  if (field === "mb_per_sec" || field.endsWith("_mb_per_sec")) return higher("MB/s");
  if (field.endsWith("_per_sec")) return higher(`${field.slice(0, -"_per_sec".length).replace(/.*_/, "")}/s`);
  if (field.endsWith("_secs")) return lower("seconds");
  if (field.endsWith("_ms")) return lower("milliseconds");
  if (field.endsWith("_nanos")) return lower("nanoseconds");
  if (field.endsWith("_mb")) return lower("MB");
  if (field.startsWith("bytes_") || field.endsWith("_bytes")) return lower("bytes");
  if (field.startsWith("records_") || field.endsWith("_records") || field.endsWith("_rows")) return lower("records");
  return lower("count");
}

/**
 * Throughput fields derived where the run did not report them, so that every pipeline has a
 * rate to chart (rapidbyte's older `PipelineResult` has only counts and times).
 */
export function withDerivedRates(fields: PipelineFields): PipelineFields {
  const out = { ...fields };
  const duration = fields.duration_secs;
  if (duration !== undefined && duration > 0) {
    if (out.records_per_sec === undefined && fields.records_read !== undefined) {
      out.records_per_sec = fields.records_read / duration;
    }
    if (out.mb_per_sec === undefined && fields.bytes_read !== undefined) {
      out.mb_per_sec = fields.bytes_read / 1e6 / duration;
    }
  }
  return out;
}

/** Fields that identify a run in a history line (as rapidbyte's bench.sh enriches its results history), not measurements. */
export const PIPELINE_CONTEXT_FIELDS = new Set([
  "timestamp",
  "mode",
  "bench_rows",
  "aot",
  "git_sha",
  "git_sha_full",
  "git_branch",
  "iteration",
  "status",
  "error",
  "exit_code",
]);

/** The stored benchmark name of a variant at a row count: `pipeline/copy/rows=100000`. */
export const pipelineBenchmarkName = (variant: string, rows: number | undefined): string =>
  rows === undefined ? `pipeline/${variant}` : `pipeline/${variant}/rows=${rows}`;
