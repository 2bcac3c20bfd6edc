import { appendFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { ResultFileError, type PipelineFields } from "../model/index.js";
import { parseJson } from "../parse/common.js";
import { decodePipelineRun } from "../parse/rapidbyte.js";
import { checkReadableFile, readLines } from "../parse/stream.js";
import type { PipelineIteration } from "../report/pipeline-report.js";

/**
 * The pipeline results history: one JSON line per iteration, the `PipelineResult` enriched as
 * rapidbyte's bench harness does (timestamp, mode, bench_rows, aot, git_sha, git_branch), so
 * that its `bench_compare.py` reads our file and `pipeline-results` reads theirs. We add the
 * full sha, the iteration, and a status: a failed iteration is recorded too, with the tail of
 * its error output, so the history says what happened, not only what succeeded.
 */
export const HISTORY_FILE = "pipeline-results.jsonl";

export interface HistoryEntry {
  timestamp: string;
  mode: string;
  bench_rows: number;
  aot: boolean;
  git_sha: string;
  git_sha_full: string;
  git_branch: string;
  iteration: number;
  status: "ok" | "failed";
  error?: string;
  fields: PipelineFields;
}

/** The line as written: the numbers at the top level, as rapidbyte writes them. */
export function historyLine(entry: HistoryEntry): string {
  const { fields, ...context } = entry;
  return `${JSON.stringify({ ...fields, ...context })}\n`;
}

/**
 * Appends one iteration. One `write` of one line with O_APPEND: concurrent writers (a matrix
 * of jobs sharing a folder) interleave whole lines, never parts of them.
 */
export async function appendHistory(file: string, entry: HistoryEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, historyLine(entry));
}

/** A history iteration as reports read it, with when and where it ran. */
export interface HistoryIteration extends PipelineIteration {
  shortSha: string;
  timestamp: string;
  line: number;
}

/** Reads a history; a line that is not a pipeline result is an `ResultFileError` naming it. */
export async function readHistory(file: string): Promise<HistoryIteration[]> {
  await checkReadableFile(file);
  const entries: HistoryIteration[] = [];
  for await (const [text, line] of readLines(file)) {
    if (text.trim() === "") continue;
    const value = parseJson(text, file, line);
    const failed = (value as { status?: unknown } | null)?.status === "failed";
    const run = failed
      ? { fields: {}, context: value as Record<string, unknown> }
      : decodePipelineRun(value, file, `line ${line}`);
    const { mode, bench_rows: rows, git_sha: shortSha, git_sha_full: fullSha, timestamp } = run.context;
    const need = (ok: boolean, what: string) => {
      if (!ok) throw new ResultFileError(file, `line ${line}`, `field ${what}`);
    };
    need(typeof mode === "string" && mode !== "", "mode: missing (the pipeline variant)");
    need(typeof rows === "number" && Number.isInteger(rows) && rows >= 0, "bench_rows: missing or not a row count");
    need(typeof shortSha === "string" && shortSha !== "", "git_sha: missing");
    entries.push({
      variant: mode as string,
      rows: rows as number,
      sha: typeof fullSha === "string" && fullSha !== "" ? fullSha : (shortSha as string),
      shortSha: shortSha as string,
      status: failed ? "failed" : "ok",
      fields: run.fields,
      timestamp: typeof timestamp === "string" ? timestamp : "",
      line,
    });
  }
  return entries;
}
