import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT, explicitDut, runCliAsync, runCliProcess, sample, tempDir, tableState } from "../support/helpers.js";
import {
  buildLargeFiles,
  buildMalformedCorpus,
  type LargeCase,
  type MalformedCase,
} from "../support/malformed-corpus.js";

/**
 * A corpus of malformed files for every parser, through the real CLI: each gets exit code 2,
 * one error line naming the file and the line or field, no stack trace, and the table stays
 * exactly as it was. Then 100 MB files, whose memory must stay bounded (they are streamed).
 */
const dir = tempDir("lance-bench-corpus-");
const db = path.join(dir, "db");
let corpus: MalformedCase[] = [];
const HEAP_LIMIT_MB = 64;

function checkCleanRefusal(run: { code: number; stderr: string }, input: string, expected: RegExp): void {
  expect(run.code, run.stderr).toBe(2);
  const errors = run.stderr.split("\n").filter((line) => line.startsWith("lance-bench: error:"));
  expect(errors, run.stderr).toHaveLength(1);
  expect(errors[0]).toContain(input);
  expect(errors[0]).toMatch(expected);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

beforeAll(async () => {
  corpus = await buildMalformedCorpus(dir);
  const seeded = runCliProcess(["publish", sample("bencher.txt"), "--db", db, ...explicitDut]);
  expect(seeded.code, seeded.stderr).toBe(0);
});

describe("malformed files, every parser", () => {
  it("each is refused with one clear error naming file and location, and nothing is written", async () => {
    const before = await tableState(db);
    const parsers = new Set(corpus.map((c) => c.parser));
    expect([...parsers].sort()).toEqual([
      "bencher",
      "cargo-criterion",
      "criterion-dir",
      "pytest",
      "rapidbyte",
      "results-file",
    ]);
    for (let i = 0; i < corpus.length; i += 2) {
      const batch = corpus.slice(i, i + 2);
      const runs = await Promise.all(batch.map((c) => runCliAsync(["publish", c.input, "--db", db, ...explicitDut])));
      batch.forEach((c, j) => checkCleanRefusal(runs[j]!, c.input, c.expected));
    }
    expect(await tableState(db)).toEqual(before);
  });
});

describe("100 MB files", () => {
  let large: LargeCase[] = [];
  beforeAll(async () => {
    large = await buildLargeFiles(dir);
  });

  it("are streamed: within a 64 MB JavaScript heap, the error names the line near the end", async () => {
    // Reading a 100 MB file whole cannot fit in a 64 MB heap (V8 aborts: "heap out of
    // memory"); streamed, what a parser holds is one chunk plus the samples it keeps.
    const before = await tableState(db);
    for (const c of large) {
      const run = await runCliAsync(["publish", c.input, "--db", db, ...explicitDut], {
        NODE_OPTIONS: `--max-old-space-size=${HEAP_LIMIT_MB} --import ${path.join(ROOT, "test/support/report-rss.mjs")}`,
      });
      expect(run.stderr).not.toMatch(/heap out of memory/);
      checkCleanRefusal(run, c.input, c.expected);
      expect(run.stderr).toMatch(/peak-rss-mb: \d+/);
    }
    expect(await tableState(db)).toEqual(before);
  });
});
