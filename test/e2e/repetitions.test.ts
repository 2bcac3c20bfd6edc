import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runPythonText, runRustMarkdown, runRustText } from "../../src/report/run-summary.js";
import { ROOT, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * Runs per commit on main, for real: `run-python --repetitions 3` in main mode runs the
 * fixture's sorts three times and publishes each run as its own row, so main's history has
 * run-to-run replication. The ids are deterministic: the results file published again, or the
 * same CI run run again, adds nothing.
 */
const work = tempDir("lance-bench-reps-");
const repo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(work, "repo"));
const db = path.join(work, "db");
const SORTS = ["tests/test_benchmarks.py::test_sort[100]", "tests/test_benchmarks.py::test_sort[1000]"];

function runPython(args: string[]) {
  const run = runCliProcess(
    [
      "run-python",
      "--repo",
      repo,
      "--db",
      db,
      "--cache-dir",
      path.join(work, "cache"),
      "--output-dir",
      path.join(work, "results"),
      // a CI run's id: the same in a re-run of the job
      "--run-id",
      "ci-run-1",
      "--json",
      ...args,
      "--",
      "-k",
      "sort",
      "tests/test_benchmarks.py",
    ],
    {},
    ROOT,
    300_000,
  );
  return { ...run, summary: run.code === 0 ? JSON.parse(run.stdout) : undefined };
}

const exportRows = () =>
  runCliProcess(["export", "--db", db])
    .stdout.split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("run-python --repetitions in main mode", () => {
  it("publishes one row per benchmark and run, with distinct ids that a re-run or a re-publish adds nothing to", () => {
    const first = runPython(["--repetitions", "3"]);
    expect(first.code, first.stderr).toBe(0);
    // 2 benchmarks × 3 runs, and each run's pytest process tree: wall_time, cpu_time, peak_rss
    expect(first.summary).toMatchObject({ repetitions: 3, benchmarks: 2, results: 6 });
    expect(first.summary.processes.map((p: { repetition: number }) => p.repetition)).toEqual([1, 2, 3]);
    expect(first.summary.published).toMatchObject({ rowsWritten: 15, rowsAlreadyStored: 0 });
    expect(first.stderr).toMatch(/run 3 of 3/);

    const rows = exportRows();
    expect(rows).toHaveLength(15);
    expect(new Set(rows.map((r) => r.id)).size).toBe(15);
    for (const name of SORTS) {
      const runs = rows.filter((r) => r.benchmark_name === name);
      expect(runs.map((r) => JSON.parse(r.metadata).repetition).sort()).toEqual([1, 2, 3]);
    }
    for (const metric of ["wall_time", "cpu_time", "peak_rss"]) {
      const runs = rows.filter((r) => r.benchmark_name === "pytest" && r.metric === metric);
      expect(runs.map((r) => JSON.parse(r.metadata).repetition).sort()).toEqual([1, 2, 3]);
      for (const run of runs) expect(run.values[0]).toBeGreaterThan(metric === "peak_rss" ? 1024 * 1024 : 0);
    }

    // the results file holds every run, and publishing it again stores nothing twice
    const file = readFileSync(first.summary.resultsFile, "utf8").trim().split("\n").slice(1);
    expect(file.map((line) => JSON.parse(line).id).sort()).toEqual(rows.map((r) => r.id).sort());
    const republished = runCliProcess(["publish", first.summary.resultsFile, "--db", db, "--json"]);
    expect(republished.code, republished.stderr).toBe(0);
    expect(JSON.parse(republished.stdout)).toMatchObject({ rowsWritten: 0, rowsAlreadyStored: 15 });

    // the same CI run again (a re-run of the job): new samples, the same ids
    const again = runPython(["--repetitions", "3"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary.published).toMatchObject({ rowsWritten: 0, rowsAlreadyStored: 15 });
    expect(exportRows()).toHaveLength(15);
  }, 600_000);

  it("refuses repetitions out of range, and on run-pipeline (which repeats with --iters)", () => {
    const zero = runPython(["--repetitions", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--repetitions: must be at least 1/);
    const pipeline = runCliProcess(["run-pipeline", "--repo", repo, "--repetitions", "3"]);
    expect(pipeline.code).toBe(2);
    expect(pipeline.stderr).toMatch(/repetitions: a pipeline run repeats each variant with iters/);
  });
});

describe("the run summary", () => {
  it("says how many runs each benchmark had", () => {
    const crate = { path: ".", status: "ok" as const, results: 6, runner: "cargo-bench", durationMs: 1000 };
    const rust = { sha: "a".repeat(40), toolchain: "rustc", crates: [crate] };
    expect(runRustText({ ...rust, repetitions: 3 })).toMatch(/^commit a{40} \(rustc\)\n3 runs of each benchmark/);
    expect(runRustMarkdown({ ...rust, repetitions: 3 })).toMatch(/3 runs of each benchmark/);
    expect(runRustText(rust)).not.toMatch(/runs of each/);
    expect(runRustText({ ...rust, repetitions: 6, baseSha: "b".repeat(40) })).toMatch(
      /same-runner A\/B against b{12}: 6 runs of each side/,
    );
    const python = { sha: "a".repeat(40), python: "Python 3.12", datasets: "none", durationMs: 2000 };
    expect(runPythonText({ ...python, results: 6, benchmarks: 2, repetitions: 3 })).toMatch(
      /datasets: none; 2 benchmarks × 3 runs \(6 results\) in 2\.0 s/,
    );
    expect(runPythonText({ ...python, results: 2, benchmarks: 2 })).toMatch(/datasets: none; 2 benchmarks in/);
  });
});
