import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePipelineResultsOptions, pipelineResults } from "../../src/commands/pipeline-results.js";
import { tempDir } from "../support/helpers.js";

/** pipeline-results over a history as rapidbyte's harness (and run-pipeline) writes it. */
const dir = tempDir("lance-bench-pipeline-results-");
const SHAS = ["1111111aaaa", "2222222bbbb", "3333333cccc"].map((s) => s.padEnd(40, "0"));

function history(lines: object[]): string {
  const file = path.join(dir, `history-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return file;
}

const entry = (sha: string, mode: string, rows: number, duration: number) => ({
  records_read: rows,
  duration_secs: duration,
  dest_flush_secs: duration / 2,
  timestamp: "2026-11-23T00:00:00Z",
  mode,
  bench_rows: rows,
  aot: true,
  git_sha: sha.slice(0, 7),
  git_sha_full: sha,
  git_branch: "main",
});

const file = history([
  entry(SHAS[0]!, "insert", 1000, 1.0),
  entry(SHAS[0]!, "insert", 1000, 1.2),
  entry(SHAS[1]!, "insert", 1000, 1.5),
  entry(SHAS[1]!, "copy", 1000, 0.5),
  entry(SHAS[2]!, "insert", 1000, 0.9),
  entry(SHAS[2]!, "insert", 5000, 4.0),
  { ...entry(SHAS[2]!, "copy", 1000, 0), status: "failed", error: "exited with 1" },
]);
const run = (raw: Record<string, unknown>) => pipelineResults(parsePipelineResultsOptions({ history: file, ...raw }));

describe("pipeline-results", () => {
  it("by default compares the last two commits, per mode and row count, with the change", async () => {
    const result = await run({});
    expect(result.shas).toEqual([SHAS[1], SHAS[2]]);
    expect(result.text).toContain("Mode: INSERT, 1,000 rows");
    expect(result.text).toMatch(/Total duration \(s\)\s+1\.500\s+0\.900\s+-40\.0%/);
    // COPY ran at the second commit only (the third's failed): a dash, no change.
    expect(result.text).toMatch(/Mode: COPY, 1,000 rows[\s\S]*Total duration \(s\)\s+0\.500\s+–\s+–/);
  });

  it("--sha with prefixes picks those commits; --rows filters", async () => {
    const result = await run({ shas: ["1111111", "3333333"], rows: 1000 });
    expect(result.shas).toEqual([SHAS[0], SHAS[2]]);
    expect(result.text).toMatch(/Total duration \(s\)\s+1\.100\s+0\.900\s+-18\.2%/);
    expect(result.text).not.toContain("5,000 rows");
  });

  it("--last 3 shows three commits side by side without a change column", async () => {
    const result = await run({ last: 3, rows: 1000 });
    expect(result.tables[0]!.header).toEqual(["Metric", "1111111", "2222222", "3333333"]);
  });

  it("a sha with no results, or a bad history line, is one clear error", async () => {
    await expect(run({ shas: ["abcdef0"] })).rejects.toThrow(`sha: no results for "abcdef0" in ${file}`);
    await expect(run({ shas: ["main"] })).rejects.toThrow('"main" is not a commit sha (pass --repo to resolve refs)');
    const bad = history([entry(SHAS[0]!, "insert", 1000, 1), { duration_secs: 1, git_sha: "abc" }]);
    await expect(pipelineResults(parsePipelineResultsOptions({ history: bad }))).rejects.toThrow(
      `${bad}: line 2: field mode: missing`,
    );
    const nan = history([{ ...entry(SHAS[0]!, "insert", 1000, 1), duration_secs: "NaN" }]);
    await expect(pipelineResults(parsePipelineResultsOptions({ history: nan }))).rejects.toThrow(
      `${nan}: line 1, field duration_secs: "NaN" is not a finite number`,
    );
    await expect(
      pipelineResults(parsePipelineResultsOptions({ history: path.join(dir, "none.jsonl") })),
    ).rejects.toThrow(/none\.jsonl/);
  });
});
