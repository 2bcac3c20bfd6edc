import path from "node:path";
import { describe, expect, it } from "vitest";
import { pullRequestRun } from "../../src/model/index.js";
import { runCliProcess, tempDir } from "../support/helpers.js";
import { writeCriterionFile } from "../support/criterion-file.js";

/**
 * A pull request's results never join main's history: `--pr-number` stores them under
 * `refs/pull/<n>/head` with `run.pr_number`, contradictions are refused, and `has-results`
 * (which the scheduler asks) does not count them as the commit being benchmarked.
 */
const dir = tempDir("lance-bench-pr-results-");
const db = path.join(dir, "db");
const SHA = "7".repeat(40);

const criterionFile = (name: string): string =>
  writeCriterionFile(path.join(dir, name), { steady: 1000 }, { noise: (i) => 0.002 * Math.sin(i) });

const publish = (extra: string[], env: NodeJS.ProcessEnv = {}) =>
  runCliProcess(
    [
      "publish",
      criterionFile(`r-${Math.random().toString(36).slice(2)}.jsonl`),
      "--db",
      db,
      "--sha",
      SHA,
      "--dut-name",
      "proj",
      "--dut-version",
      "1.0.0+7777777",
      "--dut-timestamp",
      "1700000000",
      "--testbed-name",
      "laptop",
      "--json",
      ...extra,
    ],
    env,
  );
const hasResults = () => runCliProcess(["has-results", "--sha", SHA, "--db", db]);
const rows = () =>
  runCliProcess(["export", "--db", db])
    .stdout.split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { run: { ref: string; pr_number: number | null } });

describe("--pr-number", () => {
  it("stores a PR's rows under refs/pull/<n>/head, and has-results of the sha stays false", () => {
    const ci = {
      GITHUB_ACTIONS: "true",
      GITHUB_RUN_ID: "31",
      GITHUB_REF: "refs/pull/7/merge",
      GITHUB_REPOSITORY: "o/r",
    };
    const run = publish(["--pr-number", "7"], ci);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).run).toMatchObject({ ref: "refs/pull/7/head", pr_number: 7 });
    expect(rows().map((r) => r.run)).toEqual([expect.objectContaining({ ref: "refs/pull/7/head", pr_number: 7 })]);
    const found = hasResults();
    expect(found.stdout.trim()).toBe("no");
    expect(found.code).toBe(1);
    // main's own run of the same commit counts
    const main = publish(["--ref", "main", "--run-id", "main-1"]);
    expect(main.code, main.stderr).toBe(0);
    expect(hasResults().code).toBe(0);
  });

  it("refuses contradictions before writing anything", () => {
    const before = rows().length;
    const ref = publish(["--pr-number", "7", "--ref", "main"]);
    expect(ref.code).toBe(2);
    expect(ref.stderr).toMatch(/^lance-bench: error: --ref: refs\/heads\/main contradicts pr-number 7/);
    const other = publish(["--pr-number", "7"], {
      GITHUB_ACTIONS: "true",
      GITHUB_RUN_ID: "32",
      GITHUB_REF: "refs/pull/8/merge",
    });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--pr-number: 7, but this workflow runs for pull request #8/);
    const run = runCliProcess(["run-rust", "--repo", dir, "--mode", "pr", "--pr-number", "7"], {
      GITHUB_REF: "refs/pull/8/merge",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--pr-number: 7, but this workflow runs for pull request #8/);
    expect(rows()).toHaveLength(before);
  });

  it("the same rules, as a function", () => {
    expect(pullRequestRun(3, undefined, undefined)).toEqual({ ref: "refs/pull/3/head", pr_number: 3 });
    expect(pullRequestRun(3, "refs/pull/3/head", "refs/pull/3/merge")).toEqual({
      ref: "refs/pull/3/head",
      pr_number: 3,
    });
    expect(pullRequestRun(3, undefined, "refs/heads/main").ref).toBe("refs/pull/3/head");
    expect(() => pullRequestRun(3, "refs/pull/3/merge", undefined)).toThrow(/^ref: /);
  });
});
