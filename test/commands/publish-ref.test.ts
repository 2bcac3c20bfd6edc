import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GitRef, type CompareOutcome } from "../../src/model/index.js";
import { ROOT, SHA_A, cleanEnv, runCliProcess, sample, tempDir } from "../support/helpers.js";
import { writeCriterionFile } from "../support/criterion-file.js";

/**
 * Local histories: `publish --ref main` records rows under refs/heads/main whatever the CI
 * run (or none) says, so a laptop or another CI can build main's history, and `compare
 * --history-ref main` reads it back.
 */
const dir = tempDir("lance-bench-publish-ref-");
const db = path.join(dir, "db");

/** A cargo-criterion JSON-lines file: 20 samples per benchmark around `level` ns. */
const criterionFile = (name: string, levels: Record<string, number>, wobble: number): string =>
  writeCriterionFile(path.join(dir, name), levels, { noise: (i) => wobble + 0.002 * Math.sin(i) });

const publish = (file: string, sha: string, extra: string[], env: NodeJS.ProcessEnv = {}) =>
  runCliProcess(
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
      `1.0.0+${sha.slice(0, 7)}`,
      "--dut-timestamp",
      "1700000000",
      "--testbed-name",
      "laptop",
      "--json",
      ...extra,
    ],
    env,
  );

