import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRepoConfig, policyResolver } from "../../src/context/repo-config.js";
import { ConfigurationError, type CompareOutcome } from "../../src/model/index.js";
import { runCliProcess, tempDir } from "../support/helpers.js";
import { runCliInProcess } from "../support/cli-in-process.js";
import { writeCriterionFile } from "../support/criterion-file.js";

const dir = tempDir("lance-bench-compare-");

/** Deterministic pseudo-noise, so the files are the same on every run. */
function noise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32 - 0.5) * 2; // −1 … 1
  };
}

/**
 * A cargo-criterion JSON-lines file, one run: `samples` samples per benchmark around its level,
 * which itself moves from run to run by up to `runCv` (a run's own machine state).
 */
function criterionFile(
  name: string,
  levels: Record<string, number>,
  seed: number,
  cv = 0.01,
  samples = 30,
  runCv = 0.005,
): string {
  const next = noise(seed);
  return writeCriterionFile(path.join(dir, name), levels, {
    samples,
    runLevel: (level) => level * (1 + runCv * next()),
    noise: () => cv * 1.7 * next(),
  });
}

const BASE = { "sort/100": 500, "sort/1000": 12_000, fib: 21_000, adler: 15_000 };
const HEAD = { "sort/100": 500, "sort/1000": 13_200, fib: 21_000, adler: 13_800, "new/bench": 100 };
delete (HEAD as Record<string, number>)["nothing"];

const json = (stdout: string) => JSON.parse(stdout) as CompareOutcome;
const verdicts = (outcome: CompareOutcome) => Object.fromEntries(outcome.benchmarks.map((b) => [b.name, b.verdict]));
const db = path.join(dir, "db");
const noStore = ["--db", path.join(dir, "no-store")];
/** An empty settings file: the defaults, whatever the working directory holds. */
const emptyConfig = () => {
  const file = path.join(dir, "empty.yml");
  writeFileSync(file, "");
  return file;
};

/** Three runs a side, one file each (as `results-*.jsonl` of a run action's repetitions). */
const threeRuns = (prefix: string, levels: Record<string, number>, seed: number) =>
  [0, 1, 2].map((i) => criterionFile(`${prefix}-${i}.jsonl`, levels, seed + 17 * i));

