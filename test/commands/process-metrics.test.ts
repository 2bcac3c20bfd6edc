import { describe, expect, it } from "vitest";
import {
  cargoProcessName,
  processMeasurements,
  processRun,
  processUsage,
  pytestProcessName,
} from "../../src/commands/process-metrics.js";
import { toResults, type ResultsContext } from "../../src/commands/results-context.js";
import { formatMeasurement } from "../../src/report/format.js";
import { runPythonText, runRustMarkdown, runRustText } from "../../src/report/run-summary.js";

const MIB = 1024 * 1024;

const context: ResultsContext = {
  sha: "a".repeat(40),
  dut: { name: "fixture", version: "1.0.0+aaaaaaa", timestamp: 1_700_000_000 },
  testBed: { name: "box", cpu: "cpu", memory_gb: 4, os: "linux", created_at: 1_700_000_000 },
  toolchain: ["rustc 1.95.0"],
  fingerprint: "f".repeat(16),
  run: { provider: "local", repository: "", workflow: "", run_id: "r1", run_attempt: 1, ref: "", pr_number: null },
};

describe("the process measurements of one run", () => {
  it("are wall_time, cpu_time and peak_rss, in seconds and bytes, lower is better", () => {
    const usage = processUsage(
      { durationMs: 2_500, usage: { cpuSeconds: 4.2, peakRssBytes: 30 * MIB, samples: 51 } },
      50,
    );
    expect(usage).toEqual({
      wallSeconds: 2.5,
      cpuSeconds: 4.2,
      peakRssBytes: 30 * MIB,
      rssSamples: 51,
      intervalMs: 50,
    });
    const measured = processMeasurements("cargo-bench/fixture", usage, {
      origin: ". : cargo-bench",
      metadata: { command: ["cargo", "bench"] },
    });
    expect(measured.map((m) => [m.benchmarkName, m.metric, m.values, m.units, m.direction, m.sourceFormat])).toEqual([
      ["cargo-bench/fixture", "wall_time", [2.5], "seconds", "lower_is_better", "command"],
      ["cargo-bench/fixture", "cpu_time", [4.2], "seconds", "lower_is_better", "command"],
      ["cargo-bench/fixture", "peak_rss", [30 * MIB], "bytes", "lower_is_better", "command"],
    ]);
    // every one keeps the run's metadata; peak_rss also says how it was sampled
    expect(measured[0]!.metadata).toEqual({ command: ["cargo", "bench"] });
    expect(measured[2]!.metadata).toEqual({ command: ["cargo", "bench"], rss_samples: 51, rss_interval_ms: 50 });
    expect(measured.every((m) => m.params === null && m.identity === undefined && m.throughput === null)).toBe(true);
  });

  it("leave out what was not measured: no CPU time off Linux, no peak of a tree gone before a sample", () => {
    const usage = processUsage({ durationMs: 10 }, 50);
    expect(usage).toEqual({ wallSeconds: 0.01, rssSamples: 0, intervalMs: 50 });
    expect(processMeasurements("p", usage, { origin: "p" }).map((m) => m.metric)).toEqual(["wall_time"]);
  });

  it("carry a run's parameters and identity (run-command's)", () => {
    const usage = processUsage({ durationMs: 1_000, usage: { cpuSeconds: 1, peakRssBytes: MIB, samples: 3 } }, 20);
    const measured = processMeasurements("redis-benchmark", usage, {
      origin: "run 1",
      params: { clients: 8 },
      identity: '{"clients":8}',
    });
    expect(measured.every((m) => m.identity === '{"clients":8}')).toBe(true);
    expect(measured.every((m) => JSON.stringify(m.params) === '{"clients":8}')).toBe(true);
  });

  it("are stored with the run's repetition and side, each run and metric its own record", () => {
    const usage = processUsage({ durationMs: 1_000, usage: { cpuSeconds: 1, peakRssBytes: MIB, samples: 3 } }, 50);
    const measured = processMeasurements("pytest", usage, { origin: "pytest" });
    const head2 = toResults(measured, context, { repetition: 2, role: "head" });
    // (the base is another commit: its records differ by sha)
    const base2 = toResults(measured, { ...context, sha: "b".repeat(40) }, { repetition: 2, role: "base" });
    const head3 = toResults(measured, context, { repetition: 3, role: "head" });
    expect(JSON.parse(head2[0]!.metadata)).toMatchObject({ ab_repetition: 2, ab_role: "head" });
    expect(head2[2]).toMatchObject({ benchmark_name: "pytest", metric: "peak_rss", units: "bytes", status: "ok" });
    const ids = [...head2, ...base2, ...head3].map((r) => r.id);
    expect(new Set(ids).size).toBe(9);
    expect(processRun("pytest", usage, { repetition: 2, role: "base" })).toEqual({
      benchmark: "pytest",
      repetition: 2,
      role: "base",
      wallSeconds: 1,
      cpuSeconds: 1,
      peakRssBytes: MIB,
    });
    expect(processRun("pytest", usage, undefined)).toMatchObject({ repetition: 1 });
    expect(processRun("pytest", usage, undefined)).not.toHaveProperty("role");
  });
});