const exportRows = () =>
  runCliProcess(["export", "--db", db])
    .stdout.split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("publish --ref, compare --history-ref", () => {
  it("builds main's history from a laptop, and compare reads it with the short ref", () => {
    // three commits of main, published locally (no CI: the run has no ref of its own)
    for (const i of [1, 2, 3]) {
      const sha = String(i).repeat(40);
      const run = publish(criterionFile(`main-${i}.jsonl`, { steady: 1000, other: 5000 }, i * 0.003), sha, [
        "--ref",
        "main",
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).run).toMatchObject({ provider: "local", ref: "refs/heads/main", pr_number: null });
    }
    // a CI run of a pull request: --ref overrides the workflow's ref (and the PR number with it)
    const ci = {
      GITHUB_ACTIONS: "true",
      GITHUB_RUN_ID: "77",
      GITHUB_REF: "refs/pull/7/merge",
      GITHUB_REPOSITORY: "o/r",
    };
    const fromCi = publish(
      criterionFile("main-4.jsonl", { steady: 1000, other: 5000 }, 0.004),
      "4".repeat(40),
      ["--ref", "refs/heads/main"],
      ci,
    );
    expect(fromCi.code, fromCi.stderr).toBe(0);
    expect(JSON.parse(fromCi.stdout).run).toMatchObject({ run_id: "77", ref: "refs/heads/main", pr_number: null });
    // without --ref, the workflow's ref as before
    const pr = publish(criterionFile("pr.jsonl", { steady: 1000, other: 5000 }, 0), "5".repeat(40), [], {
      ...ci,
      GITHUB_RUN_ID: "78",
    });
    expect(pr.code, pr.stderr).toBe(0);
    expect(JSON.parse(pr.stdout).run).toMatchObject({ ref: "refs/pull/7/merge", pr_number: 7 });
    expect(exportRows().filter((r) => r.run.ref === "refs/heads/main")).toHaveLength(8);

    const head = criterionFile("head.jsonl", { steady: 1300, other: 5000 }, 0.001);
    const compare = (ref: string[]) =>
      runCliProcess(["compare", "--base", "history", "--head", head, "--db", db, "--json", ...ref]);
    const short = compare(["--history-ref", "main"]);
    expect(short.code, short.stderr).toBe(0);
    const outcome = JSON.parse(short.stdout) as CompareOutcome;
    expect(outcome.baseline.kind).toBe("history");
    expect(outcome.settings.historyRef).toBe("refs/heads/main");
    const steady = outcome.benchmarks.find((b) => b.name === "steady")!;
    expect(steady.base!.runs).toBe(4); // the PR's row is not main's history
    expect(steady.verdict).toBe("regressed");
    // the full form and the default read the same rows
    for (const args of [["--history-ref", "refs/heads/main"], []]) {
      const same = compare(args);
      expect(same.code, same.stderr).toBe(0);
      expect((JSON.parse(same.stdout) as CompareOutcome).benchmarks).toEqual(outcome.benchmarks);
    }
    // another branch has no history
    const other = compare(["--history-ref", "release/1.0"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/has no results of these benchmarks on refs\/heads\/release\/1\.0/);
  });

  it("refuses a bad ref in one line naming the option, and writes nothing", () => {
    const before = exportRows().length;
    const fresh = path.join(dir, "fresh-db");
    const file = criterionFile("bad.jsonl", { steady: 1000 }, 0);
    const bad: [string, RegExp][] = [
      ["main; rm -rf /", /letters, digits, \._\/-/],
      ["feature/../main", /starting with "\."/],
      ["main\nmain", /letters, digits/],
    ];
    for (const [ref, message] of bad) {
      for (const store of [db, fresh]) {
        const run = runCliProcess(["publish", file, "--db", store, "--sha", "6".repeat(40), "--ref", ref]);
        expect(run.code, ref).toBe(2);
        expect(run.stderr).toMatch(/^lance-bench: error: --ref: /);
        expect(run.stderr).toMatch(message);
        expect(run.stderr.trim().split("\n"), ref).toHaveLength(1);
      }
      const compared = runCliProcess([
        "compare",
        "--base",
        "history",
        "--head",
        file,
        "--db",
        db,
        "--history-ref",
        ref,
      ]);
      expect(compared.code).toBe(2);
      expect(compared.stderr).toMatch(/^lance-bench: error: --history-ref: /);
    }
    expect(exportRows()).toHaveLength(before);
    expect(existsSync(fresh)).toBe(false);
  });

  it("the publish action takes the same ref input (run from the compiled entry, as its bundle runs it)", () => {
    const actionDb = path.join(dir, "action-db");
    const action = (ref: string) => {
      const env: NodeJS.ProcessEnv = {
        ...cleanEnv(),
        GITHUB_ACTIONS: "true",
        GITHUB_RUN_ID: "90",
        GITHUB_REF: "refs/pull/9/merge",
        GITHUB_STEP_SUMMARY: path.join(dir, "summary.md"),
        GITHUB_OUTPUT: path.join(dir, "outputs"),
        INPUT_FILES: sample("pytest-benchmark-5.json"),
        INPUT_DB: actionDb,
        INPUT_SHA: SHA_A,
        "INPUT_DUT-NAME": "fixture",
        "INPUT_DUT-VERSION": "0.1.0+aaaaaaa",
        "INPUT_DUT-TIMESTAMP": "1700000000",
        INPUT_REF: ref,
      };
      writeFileSync(env.GITHUB_STEP_SUMMARY!, "");
      writeFileSync(env.GITHUB_OUTPUT!, "");
      return spawnSync(process.execPath, [path.join(ROOT, "lib/entries/publish.js")], { env, encoding: "utf8" });
    };
    const bad = action("main branch");
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^::error::ref: must be a branch name/m);
    expect(existsSync(actionDb)).toBe(false);
    const good = action("main");
    expect(good.status, good.stdout + good.stderr).toBe(0);
    const rows = runCliProcess(["export", "--db", actionDb]).stdout.split("\n").filter(Boolean);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(JSON.parse(row).run).toMatchObject({ ref: "refs/heads/main", pr_number: null });
  });

  it("normalizes a branch name and keeps a full ref", () => {
    expect(GitRef.parse("main")).toBe("refs/heads/main");
    expect(GitRef.parse(" release/1.0 ")).toBe("refs/heads/release/1.0");
    expect(GitRef.parse("refs/tags/v1.2.3")).toBe("refs/tags/v1.2.3");
    expect(GitRef.parse("refs/pull/42/merge")).toBe("refs/pull/42/merge");
    const problem = (ref: string) => GitRef.safeParse(ref).error?.issues[0]?.message;
    expect(problem("refs/heads/a b")).toMatch(/letters, digits/);
    expect(problem("refs/heads")).toMatch(/is not a full ref/);
    expect(problem("refs/heads/")).toMatch(/empty path segment/);
    expect(problem("feature//x")).toMatch(/empty path segment/);
    expect(problem("topic.lock")).toMatch(/ending with "\.lock"/);
    expect(problem(".hidden")).toMatch(/starting with "\."/);
    expect(problem("-main")).toMatch(/must not start with "-"/);
    expect(problem("main~1")).toMatch(/letters, digits/);
    expect(problem("x".repeat(300))).toMatch(/longer than 255/);
  });
});