describe("lance-bench compare (files)", () => {
  it("one run a side is never judged from its samples: inconclusive, and the report says why", async () => {
    const base = criterionFile("single-base.jsonl", BASE, 1);
    const head = criterionFile("single-head.jsonl", HEAD, 2);
    const run = await runCliInProcess(["compare", "--base", base, "--head", head, "--json", ...noStore]);
    expect(run.code, run.stderr).toBe(0);
    const outcome = json(run.stdout);
    expect(verdicts(outcome)).toEqual({
      "sort/100": "inconclusive",
      "sort/1000": "inconclusive",
      fib: "inconclusive",
      adler: "inconclusive",
      "new/bench": "added",
    });
    expect(outcome.benchmarks[1]!.reason).toMatch(/^one run a side/);
    expect(outcome.benchmarks[1]!.ratio).toBeCloseTo(1.1, 1);
    expect(outcome.warnings.join()).toMatch(/4 benchmark\(s\) have one run a side and no known run-to-run noise/);
    const text = await runCliInProcess(["compare", "--base", base, "--head", head, ...noStore]);
    expect(text.stdout).toMatch(/warning: 4 benchmark\(s\) have one run a side/);
    expect(text.stdout).toMatch(/0 regressions, 0 improvements, 4 inconclusive among 5 benchmarks/);
  });

  it("flags the regression and the improvement, lists the added benchmark, and fails only when asked", async () => {
    const bases = threeRuns("base", BASE, 1);
    const heads = threeRuns("head", HEAD, 2);
    const [base, head] = [bases, heads].map((files) => files.join(" ").split(" "));
    const markdown = path.join(dir, "report.md");
    const run = await runCliInProcess([
      "compare",
      "--base",
      ...base!,
      "--head",
      ...head!,
      "--json",
      "--markdown",
      markdown,
      ...noStore,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const outcome = json(run.stdout);
    expect(verdicts(outcome)).toEqual({
      "sort/100": "unchanged",
      "sort/1000": "regressed",
      fib: "unchanged",
      adler: "improved",
      "new/bench": "added",
    });
    expect(outcome.baseline.kind).toBe("files");
    expect(outcome.warnings).toEqual([]);
    const sort = outcome.benchmarks.find((b) => b.name === "sort/1000")!;
    expect(sort).toMatchObject({ method: "t-test", base: { runs: 3 }, head: { runs: 3 } });
    expect(sort.noise!.source).toBe("runs");
    const text = readFileSync(markdown, "utf8");
    expect(text.indexOf("#### Regressions")).toBeLessThan(text.indexOf("#### Improvements"));
    expect(text).toMatch(/<details><summary>All 5 benchmarks<\/summary>/);
    expect(text).toMatch(/Suite geometric mean/);

    expect(text).toMatch(/geo\. mean of 3 runs/);
    expect(text).toMatch(/\| benchmark \| base \| head \| change \| 95% interval \| q \| noise \| detectable \|/);

    const failing = await runCliInProcess([
      "compare",
      "--base",
      ...base!,
      "--head",
      ...head!,
      "--fail-on-regression",
      ...noStore,
    ]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/1 regression, 1 improvement among 5 benchmarks/);
    expect(failing.stdout).toMatch(/4 by a t test on log run medians/);
    const same = await runCliInProcess([
      "compare",
      "--base",
      ...base!,
      "--head",
      ...base!,
      "--fail-on-regression",
      ...noStore,
    ]);
    expect(same.code).toBe(0);
    // a pattern in the file name: the folders a run action leaves (one file per crate)
    const pattern = await runCliInProcess([
      "compare",
      "--base",
      path.join(dir, "base-*.jsonl"),
      "--head",
      ...head!,
      "--json",
      ...noStore,
    ]);
    expect(pattern.code, pattern.stderr).toBe(0);
    expect(verdicts(json(pattern.stdout))["sort/1000"]).toBe("regressed");
    const none = await runCliInProcess([
      "compare",
      "--base",
      path.join(dir, "nothing-*.jsonl"),
      "--head",
      head![0]!,
      ...noStore,
    ]);
    expect(none.stderr).toMatch(/base: .*nothing-\*\.jsonl matches no file/);
    // compare has no format option, so it must not suggest one
    const notes = path.join(dir, "notes.txt");
    writeFileSync(notes, "these are not benchmark results\n");
    const unknown = await runCliInProcess(["compare", "--base", notes, "--head", head![0]!, ...noStore]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/notes\.txt: unknown format: not cargo-criterion/);
    expect(unknown.stderr).not.toMatch(/format option|--format/);
  });

  it("reads thresholds and mutes from .lance-bench.yml", async () => {
    const base = path.join(dir, "base-*.jsonl");
    const head = path.join(dir, "head-*.jsonl");
    const config = path.join(dir, "mute.yml");
    writeFileSync(
      config,
      [
        "compare:",
        "  threshold: 2%",
        "  benchmarks:",
        '    - match: "sort/**"',
        "      threshold: 15%",
        '    - match: "adler"',
        "      mute: true",
        "      reason: known flaky",
        "",
      ].join("\n"),
    );
    const run = await runCliInProcess([
      "compare",
      "--base",
      base,
      "--head",
      head,
      "--config",
      config,
      "--json",
      ...noStore,
    ]);
    expect(run.code).toBe(0);
    const outcome = json(run.stdout);
    const byName = Object.fromEntries(outcome.benchmarks.map((b) => [b.name, b]));
    expect(byName["sort/1000"]).toMatchObject({ verdict: "unchanged", threshold: 0.15 });
    expect(byName.adler).toMatchObject({ muted: true, reason: "muted: known flaky" });
    expect(outcome.counts).toMatchObject({ regressed: 0, improved: 0, muted: 1 });
  });

  it("refuses bad input with one line naming the file, the key or the side", async () => {
    const base = criterionFile("base3.jsonl", BASE, 1);
    const empty = path.join(dir, "empty.jsonl");
    writeFileSync(empty, "");
    const badConfig = path.join(dir, "bad.yml");
    writeFileSync(badConfig, "compare:\n  treshold: 5%\n");
    const cases: [string[], RegExp][] = [
      [["--base", base, "--head", empty], /empty\.jsonl: file is empty/],
      [["--base", path.join(dir, "missing.jsonl"), "--head", base], /base: .*missing\.jsonl is neither a file/],
      [["--base", base, "--head", "history"], /head: history is a baseline/],
      [["--base", base, "--head", "sha:abc"], /must be a full 40-character hex commit sha/],
      [["--base", "history", "--head", base], /db .*no-store: no result store there \(the folder does not exist\)/],
      [["--base", base, "--head", base, "--config", badConfig], /bad\.yml: line 2: compare\.treshold: unknown key/],
    ];
    for (const [args, message] of cases) {
      const run = await runCliInProcess(["compare", ...args, ...noStore]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("lance-bench compare (store)", () => {
  const mainSha = (i: number) => i.toString(16).padStart(40, "c");
  const prSha = "d".repeat(40);
  const publish = (file: string, sha: string, ref: string, runId: string, time: number) => {
    const run = runCliProcess(
      [
        "publish",
        file,
        "--db",
        db,
        "--sha",
        sha,
        "--dut-name",
        "proj",
        "--dut-version",
        "1.0.0",
        "--dut-timestamp",
        String(time),
        "--testbed-name",
        "bench-runner",
      ],
      { GITHUB_ACTIONS: "true", GITHUB_REF: ref, GITHUB_RUN_ID: runId, GITHUB_REPOSITORY: "o/r" },
    );
    expect(run.code, run.stderr).toBe(0);
  };

  it("compares stored commits, and a PR head against main's history with each benchmark's noise", () => {
    // main: eight commits, the `jumpy` benchmark moving ±8% from run to run, `steady` within 1%
    const jumps = [1, 1.08, 0.93, 1.05, 0.95, 1.1, 0.9, 1.02];
    jumps.forEach((jump, i) => {
      const file = criterionFile(`main-${i}.jsonl`, { steady: 1000, jumpy: 5000 * jump }, 100 + i);
      publish(file, mainSha(i), "refs/heads/main", `main-${i}`, 1_700_000_000 + i);
    });
    // the PR: both 6% slower
    publish(
      criterionFile("pr.jsonl", { steady: 1060, jumpy: 5300 }, 300),
      prSha,
      "refs/pull/7/merge",
      "pr-7",
      1_700_000_100,
    );

    const history = runCliProcess([
      "compare",
      "--base",
      "history",
      "--head",
      `sha:${prSha}`,
      "--db",
      db,
      "--json",
      ...["--config", emptyConfig()],
    ]);
    expect(history.code, history.stderr).toBe(0);
    const outcome = json(history.stdout);
    expect(outcome.baseline).toMatchObject({ kind: "history" });
    const byName = Object.fromEntries(outcome.benchmarks.map((b) => [b.name, b]));
    expect(byName.steady).toMatchObject({ verdict: "regressed" });
    expect(byName.steady!.base!.runs).toBe(8);
    expect(byName.jumpy!.mde).toBeGreaterThan(0.06);
    expect(byName.jumpy!.verdict).not.toBe("regressed");

    const pairwise = runCliProcess([
      "compare",
      "--base",
      `sha:${mainSha(7)}`,
      "--head",
      `sha:${prSha}`,
      "--db",
      db,
      "--json",
    ]);
    expect(pairwise.code, pairwise.stderr).toBe(0);
    const stored = json(pairwise.stdout);
    expect(stored.baseline.kind).toBe("store");
    expect(stored.benchmarks.find((b) => b.name === "steady")!.verdict).toBe("regressed");

    const unknown = runCliProcess(["compare", "--base", `sha:${"e".repeat(40)}`, "--head", `sha:${prSha}`, "--db", db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/base: the store has no results for commit e{40}/);
  });
});

describe(".lance-bench.yml", () => {
  it("gives defaults when absent, parses percentages, and lets later rules override earlier ones", async () => {
    expect((await loadRepoConfig(path.join(dir, "absent.yml"))).compare).toMatchObject({ threshold: 0.02, fdr: 0.05 });
    const file = path.join(dir, "rules.yml");
    writeFileSync(
      file,
      "compare:\n  threshold: 0.03\n  benchmarks:\n    - match: 'io/**'\n      threshold: 10 %\n    - match: 'io/slow'\n      mute: true\n",
    );
    const policy = policyResolver((await loadRepoConfig(file)).compare);
    expect(policy("cpu/x")).toEqual({ threshold: 0.03, muted: false });
    expect(policy("io/a/b")).toEqual({ threshold: 0.1, muted: false });
    expect(policy("io/slow")).toEqual({ threshold: 0.1, muted: true });
  });

  it("names the line and key of every mistake", async () => {
    const cases: [string, RegExp][] = [
      ["compare:\n  threshold: lots\n", /line 2: compare\.threshold: /],
      [
        "compare:\n  benchmarks:\n    - match: x\n      mutee: true\n",
        /line 4: compare\.benchmarks\.0\.mutee: unknown key/,
      ],
      ["comparre: {}\n", /line 1: comparre: unknown key/],
      ["compare:\n  fdr: [\n", /invalid YAML/],
      ["compare:\n  fdr: 2\n", /compare\.fdr/],
    ];
    for (const [text, message] of cases) {
      const file = path.join(dir, "mistake.yml");
      writeFileSync(file, text);
      const error = await loadRepoConfig(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
