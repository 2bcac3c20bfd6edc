import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import {
  BenchmarkName,
  ConfigurationError,
  FILE_FORMATS,
  ResultFileError,
  type FileFormat,
  type Measurement,
  type Result,
} from "../model/index.js";
import { LOOKS_LIKE_BENCH, hasBenchLines, parseBencher } from "./bencher.js";
import { checkReadableFile, readChunks, readHead, readLines } from "./stream.js";
import { parseCriterionDir } from "./criterion-dir.js";
import { parseCriterionJson } from "./criterion-json.js";
import { parsePytestBenchmark, type PytestContext } from "./pytest.js";
import { looksLikeRapidbyte, parseRapidbyte } from "./rapidbyte.js";
import { RESULTS_FILE_KIND, isResultsFile, parseResultsFile } from "./results-file.js";
import { OUTPUT_FORMATS, parseCommandOutput, type OutputFormat } from "./command-formats.js";

export { RESULTS_FILE_KIND, writeResultsFile } from "./results-file.js";

export { findCriterionBenchmarks } from "./criterion-dir.js";

/**
 * Formats a benchmark command prints (run-command's), which publish also reads from a saved
 * file when told to: never auto-detected (a CSV or a bare JSON object says too little).
 */
export const OUTPUT_FILE_FORMATS = OUTPUT_FORMATS.filter((f): f is Exclude<OutputFormat, "none"> => f !== "none");

/** Formats `--format` accepts: every tool format, our own results file, or auto-detection. */
export const FORMAT_CHOICES = [
  "auto",
  ...FILE_FORMATS,
  RESULTS_FILE_KIND,
  "redis-benchmark-csv",
  "valkey-search-json",
  "stage-model",
  "metrics-json",
] as const satisfies readonly string[];
export type FormatChoice = (typeof FORMAT_CHOICES)[number];

export interface ParsedInputs {
  /** Raw tool output, still to be given its build, machine and run. */
  measurements: Measurement[];
  /** Complete records from lance-bench results files, stored as they are. */
  results: Result[];
  warnings: string[];
  /** The format each input was read as. */
  formats: Record<string, FileFormat | typeof RESULTS_FILE_KIND | Exclude<OutputFormat, "none">>;
  /** Interpreters or compilers named by the result files themselves (e.g. pytest's Python). */
  toolchain: string[];
}

const HEAD_BYTES = 1024 * 1024;

/** How `detectFormat` begins its complaint; a command with a format option adds how to force one. */
export const UNKNOWN_FORMAT = "unknown format";

/**
 * Guesses a file's format from its content (never from its name, which CI steps choose
 * freely): from its first megabyte, and for captured `cargo bench` output whose bench lines
 * come later, from a streamed scan for the first bench line.
 */
export async function detectFormat(file: string): Promise<TextFormat> {
  const size = await checkReadableFile(file);
  const head = await readHead(file, HEAD_BYTES);
  const firstLine = head.trimStart().split("\n", 1)[0] ?? "";
  if (isResultsFile(firstLine)) return RESULTS_FILE_KIND;
  if (firstLine.startsWith("{") && /"reason"\s*:/.test(firstLine)) return "criterion-json";
  if (hasBenchLines(head)) return "bencher";
  if (looksLikeRapidbyte(head)) return "rapidbyte";
  if (firstLine.startsWith("{")) return "pytest";
  if (head.trim() === "") throw new ResultFileError(file, undefined, "file is empty");
  if (size > HEAD_BYTES) {
    for await (const [line] of readLines(file)) if (LOOKS_LIKE_BENCH.test(line)) return "bencher";
  }
  throw new ResultFileError(
    file,
    undefined,
    `${UNKNOWN_FORMAT}: not cargo-criterion JSON lines, pytest-benchmark JSON, bencher lines or @@BENCH_JSON@@ lines`,
  );
}

async function isDirectory(input: string): Promise<boolean> {
  try {
    return (await stat(input)).isDirectory();
  } catch {
    throw new ResultFileError(input, undefined, "no such file or directory");
  }
}

/**
 * Reads every input with its parser. Nothing is written anywhere: a bad file throws an
 * `ResultFileError` before the store is touched.
 */
