import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveResultsContext, toResults } from "../../src/commands/results-context.js";
import { parseInputs, writeResultsFile } from "../../src/parse/index.js";
import { SHA_A, explicitDut, runCliProcess, sample, tempDir } from "../support/helpers.js";

/** The suite's own results file: written on the machine that ran, published elsewhere. */
async function makeResultsFile(dir: string) {
  const parsed = await parseInputs([sample("cargo-criterion.jsonl")]);
  const context = await resolveResultsContext(
    {
      sha: SHA_A,
      dutVersion: "0.3.1+aaaaaaa",
      dutTimestamp: 1700000000,
      dutName: "fixture",
      testbedName: "bench-runner-1",
    },
    parsed.measurements,
    parsed.toolchain,
    { GITHUB_ACTIONS: "true", GITHUB_RUN_ID: "77", GITHUB_RUN_ATTEMPT: "2", GITHUB_REPOSITORY: "o/r" },
  );
  const results = toResults(parsed.measurements, context);
  const file = path.join(dir, "results.jsonl");
  await writeResultsFile(file, results, "test");
  return { file, results };
}

describe("lance-bench results file", () => {
  it("round-trips every field and is detected automatically", async () => {
    const dir = tempDir();
    const { file, results } = await makeResultsFile(dir);
    const parsed = await parseInputs([file]);
    expect(parsed.formats[file]).toBe("lance-bench-results");
    expect(parsed.measurements).toEqual([]);
    expect(parsed.results).toEqual(results);
  });

  it("is published as it was built: the running machine's test bed and run, not the publisher's", async () => {
    const dir = tempDir();
    const { file, results } = await makeResultsFile(dir);
    const db = path.join(dir, "db");
    const run = runCliProcess(["publish", file, file, "--db", db, "--json", "--testbed-name", "publisher"]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.rowsWritten).toBe(results.length);
    expect(summary.testBed.name).toBe("bench-runner-1");
    expect(summary.run).toMatchObject({ run_id: "77", run_attempt: 2 });
    const again = JSON.parse(runCliProcess(["publish", file, "--db", db, "--json"]).stdout);
    expect(again.rowsWritten).toBe(0);
  });

  it("rejects a newer schema version and a bad record, naming line and field, writing nothing", async () => {
    const dir = tempDir();
    const { file } = await makeResultsFile(dir);
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    const newer = path.join(dir, "newer.jsonl");
    writeFileSync(newer, [lines[0]!.replace('"schema_version":1', '"schema_version":9'), ...lines.slice(1)].join("\n"));
    const bad = path.join(dir, "bad.jsonl");
    const record = JSON.parse(lines[2]!);
    record.summary.median = "fast";
    writeFileSync(bad, [lines[0], lines[1], JSON.stringify(record)].join("\n"));
    const db = path.join(dir, "db");
    const newerRun = runCliProcess(["publish", newer, "--db", db]);
    expect(newerRun.code).toBe(2);
    expect(newerRun.stderr).toMatch(/newer\.jsonl: line 1, field schema_version: 9 is not supported/);
    const badRun = runCliProcess(["publish", sample("bencher.txt"), bad, "--db", db, ...explicitDut]);
    expect(badRun.code).toBe(2);
    expect(badRun.stderr).toMatch(/bad\.jsonl: line 3, field summary\.median: .*expected number/);
    expect(runCliProcess(["export", "--db", db]).stdout).toBe("");
  });
});
