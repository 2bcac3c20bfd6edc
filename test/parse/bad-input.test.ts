import { readFileSync, writeFileSync, mkdirSync, cpSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { explicitDut, runCliProcess, sample, tempDir, tableState } from "../support/helpers.js";

/**
 * Every kind of bad input gets one clear error naming the file and the line or field, a
 * non-zero exit, and leaves the table exactly as it was (same version, same rows).
 */
const dir = tempDir();
const db = path.join(dir, "db");

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const pytestText = readFileSync(sample("pytest-benchmark-5.json"), "utf8");
const criterionLines = readFileSync(sample("cargo-criterion.jsonl"), "utf8").trimEnd().split("\n");
const firstComplete = criterionLines.findIndex((l) => l.includes("benchmark-complete"));

function pytestWith(
  mutate: (report: { benchmarks: { stats: { data: unknown[] } }[] }) => void,
  raw?: (t: string) => string,
) {
  const report = JSON.parse(pytestText);
  mutate(report);
  const text = JSON.stringify(report, null, 2);
  return raw ? raw(text) : text;
}

function criterionWith(mutate: (message: Record<string, unknown[]>) => void): string {
  const lines = [...criterionLines];
  const message = JSON.parse(lines[firstComplete]!);
  mutate(message);
  lines[firstComplete] = JSON.stringify(message);
  return lines.join("\n");
}

const criterionDir = () => {
  const target = path.join(dir, `criterion-${Math.random().toString(36).slice(2)}`);
  cpSync(sample("criterion-0.5"), target, { recursive: true });
  return target;
};

interface Case {
  name: string;
  args: () => string[];
  /** What the single error line must say (file and location). */
  expected: RegExp;
  /** Put a valid file in front (default true). */
  validFirst?: boolean;
}

const cases: Case[] = [
  {
    name: "truncated pytest JSON",
    args: () => [write("truncated.json", pytestText.slice(0, pytestText.length / 2)), ...explicitDut],
    expected: /truncated\.json: line \d+: invalid JSON \(truncated\?\)/,
  },
  {
    name: "truncated cargo-criterion line",
    args: () => [
      write(
        "truncated.jsonl",
        criterionLines
          .slice(0, firstComplete + 1)
          .join("\n")
          .slice(0, -40),
      ),
      ...explicitDut,
    ],
    expected: new RegExp(`truncated\\.jsonl: line ${firstComplete + 1}: invalid JSON`),
  },
  {
    name: "empty file",
    args: () => [write("empty.json", "\n  \n"), ...explicitDut],
    expected: /empty\.json: file is empty/,
  },
  {
    name: "measured_values and iteration_count of different lengths",
    args: () => [
      write(
        "mismatch.jsonl",
        criterionWith((m) => m.measured_values!.pop()),
      ),
      ...explicitDut,
    ],
    expected: new RegExp(
      `mismatch\\.jsonl: line ${firstComplete + 1}, field measured_values: has \\d+ values but iteration_count has \\d+`,
    ),
  },
  {
    name: "NaN in pytest samples (as Python writes it)",
    args: () => [
      write(
        "nan.json",
        pytestWith(
          (r) => (r.benchmarks[1]!.stats.data[3] = "__NAN__"),
          (t) => t.replace('"__NAN__"', "NaN"),
        ),
      ),
      ...explicitDut,
    ],
    expected: /nan\.json: line \d+, field benchmarks\[1\]\.stats\.data\[3\]: is NaN, Infinity or null/,
  },
  {
    name: "Infinity in Criterion samples",
    args: () => [
      write("inf.jsonl", criterionWith((m) => (m.measured_values![2] = "__INF__")).replace('"__INF__"', "Infinity")),
      ...explicitDut,
    ],
    expected: new RegExp(
      `inf\\.jsonl: line ${firstComplete + 1}, field measured_values\\[2\\]: is NaN, Infinity or null`,
    ),
  },
  {
    name: "a huge number that overflows to infinity",
    args: () => [
      write(
        "huge.json",
        pytestWith(
          (r) => (r.benchmarks[0]!.stats.data[0] = "__BIG__"),
          (t) => t.replace('"__BIG__"', "1e400"),
        ),
      ),
      ...explicitDut,
    ],
    expected: /huge\.json: line \d+, field benchmarks\[0\]\.stats\.data\[0\]/,
  },
  {
    name: "negative time",
    args: () => [
      write(
        "negative.json",
        pytestWith((r) => (r.benchmarks[2]!.stats.data[0] = -0.5)),
      ),
      ...explicitDut,
    ],
    expected: /negative\.json: line \d+, field benchmarks\[2\]\.stats\.data\[0\]: -0\.5 is negative/,
  },
  {
    name: "wrong type of a sample",
    args: () => [
      write(
        "string.json",
        pytestWith((r) => (r.benchmarks[0]!.stats.data[1] = "fast")),
      ),
      ...explicitDut,
    ],
    expected: /string\.json: line \d+, field benchmarks\[0\]\.stats\.data\[1\]: .*expected number/,
  },
  {
    name: "a time unit that is not one",
    args: () => [
      write(
        "unit.jsonl",
        criterionWith((m) => ((m as Record<string, unknown>).unit = "bananas")),
      ),
      ...explicitDut,
    ],
    expected: new RegExp(`unit\\.jsonl: line ${firstComplete + 1}, field unit: "bananas" is not a time unit`),
  },
  {
    name: "unknown format",
    args: () => [write("notes.txt", "these are not benchmark results\n"), ...explicitDut],
    expected: /notes\.txt: unknown format: .* \(the format option forces one\)/,
  },
  {
    name: "malformed bench line",
    args: () => [
      write("bench.txt", "test a ... bench: 12 ns/iter (+/- 1)\ntest b ... bench: 12 ms/iter\n"),
      ...explicitDut,
    ],
    expected: /bench\.txt: line 2: malformed bench line/,
  },
  {
    name: "criterion directory with mismatched sample arrays",
    args: () => {
      const target = criterionDir();
      const file = path.join(target, "sort/100/new/sample.json");
      const sampleJson = JSON.parse(readFileSync(file, "utf8"));
      sampleJson.times.pop();
      writeFileSync(file, JSON.stringify(sampleJson));
      return [target, ...explicitDut];
    },
    expected: /sort\/100\/new\/sample\.json: field times: has \d+ values but iters has \d+/,
  },
  {
    name: "criterion directory missing sample.json",
    args: () => {
      const target = criterionDir();
      writeFileSync(path.join(target, "sort/1000/new/sample.json"), "");
      return [target, ...explicitDut];
    },
    expected: /sort\/1000\/new\/sample\.json: file is empty/,
  },
  {
    name: "directory with no Criterion results",
    args: () => {
      const empty = path.join(dir, "nothing-here");
      mkdirSync(empty, { recursive: true });
      return [empty, ...explicitDut];
    },
    expected: /nothing-here: no Criterion results found/,
  },
  {
    name: "no such file",
    args: () => [path.join(dir, "missing.json"), ...explicitDut],
    expected: /missing\.json: no such file or directory/,
  },
  {
    name: "non-hex sha",
    args: () => [
      sample("pytest-benchmark-5.json"),
      "--sha",
      "g".repeat(40),
      "--dut-version",
      "1",
      "--dut-timestamp",
      "1",
      "--dut-name",
      "x",
    ],
    expected: /sha must be a full 40-character hex commit sha, got "g{40}"/,
  },
  {
    name: "short sha",
    args: () => [
      sample("pytest-benchmark-5.json"),
      "--sha",
      "abc1234",
      "--dut-version",
      "1",
      "--dut-timestamp",
      "1",
      "--dut-name",
      "x",
    ],
    expected: /got "abc1234"/,
  },
  {
    name: "missing version and timestamp",
    args: () => [sample("pytest-benchmark-5.json"), "--sha", "c".repeat(40)],
    expected: /cannot determine the commit time: pass --dut-timestamp, or --repo/,
  },
  {
    name: "missing project name",
    args: () => [
      sample("pytest-benchmark-5.json"),
      "--sha",
      "c".repeat(40),
      "--dut-timestamp",
      "1",
      "--dut-version",
      "1",
    ],
    expected: /cannot determine the project name: pass --dut-name, or --repo/,
  },
  {
    name: "non-numeric timestamp",
    args: () => [
      sample("pytest-benchmark-5.json"),
      "--sha",
      "c".repeat(40),
      "--dut-timestamp",
      "yesterday",
      "--dut-version",
      "1",
    ],
    expected: /--dut-timestamp: .*, got "yesterday"/,
  },
  {
    name: "a format that does not exist",
    args: () => [sample("pytest-benchmark-5.json"), "--format", "csv", ...explicitDut],
    expected: /argument 'csv' is invalid/,
  },
  {
    name: "a forced format that does not fit",
    args: () => [sample("pytest-benchmark-5.json"), "--format", "criterion-json", ...explicitDut],
    expected: /pytest-benchmark-5\.json: line 1: invalid JSON/,
    validFirst: false,
  },
  {
    name: "a truncated redis-benchmark CSV, forced",
    args: () => [
      sample("run-command/redis-benchmark.csv"),
      write("truncated.csv", readFileSync(sample("run-command/redis-benchmark.csv"), "utf8").slice(0, 300)),
      "--format",
      "redis-benchmark-csv",
      ...explicitDut,
    ],
    expected: /truncated\.csv, redis-benchmark-csv output: line \d+/,
    validFirst: false,
  },
  {
    name: "a stage model that records a skipped run",
    args: () => [
      write("skipped.json", '{"status": "skipped", "reason": "mode=remote: host unreachable"}\n'),
      "--format",
      "stage-model",
      ...explicitDut,
    ],
    expected: /skipped\.json: records a skipped run \(mode=remote: host unreachable\): nothing to publish/,
    validFirst: false,
  },
  {
    name: "a valkey-search result with a word for qps",
    args: () => [
      sample("run-command/valkey-search.json"),
      write("word.json", '{"name": "q", "qps": "fast"}\n'),
      "--format",
      "valkey-search-json",
      ...explicitDut,
    ],
    expected: /word\.json, valkey-search-json output: line 1, field qps: /,
    validFirst: false,
  },
];

beforeAll(() => {
  const seeded = runCliProcess(["publish", sample("cargo-criterion.jsonl"), "--db", db, ...explicitDut]);
  expect(seeded.code, seeded.stderr).toBe(0);
});

describe("bad input", () => {
  it.each(cases)("$name: one clear error, exit 2, table unchanged", async ({ args, expected, validFirst }) => {
    const before = await tableState(db);
    // A valid file in front proves nothing is written even when part of the input is good.
    const valid = validFirst === false ? [] : [sample("bencher.txt")];
    const run = runCliProcess(["publish", ...valid, ...args(), "--db", db]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).toBe("");
    expect(await tableState(db)).toEqual(before);
  });
});
