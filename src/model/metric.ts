import { z } from "zod";

/** Which way is better for a metric; every comparison reads this instead of assuming "lower". */
export const Direction = z.enum(["lower_is_better", "higher_is_better"]);
export type Direction = z.infer<typeof Direction>;

/** Where a record came from (the parser that produced it). */
export const SourceFormat = z.enum([
  "criterion-json",
  "criterion-dir",
  "bencher",
  "pytest",
  "rapidbyte",
  // what the suite measured of a benchmark's process tree: every run command's wall, CPU and
  // peak RSS (PROCESS_METRICS), and run-command's stage signals
  "command",
  // run-command: the formats a command's output is read in
  "redis-benchmark-csv",
  "valkey-search-json",
  "stage-model",
  "metrics-json",
]);
export type SourceFormat = z.infer<typeof SourceFormat>;

/**
 * What every run command measures of each run's benchmark process tree (process-metrics.ts):
 * stored names, units and directions, a data contract.
 */
export const PROCESS_METRICS = {
  wall_time: { units: "seconds", direction: "lower_is_better" },
  cpu_time: { units: "seconds", direction: "lower_is_better" },
  peak_rss: { units: "bytes", direction: "lower_is_better" },
} as const satisfies Record<string, { units: string; direction: Direction }>;
export type ProcessMetric = keyof typeof PROCESS_METRICS;

/**
 * The metadata a harness's process measurements carry (run-rust's `cargo-bench/<crate>`,
 * run-python's `pytest`): they sit beside the project's benchmarks, not among them, so compare
 * judges them as their own family (its own false-discovery budget) and they take no power from
 * the benchmarks. run-command's measurements are the benchmarks themselves and carry none.
 */
export const PROCESS_FAMILY = "process";
export const PROCESS_FAMILY_METADATA = { family: PROCESS_FAMILY } as const;

/** The formats of result files (`publish --format`); the others are read from a command's output by run-command. */
export const FILE_FORMATS = ["criterion-json", "criterion-dir", "bencher", "pytest", "rapidbyte"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** Outcome of one benchmark run: a skipped benchmark is not a regression. */
export const Status = z.enum(["ok", "skipped", "failed"]);
export type Status = z.infer<typeof Status>;

/**
 * Times are stored in nanoseconds per iteration (the Python lance-bench's convention), whatever unit the
 * tool printed; other metrics keep their own unit.
 */
export const TIME_UNIT = "nanoseconds";
export const TIME_METRIC = "time";

/** Scale factors from the time units benchmark tools print to nanoseconds. */
export const NANOSECONDS_PER: Readonly<Record<string, number>> = {
  ns: 1,
  nanoseconds: 1,
  us: 1e3,
  µs: 1e3,
  microseconds: 1e3,
  ms: 1e6,
  milliseconds: 1e6,
  s: 1e9,
  seconds: 1e9,
};

/** What a repository's config says a benchmark's samples are (any field may be left to the parser). */
export interface MetricOverride {
  unit?: string;
  direction?: Direction;
  metric?: string;
}
