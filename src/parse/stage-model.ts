import { ResultFileError, type Direction } from "../model/index.js";
import {
  findJsonObject,
  finiteNumber,
  skippedRecord,
  type CommandOutput,
  type OutputMetric,
} from "./command-output.js";

/**
 * intermine314's stage model, one JSON object on stdout:
 *
 *     {"schema_version": "benchmark_stage_model_v1", "scenario_name": "...",
 *      "stages": {"fetch": {"enabled": true, "elapsed_seconds": 1.2, "cpu_seconds": 0.9,
 *                           "rows_fetched": 10000, "bytes_out": 123456, "result_hash": null, …}, …},
 *      "invariants": {"row_count": {"duckdb": 10000, "polars": 10000}, …},
 *      "parity": {"duckdb_vs_polars": {"rows": {"match": true}, …, "equivalent": true}}}
 *
 * Every numeric field of an enabled stage becomes the metric `stage/<stage>/<field>` with the
 * unit its name says; null fields were not measured; text fields (hashes) are kept as
 * metadata. `invariants` (one value per engine or pipeline) must all agree — or, where an
 * invariant carries intermine314's own `"match"` verdict beside its sides and their context, that
 * verdict must be true — and a `parity` report must not say `equivalent: false` (or
 * `all_equivalent: false`; without either, any `match: false`), nor be `false` itself (a
 * summary of verdicts; null is "not compared"): otherwise the run fails, naming the invariant.
 * `"status": "skipped", "reason"` marks a mode that cannot run here.
 */

export const STAGE_MODEL_VERSION = "benchmark_stage_model_v1";

const NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

