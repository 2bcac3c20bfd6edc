import { ResultFileError, type Direction } from "../model/index.js";
import {
  findJsonObject,
  finiteNumber,
  skippedRecord,
  type CommandOutput,
  type OutputMetric,
} from "./command-output.js";

/**
 * The result fields of valkey-search's benchmark wrapper (its Python `BenchmarkResult`) as
 * one JSON object on stdout: `qps`, `latency_avg/p50/p95/p99/max` in milliseconds,
 * `recall_avg/min/max` (0–1, null when not applicable), `baseline_latency_avg` (null when not
 * measured); optionally `name` (the benchmark), `config` and `timestamp` (kept as metadata).
 * `"status": "skipped", "reason": …` marks a run that could not run here.
 */

const FIELDS: readonly [field: string, units: string, direction: Direction][] = [
  ["qps", "queries/s", "higher_is_better"],
  ["latency_avg", "milliseconds", "lower_is_better"],
  ["latency_min", "milliseconds", "lower_is_better"],
  ["latency_p50", "milliseconds", "lower_is_better"],
  ["latency_p95", "milliseconds", "lower_is_better"],
  ["latency_p99", "milliseconds", "lower_is_better"],
  ["latency_max", "milliseconds", "lower_is_better"],
  ["recall_avg", "ratio", "higher_is_better"],
  ["recall_min", "ratio", "higher_is_better"],
  ["recall_max", "ratio", "higher_is_better"],
  ["baseline_latency_avg", "milliseconds", "lower_is_better"],
];

export function parseValkeySearchJson(stdout: string, origin: string): CommandOutput {
  const { value, line } = findJsonObject(stdout, origin);
  const where = `line ${line}`;
  const skipped = skippedRecord(value, origin, where);
  if (skipped) return skipped;
  if (value.qps === undefined)
    throw new ResultFileError(origin, where, "has no qps field (a valkey-search benchmark wrapper's BenchmarkResult)");
  const name = value.name;
  if (name !== undefined && (typeof name !== "string" || name.trim() === "")) {
    throw new ResultFileError(origin, `${where}, field name`, "is not a non-empty string");
  }
  const metadata = Object.fromEntries(
    Object.entries(value).filter(([key]) => !FIELDS.some(([field]) => field === key)),
  );
  const metrics: OutputMetric[] = [];
  for (const [field, units, direction] of FIELDS) {
    const raw = value[field];
    // null: not applicable (recall of a plain load) or not measured (baseline)
    if (raw === undefined || (raw === null && field !== "qps")) continue;
    const n = finiteNumber(raw, origin, `${where}, field ${field}`);
    if (n < 0) throw new ResultFileError(origin, `${where}, field ${field}`, `${n} is negative`);
    if (units === "ratio" && n > 1) throw new ResultFileError(origin, `${where}, field ${field}`, `${n} is not in 0–1`);
    metrics.push({
      ...(name === undefined ? {} : { benchmark: name.trim() }),
      metric: field,
      values: [n],
      units,
      direction,
      metadata,
    });
  }
  return { status: "ok", metrics };
}
