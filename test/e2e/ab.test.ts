import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { CompareOutcome } from "../../src/model/index.js";
import {
  ROOT,
  commitAll,
  git,
  gitRepoFrom,
  runCliProcess as runCli,
  slowDownAdler32,
  tempDir,
} from "../support/helpers.js";

/** Two builds and a dozen benchmark runs: minutes on a loaded 2-core machine. */
const runCliProcess = (args: string[]) => runCli(args, {}, ROOT, 600_000);
const MB = 1024 * 1024;

/**
 * Each run's process measurements in a side's results file: wall_time, cpu_time and peak_rss
 * of the whole benchmark process tree under `name`, one of each per repetition, of that side.
 */
function expectProcessRuns(rows: Record<string, any>[], name: string, role: "base" | "head", runs: number) {
  const processRows = rows.filter((r) => r.benchmark_name === name);
  for (const metric of ["wall_time", "cpu_time", "peak_rss"]) {
    const ofMetric = processRows.filter((r) => r.metric === metric);
    const meta = ofMetric.map((r) => JSON.parse(r.metadata));
    expect(meta.map((m) => m.ab_role)).toEqual(Array(runs).fill(role));
    expect(meta.map((m) => m.ab_repetition).sort((a, b) => a - b)).toEqual(
      Array.from({ length: runs }, (_, i) => i + 1),
    );
    for (const row of ofMetric) {
      expect(row.values).toHaveLength(1);
      expect(row.values[0]).toBeGreaterThan(metric === "peak_rss" ? MB : 0);
      expect(row).toMatchObject({ direction: "lower_is_better", source_format: "command", status: "ok" });
    }
  }
  expect(processRows).toHaveLength(3 * runs);
}

/**
 * Same-runner A/B for real: the Criterion fixture at a base commit and at a head commit that
 * makes adler32 three times slower, built side by side on this machine and run alternately;
 * then `compare` on the two results files must find that regression and nothing else.
 */
const work = tempDir("lance-bench-ab-");
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "repo"));
const base = git(repo, ["rev-parse", "HEAD"]).trim();
slowDownAdler32(path.join(repo, "src/lib.rs"));
const head = commitAll(repo, "adler32: three passes (a regression)", "2026-03-04T05:06:07Z");
const cacheDir = path.join(ROOT, "test-output/run-rust-cache");