describe("the process benchmarks' names", () => {
  it("name the runner and the crate: one process per crate and run", () => {
    expect(cargoProcessName("cargo-bench", "lance-index")).toBe("cargo-bench/lance-index");
    expect(cargoProcessName("cargo-criterion", "lance-index")).toBe("cargo-criterion/lance-index");
  });

  it("name pytest and its workdir, never with a node id's ::", () => {
    expect(pytestProcessName(".")).toBe("pytest");
    expect(pytestProcessName("./")).toBe("pytest");
    expect(pytestProcessName("python")).toBe("pytest/python");
    expect(pytestProcessName("./python/ci_benchmarks/")).toBe("pytest/python/ci_benchmarks");
    expect(pytestProcessName("a/../python")).toBe("pytest/python");
    expect(pytestProcessName("odd:::dir")).not.toContain("::");
  });
});

describe("the run reports' process section", () => {
  const runs = (role?: "base" | "head") =>
    [1, 2, 3].map((repetition) => ({
      benchmark: "cargo-bench/fixture",
      repetition,
      ...(role ? { role } : {}),
      wallSeconds: repetition,
      cpuSeconds: 2 * repetition,
      peakRssBytes: repetition * 10 * MIB,
    }));
  const crate = (processes: ReturnType<typeof runs>) => ({
    path: ".",
    status: "ok" as const,
    results: 18,
    runner: "cargo-bench",
    durationMs: 1000,
    processes,
  });
  const published = {
    rowsWritten: 27,
    rowsAlreadyStored: 0,
    db: "db",
    benchmarks: [
      { name: "sort/100", metric: "time", median: 1200, units: "nanoseconds", n: 10 },
      { name: "cargo-bench/fixture", metric: "wall_time", median: 2, units: "seconds", n: 1 },
      { name: "cargo-bench/fixture", metric: "cpu_time", median: 4, units: "seconds", n: 1 },
      { name: "cargo-bench/fixture", metric: "peak_rss", median: 20 * MIB, units: "bytes", n: 1 },
    ],
  };

  it("shows one row per process (and side), the median of its runs, apart from the benchmarks", () => {
    const report = { sha: "a".repeat(40), toolchain: "rustc", repetitions: 3, crates: [crate(runs())], published };
    const text = runRustText(report);
    expect(text).toMatch(/benchmark processes, whole process tree \(median over runs\):/);
    expect(text).toMatch(/cargo-bench\/fixture\s+3\s+2\.000 s\s+4\.000 s\s+20\.0 MiB/);
    // the benchmarks' table lists the benchmarks only
    expect(text).toMatch(/sort\/100/);
    expect(text.match(/cargo-bench\/fixture/g)).toHaveLength(1);
    const markdown = runRustMarkdown(report);
    expect(markdown).toMatch(/\| cargo-bench\/fixture \| 3 \| 2\.000 s \| 4\.000 s \| 20\.0 MiB \|/);
    expect(markdown.match(/cargo-bench\/fixture/g)).toHaveLength(1);
  });

  it("in an A/B, one row per side", () => {
    const report = {
      sha: "a".repeat(40),
      toolchain: "rustc",
      repetitions: 3,
      baseSha: "b".repeat(40),
      crates: [crate([...runs("base"), ...runs("head")])],
    };
    const text = runRustText(report);
    expect(text).toMatch(/cargo-bench\/fixture \(base\)\s+3\s/);
    expect(text).toMatch(/cargo-bench\/fixture \(head\)\s+3\s/);
  });

  it("is left out when no process was measured; run-python shows it too", () => {
    expect(runRustText({ sha: "a".repeat(40), toolchain: "rustc", crates: [crate([])] })).not.toMatch(
      /benchmark processes/,
    );
    const python = {
      sha: "a".repeat(40),
      python: "Python 3.12",
      datasets: "none",
      results: 2,
      benchmarks: 2,
      durationMs: 2000,
      processes: [{ benchmark: "pytest", repetition: 1, wallSeconds: 1.5, peakRssBytes: 40 * MIB }],
    };
    expect(runPythonText(python)).toMatch(/pytest\s+1\s+1\.500 s\s+–\s+40\.0 MiB/);
  });
});

describe("memory in reports", () => {
  it("is scaled to binary units, as ps and top show it", () => {
    expect(formatMeasurement(44_337_152, "bytes")).toBe("42.28 MiB");
    expect(formatMeasurement(3 * 1024 ** 3, "bytes")).toBe("3.000 GiB");
    expect(formatMeasurement(512, "bytes")).toBe("512.0 B");
    expect(formatMeasurement(1234.5, "nanoseconds")).toBe("1.234 µs");
    expect(formatMeasurement(2.5, "seconds")).toBe("2.500 seconds");
  });
});
