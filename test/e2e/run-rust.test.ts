import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CARGO_CRITERION,
  ROOT,
  commitAll,
  git,
  gitRepoFrom,
  requireOrSkip,
  runCliProcess,
  tempDir,
} from "../support/helpers.js";

/**
 * `lance-bench run-rust` on the Criterion fixture turned into a git repository with commits,
 * run for real: each commit is checked out into its own worktree, built and benchmarked,
 * and published with its own version, time and sha; the build cache carries compiled
 * dependencies from one run to the next.
 */
const work = tempDir();
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "repo"), "2026-01-02T03:04:05Z");
const first = git(repo, ["rev-parse", "HEAD"]).trim();
writeFileSync(
  path.join(repo, "src/lib.rs"),
  `${readFileSync(path.join(repo, "src/lib.rs"), "utf8")}\n// a second commit\n`,
);
const second = commitAll(repo, "second", "2026-02-03T04:05:06Z");
const db = path.join(work, "db");
// Shared by every run in this file (and kept between local test runs): the build cache.
const cacheDir = path.join(ROOT, "test-output/run-rust-cache");

function runRust(args: string[], output = path.join(work, `out-${Math.random().toString(36).slice(2)}`)) {
  const run = runCliProcess([
    "run-rust",
    "--repo",
    repo,
    "--db",
    db,
    "--cache-dir",
    cacheDir,
    "--output-dir",
    output,
    "--json",
    ...args,
  ]);
  return { ...run, output, summary: run.stdout ? JSON.parse(run.stdout) : undefined };
}

const MB = 1024 * 1024;
const PROCESS = "cargo-bench/bench-fixture";

/**
 * The process measurements of each run: wall_time, cpu_time and peak_rss of the whole
 * `cargo bench` tree, one of each per run (and side), with the run's role in the metadata.
 */
function processRuns(rows: Record<string, any>[], name = PROCESS) {
  const runs = new Map<string, Record<string, any>>();
  for (const row of rows.filter((r) => r.benchmark_name === name)) {
    const { ab_role, ab_repetition, repetition } = JSON.parse(row.metadata);
    const key = JSON.stringify([ab_role ?? null, ab_repetition ?? repetition ?? null]);
    const run = runs.get(key) ?? {};
    expect(run[row.metric], `${key} ${row.metric} twice`).toBeUndefined();
    run[row.metric] = row;
    runs.set(key, run);
  }
  for (const [key, run] of runs) {
    expect(Object.keys(run).sort(), key).toEqual(["cpu_time", "peak_rss", "wall_time"]);
    expect(run.wall_time).toMatchObject({ units: "seconds", direction: "lower_is_better", source_format: "command" });
    expect(run.cpu_time).toMatchObject({ units: "seconds", direction: "lower_is_better" });
    expect(run.peak_rss).toMatchObject({ units: "bytes", direction: "lower_is_better" });
    expect(run.wall_time.values).toHaveLength(1);
    expect(run.wall_time.values[0]).toBeGreaterThan(0);
    expect(run.cpu_time.values[0]).toBeGreaterThan(0);
    expect(run.peak_rss.values[0]).toBeGreaterThan(MB);
    expect(JSON.parse(run.peak_rss.metadata)).toMatchObject({
      rss_samples: expect.any(Number),
      rss_interval_ms: 50,
      command: expect.arrayContaining(["cargo"]),
      family: "process",
    });
  }
  return [...runs.keys()].map((key) => JSON.parse(key) as [string | null, number | null]);
}