describe("same-runner A/B", () => {
  it("runs base and head alternately, and compare flags the slowed benchmark", () => {
    const output = path.join(work, "results");
    const run = runCliProcess([
      "run-rust",
      "--repo",
      repo,
      "--sha",
      head,
      "--base-sha",
      base,
      "--repetitions",
      "6",
      "--mode",
      "pr",
      "--runner",
      "cargo-bench",
      "--cache-dir",
      cacheDir,
      "--output-dir",
      output,
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ sha: head, baseSha: base, repetitions: 6 });
    const crate = summary.crates[0];
    expect(crate.status).toBe("ok");
    // alternating order, so neither side always runs first
    const order = [...run.stderr.matchAll(/repetition (\d+) of 6, (base|head)/g)].map((m) => `${m[1]}${m[2]}`);
    expect(order.slice(0, 4)).toEqual(["1base", "1head", "2head", "2base"]);
    const rows = (file: string) =>
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => JSON.parse(line));
    const headRows = rows(crate.resultsFile);
    const baseRows = rows(crate.baseResultsFile);
    expect(new Set(headRows.map((r) => r.sha))).toEqual(new Set([head]));
    expect(new Set(baseRows.map((r) => r.sha))).toEqual(new Set([base]));
    expect(new Set(headRows.map((r) => r.id)).size).toBe(headRows.length); // each repetition its own record
    expect(headRows.filter((r) => r.benchmark_name === "checksum/adler32_4k")).toHaveLength(6);
    expect(JSON.parse(headRows[0].metadata)).toMatchObject({ ab_repetition: 1, ab_role: "head" });
    // every run's cargo bench process tree, on its side, numbered like the benchmarks
    expectProcessRuns(headRows, "cargo-bench/bench-fixture", "head", 6);
    expectProcessRuns(baseRows, "cargo-bench/bench-fixture", "base", 6);
    expect(crate.processes).toHaveLength(12);
    expect(crate.results).toBe(headRows.length - 18); // the benchmarks' results (the processes' besides)

    const compared = runCliProcess([
      "compare",
      "--base",
      crate.baseResultsFile,
      "--head",
      crate.resultsFile,
      "--json",
      "--db",
      path.join(work, "no-store"),
    ]);
    expect(compared.code, compared.stderr).toBe(0);
    const outcome = JSON.parse(compared.stdout) as CompareOutcome;
    const adler = outcome.benchmarks.find((b) => b.name === "checksum/adler32_4k")!;
    // judged on run medians: the rank test, or the t test when a bimodal base leaves fewer runs
    expect(adler, JSON.stringify(adler)).toMatchObject({
      verdict: "regressed",
      method: expect.stringMatching(/-test$/),
    });
    expect(adler.base!.runs).toBe(6);
    expect(adler.ratio!).toBeGreaterThan(2);
    // The other benchmarks did not change; on a loaded machine one may still be flagged now and
    // then (false-discovery control allows 5% of suites an alarm), but never as a 3× change.
    const report = JSON.stringify(outcome.benchmarks.map((b) => [b.name, b.verdict, b.ratio, b.q, b.reason]));
    // (a benchmark that sat at two levels with too few runs at either has no ratio: inconclusive)
    for (const other of outcome.benchmarks.filter((b) => b !== adler && b.ratio !== null)) {
      expect(other.ratio!, report).toBeLessThan(1.5);
    }
    for (const other of outcome.benchmarks.filter((b) => b.ratio === null)) {
      expect(other, report).toMatchObject({ verdict: "inconclusive", reason: expect.stringMatching(/^bimodal/) });
    }
    expect(outcome.counts.regressed + outcome.counts.improved, report).toBeLessThanOrEqual(2);
    expect(outcome.warnings.join()).not.toMatch(/one run a side/);
    // the process metrics are compared like any other, run against run
    const processes = outcome.benchmarks.filter((b) => b.name === "cargo-bench/bench-fixture");
    expect(processes.map((b) => b.metric).sort()).toEqual(["cpu_time", "peak_rss", "wall_time"]);
    expect(processes.every((b) => b.base!.runs === 6 && b.head!.runs === 6)).toBe(true);
    // … in their own family: the benchmarks' q-values are adjusted among the benchmarks only
    expect(processes.every((b) => b.family === "process")).toBe(true);
    expect(outcome.benchmarks.filter((b) => b.family === undefined).length).toBeGreaterThan(0);

    // A base measured before the suite recorded its processes (no such rows): the head's are
    // new benchmarks, not an error.
    const oldBase = path.join(work, "old-base.jsonl");
    const baseLines = readFileSync(crate.baseResultsFile, "utf8").trim().split("\n");
    writeFileSync(
      oldBase,
      [baseLines[0], ...baseLines.slice(1).filter((l) => !l.includes('"cargo-bench/bench-fixture"'))].join("\n") + "\n",
    );
    const oneSided = runCliProcess([
      "compare",
      "--base",
      oldBase,
      "--head",
      crate.resultsFile,
      "--json",
      "--db",
      path.join(work, "no-store"),
    ]);
    expect(oneSided.code, oneSided.stderr).toBe(0);
    const added = (JSON.parse(oneSided.stdout) as CompareOutcome).benchmarks.filter(
      (b) => b.name === "cargo-bench/bench-fixture",
    );
    expect(added.map((b) => b.verdict)).toEqual(["added", "added", "added"]);
  }, 900_000);

  it("refuses an A/B outside pr mode, and repetitions out of range", () => {
    const mainMode = runCliProcess(["run-rust", "--repo", repo, "--base-sha", base]);
    expect(mainMode.code).toBe(2);
    expect(mainMode.stderr).toMatch(/base-sha: a same-runner A\/B is for pull requests \(mode: pr\)/);
    const tooMany = runCliProcess([
      "run-rust",
      "--repo",
      repo,
      "--mode",
      "pr",
      "--base-sha",
      base,
      "--repetitions",
      "101",
    ]);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/--repetitions: must be at most 100/);
    const badSha = runCliProcess(["run-rust", "--repo", repo, "--mode", "pr", "--base-sha", "HEAD~1"]);
    expect(badSha.code).toBe(2);
    expect(badSha.stderr).toMatch(/base-sha must be a full 40-character hex commit sha/);
  });

  it("run-python: runs base and head alternately in their own venvs, and compare flags the slowed sorts", () => {
    const pyRepo = gitRepoFrom(path.join(ROOT, "fixtures/python-pytest-benchmark"), path.join(work, "py"));
    const pyBase = git(pyRepo, ["rev-parse", "HEAD"]).trim();
    const module = path.join(pyRepo, "src/bench_fixture_py/__init__.py");
    writeFileSync(
      module,
      readFileSync(module, "utf8").replace(
        "    return sorted(items)",
        "    for _ in range(3):\n        sorted(items)\n    return sorted(items)",
      ),
    );
    const pyHead = commitAll(pyRepo, "sort_items: sorts four times (a regression)", "2026-03-04T05:06:07Z");
    const output = path.join(work, "py-results");
    const run = runCliProcess([
      "run-python",
      "--repo",
      pyRepo,
      "--base-sha",
      pyBase,
      "--repetitions",
      "6",
      "--mode",
      "pr",
      "--pytest-arg=tests/test_benchmarks.py",
      "--cache-dir",
      path.join(work, "py-cache"),
      "--output-dir",
      output,
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ sha: pyHead, baseSha: pyBase, repetitions: 6, results: 24, baseResults: 24 });
    // every run's pytest process tree, on its side
    const pyRows = (file: string) =>
      readFileSync(file, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => JSON.parse(line));
    expect(summary.processBenchmark).toBe("pytest");
    expectProcessRuns(pyRows(summary.resultsFile), "pytest", "head", 6);
    expectProcessRuns(pyRows(summary.baseResultsFile), "pytest", "base", 6);
    const compared = runCliProcess([
      "compare",
      "--base",
      summary.baseResultsFile,
      "--head",
      summary.resultsFile,
      "--json",
      "--db",
      path.join(work, "no-store"),
    ]);
    expect(compared.code, compared.stderr).toBe(0);
    const outcome = JSON.parse(compared.stdout) as CompareOutcome;
    const verdicts = Object.fromEntries(
      outcome.benchmarks.map((b) => [b.name.replace("tests/test_benchmarks.py::", ""), b.verdict]),
    );
    expect(verdicts["test_sort[1000]"], JSON.stringify(outcome.benchmarks)).toBe("regressed");
    expect(verdicts["test_sort[100]"]).toBe("regressed");
    // six runs a side: the rank test on run medians, or the t test where a bimodal benchmark leaves fewer
    expect(outcome.benchmarks.every((b) => b.method === null || b.base!.runs === 6)).toBe(true);
  }, 900_000);
});
