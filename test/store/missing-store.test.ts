import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHA_A, SHA_B, explicitDut, runCliProcess, sample, tempDir } from "../support/helpers.js";

/**
 * Reading a store that is not there: a mistyped --db must not be created and must not answer
 * "no results" (the scheduler would then dispatch every commit). One error line, exit 2.
 */
const dir = tempDir("lance-bench-missing-store-");

/** The lines of an error run: exactly one, naming `what`. */
function expectOneErrorLine(run: { code: number; stdout: string; stderr: string }, what: RegExp) {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  const lines = run.stderr.split("\n").filter(Boolean);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^lance-bench: error: /);
  expect(lines[0]).toMatch(what);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("a local store folder that does not exist", () => {
  const missing = path.join(dir, "typo-db");
  const names = new RegExp(`${escape(missing)}: no result store there \\(the folder does not exist\\)`);

  it.each([
    ["has-results", ["has-results", "--sha", SHA_A, "--db", missing]],
    ["export", ["export", "--db", missing]],
    ["compare sha:", ["compare", "--base", `sha:${SHA_A}`, "--head", `sha:${SHA_B}`, "--db", missing]],
    ["compare history", ["compare", "--base", "history", "--head", sample("cargo-criterion.jsonl"), "--db", missing]],
  ])("%s: exit 2, one line naming it, and the folder is not created", (_name, args) => {
    expectOneErrorLine(runCliProcess(args), names);
    expect(existsSync(missing)).toBe(false);
  });

  it("is also refused through LANCE_BENCH_URI and file:// URIs", () => {
    expectOneErrorLine(runCliProcess(["has-results", "--sha", SHA_A], { LANCE_BENCH_URI: missing }), names);
    expectOneErrorLine(runCliProcess(["export", "--db", `file://${missing}`]), /no result store there/);
    expect(existsSync(missing)).toBe(false);
  });

  it("a compare of files does not need it (the store only adds history) and does not create it", () => {
    const file = sample("cargo-criterion.jsonl");
    const run = runCliProcess(["compare", "--base", file, "--head", file, "--db", missing]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(missing)).toBe(false);
  });
});

describe("a folder that is not a store", () => {
  it("an existing folder without the results table: exit 2 (nothing was published there), nothing created", () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    for (const args of [
      ["has-results", "--sha", SHA_A, "--db", empty],
      ["export", "--db", empty],
    ]) {
      expectOneErrorLine(runCliProcess(args), /empty: no results table there \(nothing was ever published to it\)/);
    }
    expect(readdirSync(empty)).toEqual([]);
  });

  it("a file: exit 2, one line", () => {
    const file = path.join(dir, "a-file");
    writeFileSync(file, "not a database");
    expectOneErrorLine(runCliProcess(["export", "--db", file]), /a-file: is a file, not a result store folder/);
  });

  it("after a publish, the same commands answer", () => {
    const db = path.join(dir, "published");
    expect(runCliProcess(["publish", sample("bencher.txt"), "--db", db, ...explicitDut]).code).toBe(0);
    expect(runCliProcess(["has-results", "--sha", SHA_A, "--db", db]).code).toBe(0);
    const no = runCliProcess(["has-results", "--sha", SHA_B, "--db", db]);
    expect([no.code, no.stdout]).toEqual([1, "no\n"]);
  });
});

describe("--config", () => {
  it("a file that does not exist is an error naming it (the default file may be absent)", () => {
    const file = sample("cargo-criterion.jsonl");
    const config = path.join(dir, "no-such-config.yml");
    const run = runCliProcess(["compare", "--base", file, "--head", file, "--config", config, "--db", dir]);
    expectOneErrorLine(run, new RegExp(`config ${escape(config)}: no such file`));
    const byDefault = runCliProcess(["compare", "--base", file, "--head", file, "--db", dir], {}, dir);
    expect(byDefault.code, byDefault.stderr).toBe(0);
  });
});
