import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CARGO_CRITERION, ROOT, git, gitRepoFrom, requireOrSkip, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * The Criterion fixture, benchmarked for real: plain `cargo bench` (Criterion's own files),
 * `cargo bench -- --output-format bencher`, and `cargo criterion --message-format=json`,
 * each published from the git checkout so version, commit time and sha come from git.
 */
const work = tempDir();
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "repo"));
const db = path.join(work, "db");
// Shared across runs so dependencies compile once; Criterion's output goes to this test's folder.
const cargoEnv = {
  ...process.env,
  CARGO_TARGET_DIR: path.join(ROOT, "test-output/cargo-target"),
  CRITERION_HOME: path.join(work, "criterion"),
  CARGO_TERM_COLOR: "never",
};

function cargo(args: string[]): string {
  return execFileSync("cargo", args, { cwd: repo, env: cargoEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

const head = git(repo, ["rev-parse", "HEAD"]).trim();
const commitTime = Number(git(repo, ["show", "-s", "--format=%ct", "HEAD"]).trim());
const FIXTURE_BENCHMARKS = [
  "fibonacci_20",
  "checksum/adler32_4k",
  "sort/100",
  "sort/1000",
  "sum_of_squares/elements_1k",
];

function exportRows(filter: string[] = []): Record<string, any>[] {
  const run = runCliProcess(["export", "--db", db, ...filter]);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

beforeAll(() => {
  cargo(["bench", "--bench", "fixture", "--no-run", "--quiet"]);
}, 900_000);

describe("Rust Criterion fixture, run for real", () => {
  it("cargo bench → target/criterion → publish, with dut from Cargo.toml and git", () => {
    cargo(["bench", "--bench", "fixture"]);
    const run = runCliProcess(["publish", path.join(work, "criterion"), "--repo", repo, "--db", db, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.dut).toEqual({ name: "bench-fixture", version: `0.3.1+${head.slice(0, 7)}`, timestamp: commitTime });
    expect(summary.sha).toBe(head);
    const names = summary.benchmarks.map((b: { name: string }) => b.name);
    for (const name of FIXTURE_BENCHMARKS) expect(names).toContain(name);
    const rows = exportRows(["--sha", head]);
    const sort = rows.find((r) => r.benchmark_name === "sort/1000" && r.source_format === "criterion-dir")!;
    expect(sort.values).toHaveLength(10);
    expect(JSON.parse(sort.params)).toEqual({ parameter: "1000" });
    expect(sort.summary.min).toBe(Math.min(...sort.values));
    expect(sort.summary.max).toBe(Math.max(...sort.values));
    const checksum = rows.find((r) => r.benchmark_name === "checksum/adler32_4k")!;
    expect(checksum.throughput).toEqual({ multiplier: 4096, name: "bytes", unit_system: "binary" });
    expect(JSON.parse(checksum.metadata).toolchain.join(" ")).toMatch(/rustc \d+\.\d+/);
  });

  it("cargo bench -- --output-format bencher → publish", () => {
    const output = cargo(["bench", "--bench", "fixture", "--", "--output-format", "bencher"]);
    const file = path.join(work, "bencher.txt");
    writeFileSync(file, output);
    const run = runCliProcess(["publish", file, "--repo", repo, "--db", db, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.benchmarks.map((b: { name: string }) => b.name).sort()).toEqual(
      expect.arrayContaining(FIXTURE_BENCHMARKS),
    );
    expect(summary.benchmarks.every((b: { n: number }) => b.n === 1)).toBe(true);
  });

  it("cargo criterion --message-format=json → publish", (ctx) => {
    requireOrSkip(ctx, CARGO_CRITERION);
    const output = cargo([
      "criterion",
      "--bench",
      "fixture",
      "--message-format=json",
      "--plotting-backend",
      "disabled",
    ]);
    const file = path.join(work, "criterion.jsonl");
    writeFileSync(file, output);
    const run = runCliProcess(["publish", file, "--repo", repo, "--db", db, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.benchmarks.map((b: { name: string }) => b.name)).toEqual(expect.arrayContaining(FIXTURE_BENCHMARKS));
    const rows = exportRows(["--benchmark", "sum_of_squares/elements_1k"]);
    const fromJson = rows.find((r) => r.source_format === "criterion-json")!;
    expect(fromJson.throughput).toEqual({ multiplier: 1024, name: "elements", unit_system: "decimal" });
    expect(fromJson.dut.version).toBe(`0.3.1+${head.slice(0, 7)}`);
  });

  it("has-results answers for the benchmarked commit only", () => {
    expect(runCliProcess(["has-results", "--sha", head, "--db", db]).code).toBe(0);
    expect(runCliProcess(["has-results", "--sha", "f".repeat(40), "--db", db]).code).toBe(1);
    expect(runCliProcess(["has-results", "--sha", head.slice(0, 7), "--db", db]).code).toBe(2);
  });
});
