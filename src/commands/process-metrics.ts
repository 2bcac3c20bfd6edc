import path from "node:path";
import { PROCESS_METRICS, type Measurement, type ProcessMetric } from "../model/index.js";
import type { SpawnResult } from "../run/spawn.js";

/**
 * The suite's own measurements of one benchmark process (its whole process tree): how long it
 * ran, the CPU time it used and its peak resident memory. Every run command records them for
 * every run, beside what the benchmarks themselves report: run-command under the program's
 * name, run-rust under `cargo-bench/<crate>` (`cargo-criterion/<crate>`), run-python under
 * `pytest` (`pytest/<workdir>`). Stored like any other metric (lower is better), with the run's
 * repetition and A/B side, so compare judges them as it judges the benchmarks. The metrics'
 * names, units and directions are the model's PROCESS_METRICS.
 */

/**
 * The benchmark a crate's `cargo bench` (or `cargo criterion`) process is stored under:
 * `cargo-bench/<crate name>` (`cargo-criterion/<crate name>`). One process per crate and run:
 * it runs all the crate's bench targets, so they share it. The runner is part of the name (its
 * own process does different work: cargo criterion analyses and reports itself). It cannot be
 * mistaken for a Criterion or libtest benchmark: those are stored under metric `time` only, so
 * no (benchmark, metric) pair of theirs is one of these `wall_time`, `cpu_time` or `peak_rss`.
 */
export function cargoProcessName(runner: "cargo-bench" | "cargo-criterion", crateName: string): string {
  return `${runner}/${crateName}`;
}

/**
 * The benchmark a pytest process is stored under: `pytest`, or `pytest/<workdir>` for a suite in
 * a subfolder. pytest-benchmark names its benchmarks by node id (`tests/test_x.py::test_y`),
 * always with `::`, which this name never holds: no benchmark of the suite (whatever metric the
 * repository's config gives it) can be stored under it.
 */
export function pytestProcessName(workdir: string): string {
  const folder = path.posix.normalize(workdir.replaceAll("\\", "/")).replace(/^(\.\/)+|\/+$/g, "");
  return (folder === "." || folder === "" ? "pytest" : `pytest/${folder}`).replace(/:{2,}/g, ":");
}

/** How often the RSS of a benchmark's process tree is sampled (run-command's `--sample-interval-ms` default). */
export const PROCESS_SAMPLE_INTERVAL_MS = 50;

/** What one run of a benchmark process used. */
export interface ProcessUsage {
  wallSeconds: number;
  /** User + system seconds of the whole tree; undefined where /proc cannot tell (off Linux). */
  cpuSeconds?: number;
  /** Bytes; undefined when the tree ended before a first sample could see it. */
  peakRssBytes?: number;
  /** RSS samples taken. */
  rssSamples: number;
  /** How often the RSS was sampled. */
  intervalMs: number;
}

/** The usage of a run spawned with `measureTree: { intervalMs }`. */
export function processUsage(ran: Pick<SpawnResult, "durationMs" | "usage">, intervalMs: number): ProcessUsage {
  return {
    wallSeconds: ran.durationMs / 1000,
    ...(ran.usage?.cpuSeconds === undefined ? {} : { cpuSeconds: ran.usage.cpuSeconds }),
    ...(ran.usage?.peakRssBytes === undefined ? {} : { peakRssBytes: ran.usage.peakRssBytes }),
    rssSamples: ran.usage?.samples ?? 0,
    intervalMs,
  };
}

/** What the process measurements of one run share besides their numbers. */
export interface ProcessRecord {
  /** Where they were measured, for messages. */
  origin: string;
  /** Metadata of every one of them (e.g. the command line). */
  metadata?: Record<string, unknown>;
  params?: Record<string, unknown> | null;
  /** As `Measurement.identity`. */
  identity?: string;
}

/**
 * One run's process measurements under `benchmarkName`: wall_time always, cpu_time and
 * peak_rss when measured (peak_rss with the RSS sample count and interval in its metadata).
 * Source format "command": the suite measured them, no benchmark harness reported them.
 */
export function processMeasurements(benchmarkName: string, usage: ProcessUsage, record: ProcessRecord): Measurement[] {
  const measurement = (metric: ProcessMetric, value: number, metadata: Record<string, unknown> = {}): Measurement => ({
    benchmarkName,
    values: [value],
    units: PROCESS_METRICS[metric].units,
    metric,
    direction: PROCESS_METRICS[metric].direction,
    throughput: null,
    params: record.params ?? null,
    sourceFormat: "command",
    metadata: { ...record.metadata, ...metadata },
    origin: record.origin,
    ...(record.identity === undefined ? {} : { identity: record.identity }),
  });
  const measurements = [measurement("wall_time", usage.wallSeconds)];
  if (usage.cpuSeconds !== undefined) measurements.push(measurement("cpu_time", usage.cpuSeconds));
  if (usage.peakRssBytes !== undefined) {
    measurements.push(
      measurement("peak_rss", usage.peakRssBytes, {
        rss_samples: usage.rssSamples,
        rss_interval_ms: usage.intervalMs,
      }),
    );
  }
  return measurements;
}

/** One benchmark process run, for reports: which process, which run (and side) of it, what it used. */
export interface ProcessRun {
  benchmark: string;
  /** The run's repetition (1 when it ran once). */
  repetition: number;
  /** The side of a same-runner A/B. */
  role?: "base" | "head";
  wallSeconds: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
}

/** A run's usage as a report line. */
export function processRun(
  benchmark: string,
  usage: ProcessUsage,
  run: { repetition: number; role?: "base" | "head" } | undefined,
): ProcessRun {
  return {
    benchmark,
    repetition: run?.repetition ?? 1,
    ...(run?.role === undefined ? {} : { role: run.role }),
    wallSeconds: usage.wallSeconds,
    ...(usage.cpuSeconds === undefined ? {} : { cpuSeconds: usage.cpuSeconds }),
    ...(usage.peakRssBytes === undefined ? {} : { peakRssBytes: usage.peakRssBytes }),
  };
}
