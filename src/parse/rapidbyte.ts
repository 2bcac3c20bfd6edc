import {
  BENCH_JSON_PREFIX,
  ResultFileError,
  PIPELINE_CONTEXT_FIELDS,
  pipelineBenchmarkName,
  pipelineMetric,
  withDerivedRates,
  type Measurement,
  type PipelineFields,
} from "../model/index.js";
import { parseJson } from "./common.js";
import { linesOf, type NumberedLine } from "./stream.js";

/**
 * rapidbyte's machine-readable pipeline output: a line `@@BENCH_JSON@@{…}` holding
 * one `PipelineResult`, or a line of its results history (the same object enriched with
 * `mode`, `bench_rows`, `git_sha`, … by the bench harness). Newer rapidbyte nests its headline
 * numbers in `canonical_metrics`; they are flattened here.
 */

/** One decoded run: its numbers, and the fields that say which run it was. */
export interface PipelineRun {
  fields: PipelineFields;
  context: Record<string, unknown>;
}

/** A field named as a measurement (by its unit suffix) must hold a number; other text is context. */
const METRIC_NAME = /(?:_secs|_ms|_nanos|_count|_per_sec|_mb|_bytes|_rows)$|^(?:records|bytes)_/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Checks and splits one decoded object. Every number must be finite and not negative (all
 * `PipelineResult` fields are times, counts or rates); text and flags are context.
 */
export function decodePipelineRun(value: unknown, file: string, where: string): PipelineRun {
  if (!isRecord(value)) throw new ResultFileError(file, where, "expected a JSON object (a PipelineResult)");
  const fields: PipelineFields = {};
  const context: Record<string, unknown> = {};
  const takeNumber = (key: string, v: unknown, path: string) => {
    if (v === null)
      throw new ResultFileError(file, `${where}, field ${path}`, "is NaN, Infinity or null, not a number");
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ResultFileError(file, `${where}, field ${path}`, `${JSON.stringify(v)} is not a finite number`);
    }
    if (v < 0) throw new ResultFileError(file, `${where}, field ${path}`, `${v} is negative`);
    fields[key] = v;
  };
  for (const [key, v] of Object.entries(value)) {
    if (PIPELINE_CONTEXT_FIELDS.has(key)) context[key] = v;
    else if (key === "canonical_metrics") {
      if (!isRecord(v)) throw new ResultFileError(file, `${where}, field canonical_metrics`, "is not an object");
      for (const [inner, n] of Object.entries(v)) takeNumber(inner, n, `canonical_metrics.${inner}`);
    } else if (typeof v === "number" || v === null || METRIC_NAME.test(key)) {
      if (!(key in fields)) takeNumber(key, v, key);
    } else context[key] = v;
  }
  if (Object.keys(fields).length === 0) throw new ResultFileError(file, where, "holds no numeric fields");
  return { fields, context };
}

/** Decodes the text after the prefix of a `@@BENCH_JSON@@` line. */
export function decodeBenchJsonLine(text: string, file: string, lineNumber: number): PipelineRun {
  const json = text.slice(text.indexOf(BENCH_JSON_PREFIX) + BENCH_JSON_PREFIX.length).trim();
  if (json === "") throw new ResultFileError(file, `line ${lineNumber}`, `nothing follows ${BENCH_JSON_PREFIX}`);
  return decodePipelineRun(parseJson(json, file, lineNumber), file, `line ${lineNumber}`);
}

/**
 * Every `@@BENCH_JSON@@` line of a command's output (rapidbyte prints one per pipeline run; a
 * script that runs the pipeline several times prints several). None is an error naming
 * `origin` (which says which iteration printed it); a bad line names its line too.
 */
export function findBenchJson(output: string, origin: string): (PipelineRun & { line: number })[] {
  const runs: (PipelineRun & { line: number })[] = [];
  for (const [text, line] of linesOf(output)) {
    if (text.startsWith(BENCH_JSON_PREFIX)) runs.push({ ...decodeBenchJsonLine(text, origin, line), line });
  }
  if (runs.length === 0) throw new ResultFileError(origin, undefined, `printed no ${BENCH_JSON_PREFIX} line`);
  return runs;
}

/** One run of a named pipeline benchmark, ready to become samples. */
export interface NamedPipelineRun {
  benchmarkName: string;
  fields: PipelineFields;
  params: Record<string, unknown>;
  origin: string;
}

/** Groups runs into one measurement per benchmark and field, each run one sample. */
export function pipelineMeasurements(
  runs: readonly NamedPipelineRun[],
  metadata: Record<string, unknown> = {},
): Measurement[] {
  const byKey = new Map<string, Measurement>();
  for (const run of runs) {
    for (const [field, value] of Object.entries(withDerivedRates(run.fields))) {
      const key = `${run.benchmarkName}\u0000${field}`;
      let m = byKey.get(key);
      if (!m) {
        const { units, direction } = pipelineMetric(field);
        m = {
          benchmarkName: run.benchmarkName,
          values: [],
          units,
          metric: field,
          direction,
          throughput: null,
          params: run.params,
          sourceFormat: "rapidbyte",
          metadata,
          origin: run.origin,
        };
        byKey.set(key, m);
      }
      m.values.push(value);
    }
  }
  return [...byKey.values()];
}

/**
 * Captured pipeline output or a results history (`publish --format rapidbyte`): every
 * `@@BENCH_JSON@@` line and every history line (a JSON object with `bench_rows` or `mode`).
 * Other lines are the run's human-readable output and are skipped. Failed history entries are
 * left out: they have no numbers worth keeping.
 */
export async function parseRapidbyte(
  lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  file: string,
): Promise<Measurement[]> {
  const runs: NamedPipelineRun[] = [];
  for await (const [line, lineNumber] of lines) {
    let run: PipelineRun;
    if (line.startsWith(BENCH_JSON_PREFIX)) run = decodeBenchJsonLine(line, file, lineNumber);
    else if (line.trimStart().startsWith("{")) {
      const value = parseJson(line, file, lineNumber);
      if (isRecord(value) && value.status === "failed") continue;
      run = decodePipelineRun(value, file, `line ${lineNumber}`);
    } else continue;
    const variant = typeof run.context.mode === "string" && run.context.mode !== "" ? run.context.mode : "run";
    const rows = typeof run.context.bench_rows === "number" ? run.context.bench_rows : undefined;
    runs.push({
      benchmarkName: pipelineBenchmarkName(variant, rows),
      fields: run.fields,
      params: { variant, ...(rows === undefined ? {} : { rows }) },
      origin: `${file}:${lineNumber}`,
    });
  }
  if (runs.length === 0)
    throw new ResultFileError(file, undefined, `no ${BENCH_JSON_PREFIX} lines or pipeline results found`);
  return pipelineMeasurements(runs);
}

/** Whether text (a file's head) looks like pipeline output or a pipeline results history. */
export function looksLikeRapidbyte(head: string): boolean {
  for (const [line] of linesOf(head)) {
    if (line.startsWith(BENCH_JSON_PREFIX)) return true;
  }
  const first = head.trimStart().split("\n", 1)[0] ?? "";
  return first.startsWith("{") && /"bench_rows"\s*:/.test(first) && /"duration_secs"\s*:/.test(first);
}
