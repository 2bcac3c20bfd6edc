import { ResultFileError } from "../model/index.js";
import type { CommandOutput, OutputMetric } from "./command-output.js";
import { linesOf } from "./stream.js";

/**
 * `redis-benchmark --csv` and `valkey-benchmark --csv` (the same program, renamed): a header
 * line, then one row per test (`"SET","43290.04","0.152",…`), every field quoted. Latencies
 * are in milliseconds as printed; rps becomes the metric `qps`.
 */

export const REDIS_CSV_HEADER = [
  "test",
  "rps",
  "avg_latency_ms",
  "min_latency_ms",
  "p50_latency_ms",
  "p95_latency_ms",
  "p99_latency_ms",
  "max_latency_ms",
] as const;

/** Each column after the test name: the metric it becomes. */
const COLUMNS: readonly [column: string, metric: string][] = [
  ["rps", "qps"],
  ["avg_latency_ms", "latency_avg"],
  ["min_latency_ms", "latency_min"],
  ["p50_latency_ms", "latency_p50"],
  ["p95_latency_ms", "latency_p95"],
  ["p99_latency_ms", "latency_p99"],
  ["max_latency_ms", "latency_max"],
];

/**
 * The fields of one CSV line (RFC 4180: fields quoted or not, `""` inside quotes is a quote).
 * Hand-written: the format is eight fields on one line, and a CSV library would add a
 * dependency to every action bundle for it. Undefined when a quote is left open.
 */
export function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = "";
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ",") return undefined;
    } else {
      const end = line.indexOf(",", i);
      field = line.slice(i, end === -1 ? line.length : end);
      i = end === -1 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++; // the comma
  }
}

/** Reads the CSV a redis-benchmark run printed; `origin` names the run and format in errors. */
export function parseRedisBenchmarkCsv(stdout: string, origin: string): CommandOutput {
  let headerLine: number | undefined;
  const metrics: OutputMetric[] = [];
  const seen = new Map<string, number>();
  for (const [text, line] of linesOf(stdout)) {
    if (text.trim() === "") continue;
    if (headerLine === undefined) {
      // redis-benchmark prints nothing else on stdout with --csv; anything before the header is not ours
      if (!text.startsWith('"test"') && !text.startsWith("test,")) continue;
      const header = csvFields(text);
      if (header?.join(",") !== REDIS_CSV_HEADER.join(",")) {
        throw new ResultFileError(
          origin,
          `line ${line}`,
          `unexpected CSV header (expected ${REDIS_CSV_HEADER.map((h) => `"${h}"`).join(",")})`,
        );
      }
      headerLine = line;
      continue;
    }
    const fields = csvFields(text);
    if (fields === undefined) throw new ResultFileError(origin, `line ${line}`, "a quote is left open");
    if (fields.length !== REDIS_CSV_HEADER.length) {
      throw new ResultFileError(
        origin,
        `line ${line}`,
        `has ${fields.length} fields, expected ${REDIS_CSV_HEADER.length}`,
      );
    }
    const [test = "", ...numbers] = fields;
    if (test.trim() === "") throw new ResultFileError(origin, `line ${line}, field test`, "is empty");
    const first = seen.get(test);
    if (first !== undefined)
      throw new ResultFileError(origin, `line ${line}`, `test "${test}" appears twice (first on line ${first})`);
    seen.set(test, line);
    const row: Record<string, number> = {};
    numbers.forEach((raw, index) => {
      const [column, metric] = COLUMNS[index]!;
      const value = raw.trim() === "" ? NaN : Number(raw);
      if (!Number.isFinite(value)) {
        throw new ResultFileError(
          origin,
          `line ${line}, field ${column}`,
          `${JSON.stringify(raw)} is not a finite number`,
        );
      }
      if (value < 0) throw new ResultFileError(origin, `line ${line}, field ${column}`, `${value} is negative`);
      row[metric] = value;
    });
    for (const [column, metric] of COLUMNS) {
      metrics.push({
        benchmark: test,
        metric,
        values: [row[metric]!],
        units: metric === "qps" ? "requests/s" : "milliseconds",
        direction: metric === "qps" ? "higher_is_better" : "lower_is_better",
        metadata: { redis_benchmark: { test, column, line } },
      });
    }
  }
  if (headerLine === undefined) {
    throw new ResultFileError(origin, undefined, `printed no CSV header line ("test","rps",…): was --csv given?`);
  }
  if (metrics.length === 0) throw new ResultFileError(origin, `line ${headerLine}`, "a header and no test rows");
  return { status: "ok", metrics };
}