/** A stage field's unit and direction, from its name (intermine314's field names first). */
export function stageFieldMetric(field: string): { units: string; direction: Direction } {
  const lower = (units: string) => ({ units, direction: "lower_is_better" as const });
  const higher = (units: string) => ({ units, direction: "higher_is_better" as const });
  if (/^(elapsed|cpu)(_seconds|_secs|_s)?$/.test(field) || /_(seconds|secs|s)$/.test(field)) return lower("seconds");
  if (field.endsWith("_ms")) return lower("milliseconds");
  if (/_per_(sec|s)$/.test(field)) return higher(`${field.replace(/_per_(sec|s)$/, "").replace(/.*_/, "")}/s`);
  if (field.endsWith("_bytes") || /^bytes_/.test(field)) return lower("bytes");
  // rows a stage fetched or produced: fewer for the same scenario means data went missing
  if (/^rows(_|$)/.test(field) || field.endsWith("_rows")) return higher("rows");
  if (field === "retries" || field.endsWith("_count")) return lower("count");
  return lower("value");
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The first invariant that disagrees, as a reason; undefined when all agree. */
function brokenInvariant(value: Record<string, unknown>, origin: string, where: string): string | undefined {
  const { invariants, parity } = value;
  if (invariants !== undefined) {
    if (!isRecord(invariants)) throw new ResultFileError(origin, `${where}, field invariants`, "is not an object");
    for (const [name, sides] of Object.entries(invariants)) {
      if (!isRecord(sides) || Object.keys(sides).length < 2) {
        throw new ResultFileError(
          origin,
          `${where}, field invariants.${name}`,
          "is not an object of two or more values to compare ({engine: value})",
        );
      }
      // intermine314 writes its own verdict beside the sides and their context
      // ({"csv": 10, "parquet": 10, "stable_identifier": "Gene.id", "match": true}): that decides
      const verdict = typeof sides.match === "boolean" ? sides.match : undefined;
      const shown = Object.entries(sides)
        .filter(([side]) => verdict === undefined || side !== "match")
        .map(([side, v]) => `${side}=${JSON.stringify(v)}`);
      if (verdict !== undefined) {
        if (!verdict) return `invariant ${name} disagrees: ${shown.join(", ")}`;
        continue;
      }
      const distinct = new Set(Object.values(sides).map((v) => JSON.stringify(v)));
      if (distinct.size > 1) return `invariant ${name} disagrees: ${shown.join(", ")}`;
    }
  }
  if (parity !== undefined) {
    if (!isRecord(parity)) throw new ResultFileError(origin, `${where}, field parity`, "is not an object");
    const isVerdict = (key: string) => key === "equivalent" || key.endsWith("_equivalent");
    for (const [name, report] of Object.entries(parity)) {
      // intermine314's parity summary: {"join_engines_equivalent": false, …}, null where not compared
      if (report === null || typeof report === "boolean") {
        if (report === false) return `parity ${name} is false`;
        continue;
      }
      if (!isRecord(report)) throw new ResultFileError(origin, `${where}, field parity.${name}`, "is not an object");
      const mismatches: string[] = [];
      const walk = (node: Record<string, unknown>, path: string) => {
        for (const [key, v] of Object.entries(node)) {
          if (isRecord(v)) walk(v, `${path}.${key}`);
          else if (v === false && (key === "match" || key.endsWith("_match") || isVerdict(key))) {
            mismatches.push(`${path}.${key}`.replace(/^\./, ""));
          }
        }
      };
      walk(report, "");
      // `equivalent` (intermine314's engine comparisons: `all_equivalent`) is the verdict where
      // given (a column order may differ and still be equivalent)
      const verdictKey = ["equivalent", "all_equivalent"].find((key) => typeof report[key] === "boolean");
      const broken = verdictKey ? report[verdictKey] === false : mismatches.length > 0;
      if (broken) {
        const what = mismatches.filter((m) => m !== verdictKey);
        return `parity ${name} broken${what.length ? `: ${what.join(", ")} false` : ` (${verdictKey}: false)`}`;
      }
    }
  }
  return undefined;
}

export function parseStageModel(stdout: string, origin: string): CommandOutput {
  const { value, line } = findJsonObject(stdout, origin);
  const where = `line ${line}`;
  const skipped = skippedRecord(value, origin, where);
  if (skipped) return skipped;
  if (value.schema_version !== STAGE_MODEL_VERSION) {
    throw new ResultFileError(
      origin,
      `${where}, field schema_version`,
      `${JSON.stringify(value.schema_version)} is not "${STAGE_MODEL_VERSION}"`,
    );
  }
  const scenario = value.scenario_name;
  if (scenario !== undefined && (typeof scenario !== "string" || scenario.trim() === "")) {
    throw new ResultFileError(origin, `${where}, field scenario_name`, "is not a non-empty string");
  }
  if (!isRecord(value.stages)) throw new ResultFileError(origin, `${where}, field stages`, "is not an object");
  const broken = brokenInvariant(value, origin, where);
  const metrics: OutputMetric[] = [];
  for (const [stage, fields] of Object.entries(value.stages)) {
    const at = `${where}, field stages.${stage}`;
    if (!NAME.test(stage)) throw new ResultFileError(origin, at, "is not a stage name (letters, digits, _ . : -)");
    if (!isRecord(fields)) throw new ResultFileError(origin, at, "is not an object");
    if (fields.enabled === false) continue;
    const text = Object.fromEntries(Object.entries(fields).filter(([, v]) => typeof v === "string"));
    for (const [field, v] of Object.entries(fields)) {
      if (field === "enabled" || v === null || typeof v === "string" || typeof v === "boolean") continue;
      if (!NAME.test(field)) throw new ResultFileError(origin, `${at}.${field}`, "is not a field name");
      const n = finiteNumber(v, origin, `${at}.${field}`);
      if (n < 0) throw new ResultFileError(origin, `${at}.${field}`, `${n} is negative`);
      metrics.push({
        ...(scenario === undefined ? {} : { benchmark: scenario.trim() }),
        metric: `stage/${stage}/${field}`,
        values: [n],
        ...stageFieldMetric(field),
        metadata: { stage, ...(Object.keys(text).length ? { stage_text: text } : {}) },
      });
    }
  }
  if (broken) return { status: "failed", reason: broken, metrics: [] };
  if (metrics.length === 0)
    throw new ResultFileError(origin, `${where}, field stages`, "no enabled stage has a number");
  return { status: "ok", metrics };
}
