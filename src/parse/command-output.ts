import { ResultFileError, type Direction } from "../model/index.js";
import { parseJson } from "./common.js";
import { linesOf } from "./stream.js";

/**
 * What one run of a benchmark command printed, read in a named format (run-command): metrics,
 * and whether the run counts (`ok`), could not run here (`skipped`, not a regression) or
 * measured something wrong (`failed`, e.g. parity invariants that disagree).
 */
export interface CommandOutput {
  status: "ok" | "skipped" | "failed";
  /** Why a run was skipped or failed. */
  reason?: string;
  metrics: OutputMetric[];
}

/** One metric of one run: one value or several samples, with its unit and direction. */
export interface OutputMetric {
  /** The benchmark it belongs to (default: the command's benchmark name). */
  benchmark?: string;
  metric: string;
  values: number[];
  units: string;
  direction: Direction;
  /** The raw record it came from (kept in `metadata`). */
  metadata?: Record<string, unknown>;
}

/** Where an output came from, for messages: `run 2 of redis-benchmark, redis-benchmark-csv output`. */
export const outputOrigin = (run: string, format: string) => `${run}, ${format} output`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * The JSON object a command printed on stdout: the whole output when it is one (pretty-printed
 * or not), else the last line that starts with `{` (logs may come before it). Errors name the
 * origin and the line.
 */
export function findJsonObject(stdout: string, origin: string): { value: Record<string, unknown>; line: number } {
  const trimmed = stdout.trim();
  if (trimmed === "")
    throw new ResultFileError(origin, undefined, "printed nothing on stdout (expected a JSON object)");
  if (trimmed.startsWith("{") && trimmed.endsWith("}")) {
    const firstLine = stdout.slice(0, stdout.indexOf("{")).split("\n").length;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      value = undefined;
    }
    // One document, or JSON lines whose last one is the result.
    if (value === undefined && !trimmed.includes("\n")) value = parseJson(trimmed, origin, undefined, firstLine);
    if (isRecord(value)) return { value, line: firstLine };
  }
  let last: readonly [string, number] | undefined;
  for (const [text, line] of linesOf(stdout)) if (text.trimStart().startsWith("{")) last = [text, line];
  if (!last) throw new ResultFileError(origin, undefined, "printed no JSON object on stdout (no line starts with {)");
  const value = parseJson(last[0], origin, last[1]);
  if (!isRecord(value)) throw new ResultFileError(origin, `line ${last[1]}`, "is not a JSON object");
  return { value, line: last[1] };
}

/** A run's own `"status": "skipped", "reason": …` (intermine314's convention), or undefined. */
export function skippedRecord(
  value: Record<string, unknown>,
  origin: string,
  where: string,
): CommandOutput | undefined {
  const { status, reason } = value;
  if (status === undefined || status === "ok") return undefined;
  if (status !== "skipped") {
    throw new ResultFileError(origin, `${where}, field status`, `${JSON.stringify(status)} is not "ok" or "skipped"`);
  }
  if (reason !== undefined && typeof reason !== "string") {
    throw new ResultFileError(origin, `${where}, field reason`, "is not a string");
  }
  return { status: "skipped", reason: reason?.trim() || "the command reported the run as skipped", metrics: [] };
}

/** A finite number at `path`, else a ResultFileError naming it. */
export function finiteNumber(value: unknown, origin: string, where: string): number {
  if (value === null) throw new ResultFileError(origin, where, "is NaN, Infinity or null, not a finite number");
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ResultFileError(origin, where, `${JSON.stringify(value)} is not a finite number`);
  }
  return value;
}