function rowsFor(sha: string): Record<string, any>[] {
  const run = runCliProcess(["export", "--db", db, "--sha", sha]);
  return run.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

describe("run-rust, for real", () => {
  it("benchmarks two commits, each with its own dut, and leaves the caller's checkout alone", () => {
    const one = runRust(["--sha", first, "--runner", "cargo-bench"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.summary.crates).toMatchObject([
      { path: ".", status: "ok", runner: "cargo-bench", processBenchmark: PROCESS },
    ]);
    // one process per run, built beforehand: its numbers are the benchmarks', not rustc's
    expect(one.summary.crates[0].processes).toHaveLength(1);
    expect(one.stderr).toMatch(/building the benchmarks \(cargo bench --no-run\)/);
    const two = runRust(["--sha", second, "--runner", "cargo-bench"]);
    expect(two.code, two.stderr).toBe(0);
    for (const [sha, time] of [
      [first, "2026-01-02T03:04:05Z"],
      [second, "2026-02-03T04:05:06Z"],
    ] as const) {
      const rows = rowsFor(sha);
      expect(rows.length).toBeGreaterThanOrEqual(5);
      // one run: one of each process metric, with no repetition
      expect(processRuns(rows)).toEqual([[null, null]]);
      for (const row of rows) {
        expect(row.dut).toEqual({
          name: "bench-fixture",
          version: `0.3.1+${sha.slice(0, 7)}`,
          timestamp: Date.parse(time) / 1000,
        });
        expect(row.sha).toBe(sha);
      }
    }
    // The second run's target folder came from the cache: only the fixture crate itself was
    // compiled, none of its dependencies. (It is always rebuilt: each run builds a fresh
    // worktree, so a cached build of another commit can never pass for this one.)
    expect(two.summary.crates[0].cacheHit).toBeTruthy();
    expect(two.summary.crates[0].compiled).toEqual(["bench-fixture"]);
    expect(git(repo, ["rev-parse", "HEAD"]).trim()).toBe(second);
    expect(git(repo, ["worktree", "list"]).trim().split("\n")).toHaveLength(1);
    expect(git(repo, ["status", "--porcelain"])).toBe("");
  }, 900_000);

  it("re-running the same commit and run compiles no dependency and publishes nothing new", () => {
    const again = runRust(["--sha", second, "--runner", "cargo-bench", "--run-id", "fixed-run"]);
    const rerun = runRust(["--sha", second, "--runner", "cargo-bench", "--run-id", "fixed-run"]);
    expect(again.code, again.stderr).toBe(0);
    expect(rerun.summary.crates[0].compiled).toEqual(["bench-fixture"]);
    // Same run id: the same rows (fresh samples of a repeated run are not duplicated).
    expect(rerun.summary.published.rowsWritten).toBe(0);
  });

  it("pr mode writes one results file per crate and publishes nothing; publish reads it later", () => {
    const before = rowsFor(first).length;
    const pr = runRust(
      ["--sha", first, "--runner", "cargo-bench", "--mode", "pr", "--run-id", "pr-run", "--repetitions", "2"].concat(
        ["--dut-name", "lance", "--dut-version", "0.15.0+pr"], // as told, not from Cargo.toml
      ),
    );
    expect(pr.code, pr.stderr).toBe(0);
    expect(pr.summary.published).toBeUndefined();
    expect(rowsFor(first)).toHaveLength(before);
    const file = path.join(pr.output, "results-root.jsonl");
    expect(pr.summary.crates[0].resultsFile).toBe(file);
    expect(JSON.parse(readFileSync(file, "utf8").split("\n")[0]!)).toMatchObject({
      kind: "lance-bench-results",
      schema_version: 1,
    });
    expect(JSON.parse(readFileSync(file, "utf8").split("\n")[1]!).dut).toMatchObject({
      name: "lance",
      version: "0.15.0+pr",
    });
    // two runs of the head: each its own process measurements, numbered like its benchmarks
    const fileRows = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(processRuns(fileRows)).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(pr.summary.crates[0].processes.map((p: { repetition: number }) => p.repetition)).toEqual([1, 2]);
    // the results count is the benchmarks' (the process measurements besides)
    expect(pr.summary.crates[0].results).toBe(fileRows.length - 6);
    const published = runCliProcess(["publish", file, "--db", db, "--json"]);
    expect(published.code, published.stderr).toBe(0);
    expect(rowsFor(first).length).toBeGreaterThan(before);
  });

  it("runs through cargo criterion when it is installed", (ctx) => {
    requireOrSkip(ctx, CARGO_CRITERION);
    const run = runRust(["--sha", second, "--bench", "fixture", "--filter", "^sort/"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.crates[0].runner).toBe("cargo-criterion");
    const published: { name: string; metric: string }[] = run.summary.published.benchmarks;
    const timed = published.filter((b) => b.metric === "time").map((b) => b.name);
    expect(timed.sort()).toEqual(["sort/100", "sort/1000"]);
    // the process of cargo criterion, under its own name
    expect(published.filter((b) => b.metric !== "time")).toEqual([
      expect.objectContaining({ name: "cargo-criterion/bench-fixture", metric: "wall_time" }),
      expect.objectContaining({ name: "cargo-criterion/bench-fixture", metric: "cpu_time" }),
      expect.objectContaining({ name: "cargo-criterion/bench-fixture", metric: "peak_rss", units: "bytes" }),
    ]);
  });
});

describe("run-rust profiling", () => {
  // CI installs perf and inferno and requires a real flamegraph; elsewhere a missing
  // profiler must be reported as a skipped profile with its reason, never a failed run.
  const required = process.env.LANCE_BENCH_REQUIRE_PROFILER === "1";

  it("records a CPU flamegraph of one benchmark, or says why it could not", () => {
    const run = runRust([
      "--sha",
      second,
      "--runner",
      "cargo-bench",
      "--profile",
      "sort/1000",
      "--profile-seconds",
      "2",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const profile = run.summary.profile;
    if (required || profile.status === "recorded") {
      expect(profile, JSON.stringify(profile)).toMatchObject({ benchmark: "sort/1000", status: "recorded" });
      const svg = readFileSync(profile.svg, "utf8");
      expect(svg).toMatch(/<svg/);
      expect(svg).toMatch(/sort/); // the benchmark's own frames, not only cargo's
    } else {
      expect(profile.reason).toMatch(/perf|inferno/);
    }
    expect(run.summary.published.rowsWritten).toBeGreaterThan(0);
  }, 300_000);

  it("a profile of a benchmark that did not run is skipped with a reason", () => {
    const run = runRust(["--sha", second, "--runner", "cargo-bench", "--profile", "no/such/bench"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.summary.profile).toEqual({
      benchmark: "no/such/bench",
      status: "skipped",
      reason: "no benchmark with that name ran",
    });
  });
});

describe("run-rust, bad input: a clear error and nothing published", () => {
  const countRows = () => runCliProcess(["export", "--db", db]).stdout.split("\n").filter(Boolean).length;

  it.each([
    ["a missing crate path", ["--crate", "no/such/crate"], /crate path "no\/such\/crate" has no Cargo\.toml/],
    [
      "a crate path outside the repository",
      ["--crate", "../elsewhere"],
      /crate path "\.\.\/elsewhere" must stay inside the repository/,
    ],
    ["a sha that is not in the repository", ["--sha", "e".repeat(40)], /commit e{40} is not in the repository/],
    ["a short sha", ["--sha", "abc123"], /full 40-character hex/],
    [
      "a filter that matches nothing",
      ["--runner", "cargo-bench", "--filter", "^no-such-benchmark$"],
      /the filter "\^no-such-benchmark\$" matched no benchmark/,
    ],
    ["a time budget too short", ["--runner", "cargo-bench", "--budget-minutes", "0.001"], /exceeded its time budget/],
  ])("%s", (_name, args, expected) => {
    const before = countRows();
    const run = runRust(args as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected as RegExp);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(countRows()).toBe(before);
  });

  it("a crate that fails to build is reported, the others still run and publish, and the run fails", () => {
    const broken = path.join(repo, "broken");
    mkdirSync(path.join(broken, "benches"), { recursive: true });
    writeFileSync(
      path.join(broken, "Cargo.toml"),
      '[package]\nname = "broken"\nversion = "0.0.1"\nedition = "2021"\n\n[[bench]]\nname = "b"\nharness = false\n',
    );
    writeFileSync(path.join(broken, "src.rs"), "");
    mkdirSync(path.join(broken, "src"), { recursive: true });
    writeFileSync(path.join(broken, "src/lib.rs"), "pub fn oops( {\n");
    writeFileSync(path.join(broken, "benches/b.rs"), "fn main() {}\n");
    const third = commitAll(repo, "broken crate", "2026-03-04T05:06:07Z");
    const run = runRust(["--sha", third, "--runner", "cargo-bench", "--crate", "broken", "--crate", "."]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/1 of 2 crates failed: broken: cargo bench --no-run failed/);
    const [brokenOutcome, fixtureOutcome] = run.summary.crates;
    expect(brokenOutcome).toMatchObject({ path: "broken", status: "failed" });
    expect(brokenOutcome.error).toMatch(/error/);
    expect(fixtureOutcome).toMatchObject({ path: ".", status: "ok" });
    expect(rowsFor(third).length).toBeGreaterThanOrEqual(5);
    expect(rowsFor(third).every((r) => r.benchmark_name !== "b")).toBe(true);
  }, 300_000);
});
