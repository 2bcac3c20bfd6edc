import { rename, writeFile } from "node:fs/promises";
import { ResultFileError, Result } from "../model/index.js";
import { checkShape, parseJson } from "./common.js";
import type { NumberedLine } from "./stream.js";

/**
 * lance-bench's own results file: JSON lines, a header then one normalized `Result` per line.
 * Run actions write it; `publish` reads it and stores the rows exactly as they were built on
 * the machine that ran the benchmarks (its test bed, its run), so running and publishing can
 * be separate jobs — e.g. an unprivileged pull-request job hands its file to a privileged one.
 */
export const RESULTS_FILE_KIND = "lance-bench-results";
export const RESULTS_SCHEMA_VERSION = 1;

export interface ResultsFileHeader {
  kind: typeof RESULTS_FILE_KIND;
  schema_version: number;
  /** What produced the file, e.g. "run-rust crates/lance". */
  producer: string;
  created_at: number;
}

export function isResultsFile(firstLine: string): boolean {
  return firstLine.startsWith("{") && firstLine.includes(`"${RESULTS_FILE_KIND}"`);
}

export async function parseResultsFile(
  lines: AsyncIterable<NumberedLine> | Iterable<NumberedLine>,
  file: string,
): Promise<Result[]> {
  const results: Result[] = [];
  let header: Partial<ResultsFileHeader> | undefined;
  for await (const [line, lineNumber] of lines) {
    if (line.trim() === "") continue;
    if (header === undefined) {
      header = checkHeader(parseJson(line, file, lineNumber), file, `line ${lineNumber}`);
      continue;
    }
    results.push(checkShape(Result, parseJson(line, file, lineNumber), file, `line ${lineNumber}`));
  }
  if (results.length === 0) throw new ResultFileError(file, undefined, "holds no results");
  return results;
}

function checkHeader(value: unknown, file: string, where: string): Partial<ResultsFileHeader> {
  const header = value as Partial<ResultsFileHeader> | null;
  if (header?.kind !== RESULTS_FILE_KIND) {
    throw new ResultFileError(file, where, `not a lance-bench results file (expected "kind": "${RESULTS_FILE_KIND}")`);
  }
  if (header.schema_version !== RESULTS_SCHEMA_VERSION) {
    throw new ResultFileError(
      file,
      `${where}, field schema_version`,
      `${JSON.stringify(header.schema_version)} is not supported (this lance-bench reads version ${RESULTS_SCHEMA_VERSION})`,
    );
  }
  return header;
}

/** Writes a results file atomically (a reader never sees half a file). */
export async function writeResultsFile(file: string, results: readonly Result[], producer: string): Promise<void> {
  const header: ResultsFileHeader = {
    kind: RESULTS_FILE_KIND,
    schema_version: RESULTS_SCHEMA_VERSION,
    producer,
    created_at: Math.floor(Date.now() / 1000),
  };
  const text = [header, ...results].map((record) => JSON.stringify(record)).join("\n") + "\n";
  const partial = `${file}.partial`;
  await writeFile(partial, text);
  await rename(partial, file);
}
