import { cpSync, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolveResultsContext, toResults } from "../../src/commands/results-context.js";
import { parseInputs, writeResultsFile } from "../../src/parse/index.js";
import { SHA_A, sample } from "./helpers.js";

/*
 * Malformed inputs for every parser, shared by the tests (each must be refused cleanly) and
 * `npm run bench:reliability` (which counts how many were). Each defect class is applied to a
 * real capture of each format.
 */

export type Parser = "cargo-criterion" | "bencher" | "pytest" | "rapidbyte" | "results-file" | "criterion-dir";

export interface MalformedCase {
  parser: Parser;
  defect: string;
  /** The file or directory to publish. */
  input: string;
  /** What the one error line must say (besides the file name). */
  expected: RegExp;
}

const LOCATED = /(line \d+|field |benchmark name)/;
const LONG_NAME = "n".repeat(3000);

export async function buildMalformedCorpus(dir: string): Promise<MalformedCase[]> {
  const cases: MalformedCase[] = [];
  const add = (parser: Parser, defect: string, name: string, content: string, expected = LOCATED) => {
    const input = path.join(dir, `${parser}-${name}`);
    writeFileSync(input, content);
    cases.push({ parser, defect, input, expected });
  };

  // cargo-criterion JSON lines
  const lines = readFileSync(sample("cargo-criterion.jsonl"), "utf8").trimEnd().split("\n");
  const at = lines.findIndex((l) => l.includes("benchmark-complete"));
  const criterion = (mutate: (m: Record<string, unknown> & { measured_values: unknown[] }) => void) => {
    const copy = [...lines];
    const message = JSON.parse(copy[at]!);
    mutate(message);
    copy[at] = JSON.stringify(message);
    return copy.join("\n");
  };
  const criterionRaw = (token: string) => criterion((m) => (m.measured_values[0] = "@@")).replace('"@@"', token);
  add(
    "cargo-criterion",
    "truncated",
    "truncated.jsonl",
    lines
      .slice(0, at + 1)
      .join("\n")
      .slice(0, -25),
  );
  add(
    "cargo-criterion",
    "wrong type",
    "type.jsonl",
    criterion((m) => (m.measured_values[0] = "fast")),
  );
  add("cargo-criterion", "huge number", "huge.jsonl", criterionRaw("1e400"));
  add("cargo-criterion", "NaN", "nan.jsonl", criterionRaw("NaN"));
  add(
    "cargo-criterion",
    "negative time",
    "negative.jsonl",
    criterion((m) => (m.measured_values[0] = -3)),
  );
  add("cargo-criterion", "unicode garbage", "garbage.jsonl", lines.join("\n").replace('"reason"', "\u0000\ufffd☃😀"));
  add(
    "cargo-criterion",
    "very long name",
    "long.jsonl",
    criterion((m) => (m.id = LONG_NAME)),
  );
  add(
    "cargo-criterion",
    "control character in name",
    "control.jsonl",
    criterion((m) => (m.id = "a\nb")),
  );
  add("cargo-criterion", "empty", "empty.jsonl", "", /file is empty/);

  // libtest bencher lines
  const bench = (line: string) => `running 2 tests\ntest ok ... bench: 10 ns/iter (+/- 1)\n${line}\n`;
  add("bencher", "truncated", "truncated.txt", bench("test cut ... bench:       12 ns/it"));
  add("bencher", "wrong type", "type.txt", bench("test t ... bench: fast ns/iter (+/- 1)"));
  add("bencher", "huge number", "huge.txt", bench(`test h ... bench: 1${"0".repeat(400)} ns/iter (+/- 1)`));
  add("bencher", "NaN", "nan.txt", bench("test n ... bench: NaN ns/iter (+/- 1)"));
  add("bencher", "unicode garbage", "garbage.txt", bench("test ☃ ... bench: ½ ns/iter (+/- \u0000)"));
  add("bencher", "very long name", "long.txt", bench(`test ${LONG_NAME} ... bench: 5 ns/iter (+/- 1)`));
  add("bencher", "control character in name", "control.txt", bench("test a\u001b[2Jb ... bench: 5 ns/iter (+/- 1)"));
  add("bencher", "empty", "empty.txt", "\n\n", /file is empty/);

  // pytest-benchmark JSON
  const pytestText = readFileSync(sample("pytest-benchmark-5.json"), "utf8");
  const pytest = (mutate: (r: { benchmarks: Record<string, unknown>[] }) => void, raw?: [string, string]) => {
    const report = JSON.parse(pytestText);
    mutate(report);
    const text = JSON.stringify(report, null, 4);
    return raw ? text.replace(raw[0], raw[1]) : text;
  };
  const sampleAt = (value: unknown) => (r: { benchmarks: Record<string, unknown>[] }) => {
    (r.benchmarks[1]!.stats as { data: unknown[] }).data[2] = value;
  };
  add("pytest", "truncated", "truncated.json", pytestText.slice(0, Math.floor(pytestText.length * 0.6)));
  add("pytest", "wrong type", "type.json", pytest(sampleAt("fast")));
  add("pytest", "huge number", "huge.json", pytest(sampleAt("@@"), ['"@@"', "1e400"]));
  add("pytest", "NaN", "nan.json", pytest(sampleAt("@@"), ['"@@"', "NaN"]));
  add("pytest", "negative time", "negative.json", pytest(sampleAt(-0.5)));
  add("pytest", "unicode garbage", "garbage.json", pytestText.replace('"stats"', '"st\u0000ats" ☃😀'));
  add(
    "pytest",
    "very long name",
    "long.json",
    pytest((r) => (r.benchmarks[0]!.fullname = LONG_NAME)),
  );
  add(
    "pytest",
    "control character in name",
    "control.json",
    pytest((r) => (r.benchmarks[0]!.fullname = "x\ty")),
  );
  add(
    "pytest",
    "wrong shape",
    "shape.json",
    pytest((r) => ((r as Record<string, unknown>).benchmarks = { a: 1 })),
  );
  add("pytest", "empty", "empty.json", "   ", /file is empty/);

  // rapidbyte pipeline output: human-readable lines and one @@BENCH_JSON@@ line per run
  const captured = readFileSync(sample("rapidbyte-output.txt"), "utf8");
  const benchLine = captured.split("\n").find((l) => l.startsWith("@@BENCH_JSON@@"))!;
  const withLine = (line: string) => captured.replace(benchLine, line);
  const setField = (value: string) => withLine(benchLine.replace(/"duration_secs":[^,}]+/, `"duration_secs":${value}`));
  add("rapidbyte", "truncated", "truncated.txt", withLine(benchLine.slice(0, -20)));
  add("rapidbyte", "wrong type", "type.txt", setField('"fast"'));
  add("rapidbyte", "huge number", "huge.txt", setField("1e400"));
  add("rapidbyte", "NaN", "nan.txt", setField("NaN"));
  add("rapidbyte", "negative time", "negative.txt", setField("-2"));
  add("rapidbyte", "unicode garbage", "garbage.txt", withLine(benchLine.replace('"duration_secs"', '\u0000\ufffd☃"')));
  add(
    "rapidbyte",
    "control character in name",
    "control.txt",
    withLine(benchLine.replace("{", '{"mode":"in\\u001bsert","bench_rows":1000,')),
  );
  add("rapidbyte", "empty", "empty.txt", "\n", /file is empty/);

  // lance-bench results file
  const parsed = await parseInputs([sample("cargo-criterion.jsonl")]);
  const context = await resolveResultsContext(
    { sha: SHA_A, dutVersion: "1.0.0", dutTimestamp: 1700000000, dutName: "corpus", testbedName: "corpus-runner" },
    parsed.measurements,
    parsed.toolchain,
    {},
  );
  const validFile = path.join(dir, "results-valid.jsonl");
  await writeResultsFile(validFile, toResults(parsed.measurements, context), "corpus");
  const resultLines = readFileSync(validFile, "utf8").trimEnd().split("\n");
  const result = (mutate: (r: Record<string, unknown> & { values: unknown[] }) => void, raw?: [string, string]) => {
    const copy = [...resultLines];
    const record = JSON.parse(copy[1]!);
    mutate(record);
    copy[1] = JSON.stringify(record);
    const text = copy.join("\n");
    return raw ? text.replace(raw[0], raw[1]) : text;
  };
  add("results-file", "truncated", "truncated.jsonl", resultLines.slice(0, 3).join("\n").slice(0, -30));
  add(
    "results-file",
    "wrong type",
    "type.jsonl",
    result((r) => (r.values[0] = "fast")),
  );
  add(
    "results-file",
    "huge number",
    "huge.jsonl",
    result((r) => (r.values[0] = "@@"), ['"@@"', "1e400"]),
  );
  add(
    "results-file",
    "NaN",
    "nan.jsonl",
    result((r) => (r.values[0] = "@@"), ['"@@"', "NaN"]),
  );
  add("results-file", "unicode garbage", "garbage.jsonl", result(() => {}).replace('"values"', "\u0000☃😀"));
  add(
    "results-file",
    "very long name",
    "long.jsonl",
    result((r) => (r.benchmark_name = LONG_NAME)),
  );
  add(
    "results-file",
    "control character in name",
    "control.jsonl",
    result((r) => (r.benchmark_name = "a\rb")),
  );
  add(
    "results-file",
    "bad sha",
    "sha.jsonl",
    result((r) => (r.sha = "not-a-sha")),
  );
  add("results-file", "header only", "header.jsonl", `${resultLines[0]}\n`, /holds no results/);

  // Criterion's own target/criterion folder
  const criterionDir = (defect: string, name: string, file: string, edit: (text: string) => string) => {
    const target = path.join(dir, `criterion-dir-${name}`);
    cpSync(sample("criterion-0.5"), target, { recursive: true });
    const damaged = path.join(target, file);
    writeFileSync(damaged, edit(readFileSync(damaged, "utf8")));
    cases.push({ parser: "criterion-dir", defect, input: target, expected: LOCATED });
  };
  criterionDir("truncated", "truncated", "sort/100/new/sample.json", (t) => t.slice(0, t.length / 2));
  criterionDir("wrong type", "type", "sort/100/new/sample.json", (t) => t.replace(/"times":\[/, '"times":["fast",'));
  criterionDir("huge number", "huge", "sort/100/new/sample.json", (t) =>
    t.replace(/"times":\[[^,]+/, '"times":[1e400'),
  );
  criterionDir("NaN", "nan", "sort/100/new/sample.json", (t) => t.replace(/"times":\[[^,]+/, '"times":[NaN'));
  criterionDir("very long name", "long", "sort/100/new/benchmark.json", (t) =>
    t.replace('"full_id":"sort/100"', `"full_id":"${LONG_NAME}"`),
  );
  return cases;
}

/** Writes `target` bytes produced by repeating `piece(i)`, ending with `tail`; streamed, never held whole. */
async function writeLarge(file: string, target: number, piece: (i: number) => string, tail: string): Promise<void> {
  const out = createWriteStream(file);
  let size = 0;
  for (let i = 0; size < target; i++) {
    const text = piece(i);
    size += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  }
  out.write(tail);
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

export interface LargeCase {
  name: string;
  input: string;
  expected: RegExp;
}

export const LARGE_FILE_BYTES = 100 * 1024 * 1024;

/** 100 MB files, each with its defect at the very end, so a parser must read all of it. */
export async function buildLargeFiles(dir: string): Promise<LargeCase[]> {
  const bencher = path.join(dir, "large-cargo-bench-log.txt");
  await writeLarge(
    bencher,
    LARGE_FILE_BYTES,
    (i) =>
      i % 1000 === 0
        ? `test bench_${i} ... bench: ${1000 + i} ns/iter (+/- 3)\n`
        : `   Compiling crate-${i} v0.1.0 (/build/crates/crate-${i})  warning: unused variable \`x\`\n`,
    "test broken ... bench: 12 ns/it\n",
  );
  const jsonLines = path.join(dir, "large-cargo-criterion.jsonl");
  await writeLarge(
    jsonLines,
    LARGE_FILE_BYTES,
    (i) => `${JSON.stringify({ reason: "group-complete", group_name: `group_${i}`, benchmarks: [`group_${i}/a`] })}\n`,
    '{"reason":"benchmark-complete","id":"cut","iteration_count":[1,2',
  );
  const pytest = path.join(dir, "large-pytest.json");
  const data = Array.from({ length: 3000 }, (_, i) => (0.000012 + i * 1e-9).toFixed(12)).join(",\n                ");
  await writeLarge(
    pytest,
    LARGE_FILE_BYTES,
    (i) =>
      `${i === 0 ? '{"machine_info": {"python_version": "3.11.7"}, "benchmarks": [' : ","}\n    ` +
      `{"name": "test_${i}", "fullname": "t.py::test_${i}", "params": null, "stats": {"data": [${data}]}}`,
    ',\n    {"name": "test_cut", "fullname": "t.py::test_cut", "stats": {"data": [0.1, 0.2',
  );
  const oneLine = path.join(dir, "large-one-line.txt");
  await writeLarge(oneLine, LARGE_FILE_BYTES, () => "x".repeat(64 * 1024), "");
  return [
    { name: "cargo bench log, malformed last line", input: bencher, expected: /line \d{6,}: malformed bench line/ },
    { name: "cargo-criterion JSON lines, truncated", input: jsonLines, expected: /line \d{6,}: invalid JSON/ },
    { name: "pytest-benchmark JSON, truncated", input: pytest, expected: /line \d{6,}: invalid JSON \(truncated\?\)/ },
    { name: "one 100 MB line", input: oneLine, expected: /line 1: is longer than 16 MiB/ },
  ];
}
