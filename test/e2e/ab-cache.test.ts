import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runRustText } from "../../src/report/run-summary.js";
import { ROOT, commitAll, git, gitRepoFrom, runCliProcess, tempDir } from "../support/helpers.js";

/**
 * Same-runner A/B with the local build cache, for real: the Criterion fixture at a base and a
 * head commit, run twice against one cache folder. The second run must serve both sides from
 * the cache — cargo compiles only the fixture crate itself, for the head and for the base — and
 * its summary must say so per side.
 */
const work = tempDir("lance-bench-ab-cache-");
const repo = gitRepoFrom(path.join(ROOT, "fixtures/rust-criterion"), path.join(work, "repo"));
const base = git(repo, ["rev-parse", "HEAD"]).trim();
const lib = path.join(repo, "src/lib.rs");
writeFileSync(lib, `${readFileSync(lib, "utf8")}\n// the head commit\n`);
const head = commitAll(repo, "head", "2026-03-04T05:06:07Z");
// Its own folder (kept between local test runs, so only the first ever run is cold): the other
// run-rust tests, running at the same time, would take this test's entries from a shared one.
const cacheDir = path.join(ROOT, "test-output/run-rust-ab-cache");

function abRun(name: string) {
  const run = runCliProcess(
    [
      "run-rust",
      "--repo",
      repo,
      "--sha",
      head,
      "--base-sha",
      base,
      "--repetitions",
      "1",
      "--mode",
      "pr",
      "--runner",
      "cargo-bench",
      "--filter",
      "^fibonacci_20$",
      "--cache-dir",
      cacheDir,
      "--output-dir",
      path.join(work, name),
      "--json",
    ],
    {},
    ROOT,
    900_000,
  );
  expect(run.code, run.stderr).toBe(0);
  const summary = JSON.parse(run.stdout);
  return { ...run, summary, crate: summary.crates[0] };
}

describe("same-runner A/B with the local build cache", () => {
  it("serves head and base from the cache on the second run, and says so per side", () => {
    const first = abRun("first");
    for (const side of ["head", "base"] as const) {
      // A cold cache (a fresh folder): that side built everything, and saved it.
      const compiled = side === "head" ? first.crate.compiled : first.crate.baseCompiled;
      if (first.crate.cache[side].restored === "miss") expect(compiled).toContain("criterion");
      expect(first.crate.cache[side].saved).toBe(true);
    }

    const second = abRun("second");
    // Neither side recompiled a dependency: only the fixture crate (each worktree is fresh).
    expect(second.crate.compiled).toEqual(["bench-fixture"]);
    expect(second.crate.baseCompiled).toEqual(["bench-fixture"]);
    expect(second.crate.cache.head).toMatchObject({ restored: "hit", saved: true });
    expect(second.crate.cache.base).toMatchObject({ restored: "hit", saved: true });
    expect(second.crate.cache.head.key).not.toBe(second.crate.cache.base.key);
    expect(second.crate.cache.head.from).toBe(second.crate.cache.head.key);
    expect(second.crate.cache.base.from).toBe(second.crate.cache.base.key);
    // The text report says what happened to each side.
    const report = runRustText(second.summary);
    expect(report).toMatch(/head hit, base hit/);
    expect(report).toContain(`head: hit (${second.crate.cache.head.key}) → saved`);
    expect(report).toContain(`base: hit (${second.crate.cache.base.key}) → saved`);
  }, 1_800_000);
});