export async function parseInputs(
  inputs: readonly string[],
  format: FormatChoice = "auto",
  /** The repository config's unit, direction and metric per benchmark (pytest-benchmark's custom timers). */
  metricFor?: PytestContext["metricFor"],
): Promise<ParsedInputs> {
  if (inputs.length === 0) throw new ConfigurationError("no result files given");
  const result: ParsedInputs = { measurements: [], results: [], warnings: [], formats: {}, toolchain: [] };
  const context: PytestContext = {
    metricFor,
    warn: (message) => result.warnings.push(message),
    noteToolchain: (description) => {
      if (!result.toolchain.includes(description)) result.toolchain.push(description);
    },
  };
  for (const input of inputs) {
    let chosen: ParsedInputs["formats"][string];
    let measurements: Measurement[] = [];
    if (isOutputFormat(format)) {
      if (await isDirectory(input))
        throw new ResultFileError(input, undefined, `is a directory, but --format ${format} reads a file`);
      chosen = format;
      measurements = await parseOutputFile(format, input);
    } else if (await isDirectory(input)) {
      if (format !== "auto" && format !== "criterion-dir") {
        throw new ResultFileError(input, undefined, `is a directory, but --format ${format} reads a file`);
      }
      chosen = "criterion-dir";
      measurements = await parseCriterionDir(input);
    } else {
      if (format === "criterion-dir") {
        throw new ResultFileError(input, undefined, "--format criterion-dir needs a directory (e.g. target/criterion)");
      }
      const textFormat = format === "auto" ? await detectFormat(input) : format;
      chosen = textFormat;
      if (textFormat === RESULTS_FILE_KIND) result.results.push(...(await parseResultsFile(readLines(input), input)));
      else measurements = await parseFile(textFormat, input, context);
    }
    result.formats[input] = chosen;
    result.measurements.push(...measurements);
  }
  rejectDuplicates(result.measurements);
  return result;
}

type TextFormat = Exclude<FileFormat, "criterion-dir"> | typeof RESULTS_FILE_KIND;

const isOutputFormat = (format: FormatChoice): format is Exclude<OutputFormat, "none"> =>
  (OUTPUT_FILE_FORMATS as readonly string[]).includes(format);

/** A command's output is held whole to be parsed (run-command holds its stdout too): bounded. */
const MAX_OUTPUT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A saved benchmark command output (`redis-benchmark --csv > get.csv`): its metrics, under the
 * benchmark the output names, else the file's name without its extension. A file that records
 * a skipped or failed run has nothing to publish: that is an error naming the reason (the
 * run-command records such runs with their status).
 */
async function parseOutputFile(format: Exclude<OutputFormat, "none">, file: string): Promise<Measurement[]> {
  const size = await checkReadableFile(file);
  if (size > MAX_OUTPUT_FILE_BYTES) {
    throw new ResultFileError(file, undefined, `is ${size} bytes; a ${format} output is read whole, at most 64 MiB`);
  }
  const text = await readFile(file, "utf8");
  const output = parseCommandOutput(format, text, file);
  if (output.status !== "ok") {
    throw new ResultFileError(
      file,
      undefined,
      `records a ${output.status} run (${output.reason ?? "no reason given"}): nothing to publish`,
    );
  }
  const fallback = path.basename(file).replace(/\.[^.]*$/, "") || path.basename(file);
  return output.metrics.map((m) => {
    const benchmarkName = BenchmarkName.safeParse(m.benchmark ?? fallback);
    if (!benchmarkName.success) {
      throw new ResultFileError(
        file,
        undefined,
        `benchmark name "${m.benchmark ?? fallback}" is not usable: ${benchmarkName.error.issues[0]?.message}`,
      );
    }
    return {
      benchmarkName: benchmarkName.data,
      values: m.values,
      units: m.units,
      metric: m.metric,
      direction: m.direction,
      throughput: null,
      params: null,
      sourceFormat: format,
      metadata: m.metadata ?? {},
      origin: file,
    };
  });
}

/** Streams a file through its parser: the file is never held in memory whole. */
function parseFile(
  format: Exclude<TextFormat, typeof RESULTS_FILE_KIND>,
  file: string,
  context: PytestContext,
): Promise<Measurement[]> {
  switch (format) {
    case "criterion-json":
      return parseCriterionJson(readLines(file), file);
    case "bencher":
      return parseBencher(readLines(file), file);
    case "pytest":
      return parsePytestBenchmark(readChunks(file), file, context);
    case "rapidbyte":
      return parseRapidbyte(readLines(file), file);
  }
}

/**
 * Names must be usable everywhere they go (see BenchmarkName), and two records for one
 * benchmark and metric in one publish would make the stored key ambiguous.
 */
function rejectDuplicates(measurements: readonly Measurement[]): void {
  const seen = new Map<string, string>();
  for (const m of measurements) {
    const name = BenchmarkName.safeParse(m.benchmarkName);
    if (!name.success) {
      const shown = JSON.stringify(m.benchmarkName.slice(0, 80)) + (m.benchmarkName.length > 80 ? "…" : "");
      throw new ResultFileError(m.origin, `benchmark name ${shown}`, name.error.issues[0]!.message);
    }
    const key = `${m.benchmarkName}\u0000${m.metric}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ResultFileError(
        m.origin,
        undefined,
        `benchmark "${m.benchmarkName}" appears twice (first at ${first})`,
      );
    }
    seen.set(key, m.origin);
  }
}
