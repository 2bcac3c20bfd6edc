import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compare } from "../../src/commands/compare.js";
import { resolveResultsContext, toResults } from "../../src/commands/results-context.js";
import { storeResults } from "../../src/commands/publish.js";
import type { Result } from "../../src/model/index.js";
import { parseInputs, writeResultsFile } from "../../src/parse/index.js";
import { runCliProcess, sample, tempDir } from "../support/helpers.js";

/**
 * main's history as compare reads it: split by fingerprint (machine and toolchain), never pooled.
 * Two machines publish the same benchmarks on main, one about twice as fast as the other.
 */
const dir = tempDir("lance-bench-compare-history-");
const db = path.join(dir, "db");
const config = path.join(dir, "empty.yml");
const FAST = "fingerprint-fast-machine";
const SLOW = "fingerprint-slow-machine";
const sha = (i: number) => i.toString(16).padStart(40, "a");

/** One run of the sample suite on `fingerprint`, every sample scaled by `factor`. */
async function run(i: number, fingerprint: string, factor: number): Promise<Result[]> {
  const parsed = await parseInputs([sample("cargo-criterion.jsonl")]);
  const context = await resolveResultsContext(
    { sha: sha(i), dutVersion: "1.0.0", dutTimestamp: 1_700_000_000 + i, dutName: "proj", testbedName: "runner" },
    parsed.measurements,
    parsed.toolchain,
    { GITHUB_ACTIONS: "true", GITHUB_RUN_ID: `run-${i}`, GITHUB_REF: "refs/heads/main", GITHUB_REPOSITORY: "o/r" },
  );
  // each run a little apart from the others (run-to-run noise of ±2%)
  const jitter = 1 + 0.02 * Math.sin(i * 2.3);
  return toResults(parsed.measurements, context).map((r) => ({
    ...r,
    fingerprint,
    values: r.values.map((v) => v * factor * jitter),
    summary: r.summary && { ...r.summary, median: r.summary.median * factor * jitter },
  }));
}

describe("compare against a history measured on two machines", () => {
  it("reads only the head's fingerprint as the baseline, and refuses to guess for a head without one", async () => {
    writeFileSync(config, "");
    for (let i = 0; i < 6; i++) {
      await storeResults(await run(i, FAST, 1), db, {});
      await storeResults(await run(100 + i, SLOW, 2), db, {});
    }
    const headFile = path.join(dir, "head.jsonl");
    await writeResultsFile(headFile, await run(200, FAST, 1.01), "test");

    const outcome = await compare({ base: ["history"], head: [headFile], db, config, historyRef: "refs/heads/main" });
    expect(outcome.benchmarks.length).toBeGreaterThan(0);
    for (const row of outcome.benchmarks) {
      expect(row.base!.runs, row.name).toBe(6); // the fast machine's six runs, not twelve
      expect(row.modes, row.name).toBeNull(); // two machines are not two levels of one benchmark
      expect(row.verdict, row.name).not.toBe("regressed");
      expect(row.ratio!).toBeGreaterThan(0.9);
      expect(row.ratio!).toBeLessThan(1.1);
    }

    // raw tool output carries no fingerprint: with two machines in main's history, no baseline
    const raw = await compare({
      base: ["history"],
      head: [sample("cargo-criterion.jsonl")],
      db,
      config,
      historyRef: "refs/heads/main",
    });
    for (const row of raw.benchmarks) {
      expect(row.verdict).toBe("inconclusive");
      expect(row.reason).toMatch(/main's history was measured on 2 fingerprints and the head file carries none/);
    }
  });

  it("a head run with no samples is an error naming its file, line and field", async () => {
    const file = path.join(dir, "empty-values.jsonl");
    const results = await run(300, FAST, 1);
    await writeResultsFile(file, results, "test");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    const record = JSON.parse(lines[2]!);
    record.values = [];
    lines[2] = JSON.stringify(record);
    writeFileSync(file, `${lines.join("\n")}\n`);
    const cli = runCliProcess(["compare", "--base", "history", "--head", file, "--db", db, "--config", config]);
    expect(cli.code).toBe(2);
    expect(cli.stderr.trim()).toMatch(/empty-values\.jsonl: line 3, field values: .*expected array to have >=1 items/);
    expect(cli.stderr.trim().split("\n")).toHaveLength(1);
  });
});
