import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, git, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * A newer Criterion than the main fixture's 0.5: fixtures/rust-criterion-0.8 (criterion 0.8.2)
 * run through `lance-bench run-rust` for real — plain `cargo bench`, then Criterion's
 * `target/criterion/**\/new/*.json` — and published, so names, units, sample counts and
 * throughput (including 0.8's new ElementsAndBytes) are checked on the stored rows.
 */
const work = tempDir("lance-bench-criterion08-");
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion-0.8"), path.join(work, "repo"));
const sha = git(repo, ["rev-parse", "HEAD"]).trim();
const db = path.join(work, "db");
// Its own build cache (kept between local test runs): the entries of another crate would not help.
const cacheDir = path.join(ROOT, "test-output/run-rust-cache-criterion08");

describe("run-rust on Criterion 0.8", () => {
  it("publishes every benchmark with per-iteration nanoseconds, its samples and its throughput", () => {
    const run = runCliProcess(
      [
        "run-rust",
        "--repo",
        repo,
        "--db",
        db,
        "--cache-dir",
        cacheDir,
        "--output-dir",
        path.join(work, "out"),
        // cargo-criterion 1.1.0 predates ElementsAndBytes: Criterion's own files
        "--runner",
        "cargo-bench",
        "--json",
      ],
      {},
      ROOT,
      900_000,
    );
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.crates).toMatchObject([{ path: ".", status: "ok", runner: "cargo-bench", results: 4 }]);
    const published: { name: string; metric: string }[] = summary.published.benchmarks;
    // (and cargo bench's own process tree: wall_time, cpu_time, peak_rss)
    const process = "cargo-bench/bench-fixture-criterion08";
    expect(published.filter((b) => b.name === process).map((b) => b.metric)).toEqual([
      "wall_time",
      "cpu_time",
      "peak_rss",
    ]);
    expect(
      published
        .filter((b) => b.name !== process)
        .map((b) => b.name)
        .sort(),
    ).toEqual(["byte_sum/1024", "byte_sum/8192", "digits/rows_512", "lcg_256"]);

    const exported = runCliProcess(["export", "--db", db, "--sha", sha]);
    expect(exported.code, exported.stderr).toBe(0);
    const rows = new Map(
      exported.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line))
        .filter((row) => row.source_format !== "command")
        .map((row) => [row.benchmark_name, row]),
    );
    expect(rows.size).toBe(4);
    for (const row of rows.values()) {
      expect(row.dut).toMatchObject({ name: "bench-fixture-criterion08", version: `0.8.0+${sha.slice(0, 7)}` });
      expect(row).toMatchObject({ units: "nanoseconds", metric: "time", source_format: "criterion-dir" });
      expect(row.direction).toBe("lower_is_better");
      // sample_size(12): twelve per-iteration times, each a plausible nanosecond figure
      expect(row.values).toHaveLength(12);
      const metadata = JSON.parse(row.metadata);
      const { iters } = metadata.sample;
      expect(iters).toHaveLength(12);
      expect(row.values.every((v: number) => v > 1 && v < 1e7)).toBe(true);
      expect(row.summary.min).toBe(Math.min(...row.values));
      expect(metadata.sample.sampling_mode).toMatch(/^(Linear|Flat)$/);
      expect(metadata.toolchain.join(" ")).toMatch(/rustc \d+\.\d+/);
    }
    // ns per iteration, not per sample: the 8 KiB sum takes longer than the 1 KiB one, and
    // neither is a sample's total (thousands of iterations)
    expect(rows.get("byte_sum/8192").summary.median).toBeGreaterThan(rows.get("byte_sum/1024").summary.median);
    expect(rows.get("byte_sum/1024").summary.median).toBeLessThan(100_000);
    expect(JSON.parse(rows.get("byte_sum/1024").params)).toEqual({ parameter: "1024" });
    expect(rows.get("byte_sum/8192").throughput).toEqual({ multiplier: 8192, name: "bytes", unit_system: "binary" });
    expect(rows.get("digits/rows_512").throughput).toEqual({
      multiplier: 512,
      name: "elements",
      unit_system: "decimal",
    });
    expect(rows.get("lcg_256").throughput).toBeNull();
  }, 1_200_000);
});
