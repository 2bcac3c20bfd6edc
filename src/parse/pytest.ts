import { z } from "zod";
import {
  ResultFileError,
  NANOSECONDS_PER,
  TIME_METRIC,
  TIME_UNIT,
  type Measurement,
  type MetricOverride,
} from "../model/index.js";
import { checkSamples, checkShape } from "./common.js";
import { streamJsonObject } from "./json-stream.js";

/**
 * pytest-benchmark's `--benchmark-json` (3.x–5.x): one object with `benchmarks[]`, each with
 * `stats.data[]` = per-iteration seconds of every round (pytest-benchmark divides a round's
 * duration by its iteration count before storing it). Stored in nanoseconds.
 * Entries without `stats.data` (e.g. from a `--benchmark-save` file written without
 * `--benchmark-save-data`) are skipped with a warning: there are no samples to store.
 */

const Stats = z
  .object({
    data: z.array(z.number()).min(1, "no samples").optional(),
    iterations: z.number().int().positive().optional(),
    rounds: z.number().int().nonnegative().optional(),
  })
  .passthrough();

const Entry = z
  .object({
    name: z.string().min(1),
    fullname: z.string().min(1),
    group: z.string().nullish(),
    params: z.record(z.string(), z.unknown()).nullish(),
    // pytest-benchmark names the benchmark's timer here ("perf_counter", or a custom one's name).
    options: z.object({ timer: z.string().nullish() }).passthrough().nullish(),
    stats: Stats,
  })
  .passthrough();

/** The top-level members kept; `benchmarks` is streamed separately (see json-stream.ts). */
const ReportMembers = z
  .object({
    version: z.string().optional(),
    datetime: z.string().optional(),
    commit_info: z.record(z.string(), z.unknown()).nullish(),
    machine_info: z.record(z.string(), z.unknown()).nullish(),
  })
  .passthrough();

const NANOSECONDS_PER_SECOND = 1e9;

export interface PytestContext {
  warn: (message: string) => void;
  /** Records the interpreter that ran the benchmarks (part of the environment fingerprint). */
  noteToolchain(description: string): void;
  /** A report without benchmarks is no error (every benchmark's test failed, and that is recorded). */
  allowEmpty?: boolean;
  /** What the repository's config says a benchmark's samples are (unit, direction, metric). */
  metricFor?: (benchmarkName: string) => MetricOverride | undefined;
}

/** Timers that count seconds (pytest-benchmark's default is perf_counter), with or without "time.". */
const SECONDS_TIMERS = new Set([
  "perf_counter",
  "time",
  "monotonic",
  "process_time",
  "thread_time",
  "clock",
  "default_timer",
]);
const isSecondsTimer = (timer: string) => SECONDS_TIMERS.has(timer.replace(/^(?:time|timeit)\./, ""));

/** Samples in the timer's own unit → what is stored: times in nanoseconds, other units as they are. */
function storedSamples(
  data: readonly number[],
  name: string,
  timer: string | undefined,
  override: MetricOverride | undefined,
  warn: (message: string) => void,
) {
  const direction = override?.direction ?? "lower_is_better";
  if (override?.unit !== undefined) {
    const perUnit = NANOSECONDS_PER[override.unit];
    if (perUnit !== undefined) {
      return {
        values: data.map((v) => v * perUnit),
        units: TIME_UNIT,
        metric: override.metric ?? TIME_METRIC,
        direction,
      };
    }
    return { values: [...data], units: override.unit, metric: override.metric ?? override.unit, direction };
  }
  if (timer !== undefined && !isSecondsTimer(timer)) {
    warn(
      `${name}: pytest-benchmark timer "${timer}" is not a known clock in seconds; stored as seconds (lower is better). If it measures something else, give its unit and direction in .lance-bench.yml (metrics: - match: "<name pattern>", unit: …, direction: …)`,
    );
  }
  return {
    values: data.map((seconds) => seconds * NANOSECONDS_PER_SECOND),
    units: TIME_UNIT,
    metric: override?.metric ?? TIME_METRIC,
    direction,
  };
}

/** Parses pytest-benchmark JSON streamed from `chunks`, one benchmark entry in memory at a time. */
export async function parsePytestBenchmark(
  chunks: AsyncIterable<string>,
  file: string,
  context: PytestContext,
): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const streamed = await streamJsonObject(chunks, file, "benchmarks", (element, index, line) => {
    const entry = checkShape(Entry, element, file, `line ${line}`, ["benchmarks", index]);
    const { data, ...statsRaw } = entry.stats;
    if (data === undefined) {
      context.warn(`${file}: ${entry.fullname} has no stats.data (run pytest with --benchmark-json); skipped`);
      return;
    }
    checkSamples(data, file, `line ${line}, field benchmarks[${index}].stats.data`);
    const timer = entry.options?.timer ?? undefined;
    const stored = storedSamples(data, entry.fullname, timer, context.metricFor?.(entry.fullname), context.warn);
    measurements.push({
      benchmarkName: entry.fullname,
      ...stored,
      throughput: null,
      params: entry.params ?? null,
      sourceFormat: "pytest",
      metadata: { ...entry, stats: statsRaw, timer: timer ?? null },
      origin: `${file}#benchmarks[${index}]`,
    });
  });
  if (!streamed.sawArray) throw new ResultFileError(file, "field benchmarks", "is missing: not pytest-benchmark JSON");
  const report = checkShape(ReportMembers, streamed.members, file);
  const machine = report.machine_info ?? {};
  if (typeof machine.python_version === "string") {
    const implementation = typeof machine.python_implementation === "string" ? machine.python_implementation : "python";
    context.noteToolchain(`${implementation} ${machine.python_version}`);
  }
  if (streamed.elements === 0) {
    if (context.allowEmpty) return [];
    throw new ResultFileError(file, "field benchmarks", "is empty: no benchmarks ran");
  }
  if (measurements.length === 0) {
    throw new ResultFileError(file, "field benchmarks", "no entry has stats.data: nothing to publish");
  }
  // The version is written after the benchmarks, so it is attached once the stream ends.
  for (const m of measurements) m.metadata = { ...m.metadata, pytest_benchmark_version: report.version ?? null };
  return measurements;
}
