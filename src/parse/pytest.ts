import { z } from "zod";
import { InputError, TIME_METRIC, TIME_UNIT, type Measurement } from "../model/index.js";
import { checkSamples, checkShape, parseJson } from "./common.js";

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
    stats: Stats,
  })
  .passthrough();

const Report = z
  .object({
    benchmarks: z.array(Entry),
    version: z.string().optional(),
    datetime: z.string().optional(),
    commit_info: z.record(z.string(), z.unknown()).optional(),
    machine_info: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

const NANOSECONDS_PER_SECOND = 1e9;

export interface PytestContext {
  warn(message: string): void;
  /** Records the interpreter that ran the benchmarks (part of the environment fingerprint). */
  noteToolchain(description: string): void;
}

export function parsePytestBenchmark(text: string, file: string, context: PytestContext): Measurement[] {
  const report = checkShape(Report, parseJson(text, file), file);
  const machine = report.machine_info ?? {};
  if (typeof machine.python_version === "string") {
    context.noteToolchain(`${String(machine.python_implementation ?? "python")} ${machine.python_version}`);
  }
  if (report.benchmarks.length === 0) throw new InputError(file, "field benchmarks", "is empty: no benchmarks ran");
  const measurements: Measurement[] = [];
  report.benchmarks.forEach((entry, index) => {
    const where = `field benchmarks[${index}].stats.data`;
    const { data, ...statsRaw } = entry.stats;
    if (data === undefined) {
      context.warn(`${file}: ${entry.fullname} has no stats.data (run pytest with --benchmark-json); skipped`);
      return;
    }
    checkSamples(data, file, where);
    measurements.push({
      benchmarkName: entry.fullname,
      values: data.map((seconds) => seconds * NANOSECONDS_PER_SECOND),
      units: TIME_UNIT,
      metric: TIME_METRIC,
      direction: "lower_is_better",
      throughput: null,
      params: entry.params ?? null,
      sourceFormat: "pytest",
      metadata: { ...entry, stats: statsRaw, pytest_benchmark_version: report.version ?? null },
      origin: `${file}#benchmarks[${index}]`,
    });
  });
  if (measurements.length === 0) {
    throw new InputError(file, "field benchmarks", "no entry has stats.data: nothing to publish");
  }
  return measurements;
}
