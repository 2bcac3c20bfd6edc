import { z } from "zod";
import { Direction, SourceFormat, Status } from "./metric.js";

/**
 * The stored record: the Python lance-bench's ten columns (same names and meaning; docs/architecture.md) plus the
 * suite's extension columns. Every component of the suite reads and writes this one shape.
 */

const finite = z.number().finite();

export const SummaryValues = z.object({
  min: finite,
  q1: finite,
  median: finite,
  q3: finite,
  max: finite,
  mean: finite,
  standard_deviation: finite,
});
export type SummaryValues = z.infer<typeof SummaryValues>;

/** Criterion throughput: `multiplier` units of `name` per iteration. */
export const Throughput = z.object({
  multiplier: finite,
  name: z.string().min(1),
  unit_system: z.string().min(1),
});
export type Throughput = z.infer<typeof Throughput>;

/** The build under test. `version` is `{VERSION}+{SHORT_SHA}`, `timestamp` the commit time. */
export const DutBuild = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  timestamp: z.number().int(),
});
export type DutBuild = z.infer<typeof DutBuild>;

export const TestBed = z.object({
  name: z.string().min(1),
  cpu: z.string().min(1),
  memory_gb: z.number().int().nonnegative(),
  os: z.string().min(1),
  created_at: z.number().int(),
});
export type TestBed = z.infer<typeof TestBed>;

/** Where the numbers were produced: lets a re-run be recognised and PR results be traced. */
export const RunInfo = z.object({
  provider: z.string().min(1),
  repository: z.string(),
  workflow: z.string(),
  run_id: z.string().min(1),
  run_attempt: z.number().int().positive(),
  ref: z.string(),
  pr_number: z.number().int().positive().nullable(),
});
export type RunInfo = z.infer<typeof RunInfo>;

export const SHA_PATTERN = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Longer names are not benchmark names (pytest ids with parameters run to a few hundred). */
export const MAX_BENCHMARK_NAME_CHARS = 2048;

/**
 * A benchmark name: any Unicode text, but bounded, and without control characters — names
 * end up in logs (where a newline could forge a GitHub workflow command), PR comments,
 * tables and file names.
 */
export const BenchmarkName = z
  .string()
  .min(1, "is empty")
  .max(MAX_BENCHMARK_NAME_CHARS, `is longer than ${MAX_BENCHMARK_NAME_CHARS} characters`)
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f-\u009f]/.test(name), "contains a control character (newline, tab, NUL, …)");

/**
 * A measured benchmark (`status` ok) has samples and their summary; a benchmark that failed
 * or was skipped has neither (`values` empty, `summary` null) and says why in `status_reason`.
 * Readers that compare or summarise take `status` ok rows only.
 */
export const Result = z
  .object({
    // --- the Python lance-bench's columns ---
    id: z.string().uuid(),
    dut: DutBuild,
    test_bed: TestBed,
    benchmark_name: BenchmarkName,
    values: z.array(finite),
    summary: SummaryValues.nullable(),
    units: z.string().min(1),
    throughput: Throughput.nullable(),
    metadata: z.string(),
    timestamp: z.number().int(),
    // --- extension columns ---
    sha: z.string().regex(SHA_PATTERN),
    metric: z.string().min(1),
    direction: Direction,
    params: z.string().nullable(),
    source_format: SourceFormat,
    status: Status,
    status_reason: z.string().nullable(),
    run: RunInfo,
    fingerprint: z.string().min(1),
  })
  .superRefine((result, context) => {
    if (result.status !== "ok") {
      if (!result.status_reason)
        context.addIssue({ code: "custom", path: ["status_reason"], message: `a ${result.status} result says why` });
      return;
    }
    if (result.values.length === 0)
      context.addIssue({
        code: "too_small",
        origin: "array",
        minimum: 1,
        inclusive: true,
        path: ["values"],
        message: "Too small: expected array to have >=1 items",
      });
    if (result.summary === null)
      context.addIssue({ code: "custom", path: ["summary"], message: "a measured result has a summary" });
  });
export type Result = z.infer<typeof Result>;

/**
 * What a parser produces for one benchmark: everything about the measurement itself, nothing
 * about the machine, the build or the CI run (those are attached by the publish command).
 */
export interface Measurement {
  benchmarkName: string;
  /** Every sample, per iteration, in `units`. */
  values: number[];
  units: string;
  metric: string;
  direction: Direction;
  throughput: Throughput | null;
  params: Record<string, unknown> | null;
  sourceFormat: SourceFormat;
  /** The raw source record (sample arrays already in `values` are left out). */
  metadata: Record<string, unknown>;
  /** Where it was read from, for messages. */
  origin: string;
  /**
   * What else tells this record apart from others of the same benchmark and metric in one CI
   * run (run-command: the parameter values of the run), part of its stored id.
   */
  identity?: string;
}
