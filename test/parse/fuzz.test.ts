import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ResultFileError, MAX_BENCHMARK_NAME_CHARS } from "../../src/model/index.js";
import { parseInputs, type FormatChoice } from "../../src/parse/index.js";
import { streamJsonObject } from "../../src/parse/json-stream.js";
import { sample } from "../support/helpers.js";

/**
 * Property-based tests of every parser: whatever bytes arrive, a parser either returns
 * measurements or throws one ResultFileError that names the file — never another kind of error
 * (a TypeError would be a crash with a stack trace in the CLI). And valid files with any
 * names and samples come back exactly.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "lance-bench-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function write(content: string | Uint8Array): string {
  const file = path.join(dir, `input-${counter++}`);
  writeFileSync(file, content);
  return file;
}

const FORMATS: FormatChoice[] = ["auto", "criterion-json", "bencher", "pytest", "rapidbyte", "lance-bench-results"];

/** Parses and returns "ok", or the ResultFileError; anything else fails the property. */
async function parseOutcome(file: string, format: FormatChoice): Promise<"ok" | ResultFileError> {
  try {
    await parseInputs([file], format);
    return "ok";
  } catch (error) {
    if (error instanceof ResultFileError && error.message.startsWith(file)) return error;
    throw error;
  }
}

const SAMPLES = {
  "cargo-criterion": readFileSync(sample("cargo-criterion.jsonl"), "utf8"),
  bencher: readFileSync(sample("libtest-bencher.txt"), "utf8"),
  pytest: readFileSync(sample("pytest-benchmark-5.json"), "utf8"),
  rapidbyte: readFileSync(sample("rapidbyte-output.txt"), "utf8"),
};

/** A damaged copy of a valid file: cut, spliced with junk, or a number replaced by a bad token. */
const damage = (text: string) =>
  fc.oneof(
    fc.nat({ max: text.length }).map((at) => text.slice(0, at)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.string({ unit: "binary", maxLength: 40 }))
      .map(([at, junk]) => text.slice(0, at) + junk + text.slice(at)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.nat({ max: 200 }))
      .map(([at, length]) => text.slice(0, at) + text.slice(at + length)),
    fc
      .tuple(
        fc.nat({ max: 50 }),
        fc.constantFrom("NaN", "Infinity", "-1", "1e400", '"fast"', "null", "[]", "{}", "-Infinity", "1e-400"),
      )
      .map(([nth, token]) => {
        let seen = 0;
        return text.replace(/-?\d+\.\d+(?:e-?\d+)?/g, (number) => (seen++ === nth ? token : number));
      }),
  );

describe("any input", () => {
  it("arbitrary bytes: measurements or one ResultFileError naming the file, for every format", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.constantFrom(...FORMATS), async (bytes, format) => {
        await parseOutcome(write(bytes), format);
      }),
      { numRuns: 300 },
    );
  });

  it("arbitrary Unicode text, including lines that look like bench output", async () => {
    const line = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 80 }),
      fc
        .tuple(fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "grapheme", maxLength: 30 }))
        .map(([name, rest]) => `test ${name} ... bench: ${rest}`),
      fc.json().map((json) => json),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 20 }), async (lines) => {
        await parseOutcome(write(lines.join("\n")), "auto");
      }),
      { numRuns: 300 },
    );
  });

  for (const [name, text] of Object.entries(SAMPLES)) {
    it(`damaged ${name} files: measurements or one ResultFileError naming the file`, async () => {
      let rejected = 0;
      await fc.assert(
        fc.asyncProperty(damage(text), async (damaged) => {
          if ((await parseOutcome(write(damaged), "auto")) !== "ok") rejected++;
        }),
        { numRuns: 250 },
      );
      expect(rejected).toBeGreaterThan(0); // the damage is real: some copies must be refused
    });
  }
});

/** Names a user could give a benchmark: any Unicode without control characters, not blank at the ends. */
const benchmarkName = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 200 })
  // eslint-disable-next-line no-control-regex
  .map((name) => name.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim())
  .filter((name) => name.length > 0);
const seconds = fc.double({ min: 1e-9, max: 100, noNaN: true, noDefaultInfinity: true });

describe("valid files round-trip", () => {
  it("pytest-benchmark JSON with any names and samples", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(benchmarkName, fc.array(seconds, { minLength: 1, maxLength: 40 })), {
          minLength: 1,
          maxLength: 8,
          selector: ([name]) => name,
        }),
        fc.constantFrom(0, 2, 4),
        async (benchmarks, indent) => {
          const report = {
            machine_info: { python_version: "3.11.7", python_implementation: "CPython" },
            benchmarks: benchmarks.map(([name, data]) => ({ name, fullname: name, params: null, stats: { data } })),
            version: "5.3.1",
          };
          const parsed = await parseInputs([write(JSON.stringify(report, null, indent))], "auto");
          expect(parsed.measurements.map((m) => m.benchmarkName)).toEqual(benchmarks.map(([name]) => name));
          parsed.measurements.forEach((m, i) => {
            m.values.forEach((v, j) => expect(v).toBeCloseTo(benchmarks[i]![1][j]! * 1e9, 3));
          });
          expect(parsed.toolchain).toEqual(["CPython 3.11.7"]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("cargo-criterion JSON lines with any ids and samples", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(benchmarkName, fc.array(seconds, { minLength: 1, maxLength: 30 })), {
          minLength: 1,
          maxLength: 8,
          selector: ([name]) => name,
        }),
        async (benchmarks) => {
          const lines = benchmarks.map(([id, totals]) =>
            JSON.stringify({
              reason: "benchmark-complete",
              id,
              iteration_count: totals.map((_, i) => i + 1),
              measured_values: totals,
              unit: "ns",
            }),
          );
          const parsed = await parseInputs([write(lines.join("\n"))], "auto");
          expect(parsed.measurements.map((m) => m.benchmarkName)).toEqual(benchmarks.map(([id]) => id));
          parsed.measurements.forEach((m, i) => {
            m.values.forEach((v, j) => expect(v).toBeCloseTo(benchmarks[i]![1][j]! / (j + 1), 6));
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it("bencher lines with any names, thousands separators and throughput", async () => {
    const bencherName = benchmarkName.filter((name) => !/\s\.\.\.\s/.test(name) && !/\s/.test(name[0]!));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(bencherName, fc.nat({ max: 10_000_000 }), fc.boolean()), {
          minLength: 1,
          maxLength: 10,
          selector: ([name]) => name,
        }),
        async (benchmarks) => {
          const text = benchmarks
            .map(
              ([name, ns, mbps]) =>
                `test ${name} ... bench: ${ns.toLocaleString("en-US")} ns/iter (+/- 12)${mbps ? " = 800 MB/s" : ""}`,
            )
            .join("\n");
          const parsed = await parseInputs([write(`running ${benchmarks.length} tests\n${text}\n`)], "bencher");
          expect(parsed.measurements.map((m) => [m.benchmarkName, m.values[0]])).toEqual(
            benchmarks.map(([name, ns]) => [name, ns]),
          );
        },
      ),
      // U+2028 in a name once made the line invisible to the parser (`.` stops at it without /s).
      { numRuns: 100, examples: [[[["!\u2028!", 0, false]]], [[["a\u2029b", 1234, true]]]] },
    );
  });

  it("a streamed JSON document decodes the same however it is cut into chunks", async () => {
    const pytest = SAMPLES.pytest;
    const expected: unknown[] = [];
    await streamJsonObject([pytest], "whole", "benchmarks", (element) => expected.push(element));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat({ max: pytest.length }), { maxLength: 30 }), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), pytest.length];
        const chunks = points.slice(1).map((end, i) => pytest.slice(points[i], end));
        const elements: unknown[] = [];
        const { members } = await streamJsonObject(chunks, "chunked", "benchmarks", (e) => elements.push(e));
        expect(elements).toEqual(expected);
        expect(members).toMatchObject({ version: JSON.parse(pytest).version });
      }),
      { numRuns: 200 },
    );
  });
});

describe("names", () => {
  it("refuses control characters and overlong names, naming the file and line", async () => {
    const withNewline = write("test evil\u001b[31m ... bench: 10 ns/iter (+/- 1)\n");
    await expect(parseInputs([withNewline], "auto")).rejects.toThrow(
      new RegExp(`${withNewline}:1: benchmark name .*: contains a control character`),
    );
    const long = "x".repeat(MAX_BENCHMARK_NAME_CHARS + 1);
    const overlong = write(
      JSON.stringify({ reason: "benchmark-complete", id: long, iteration_count: [1], measured_values: [5] }),
    );
    await expect(parseInputs([overlong], "auto")).rejects.toThrow(/:1: benchmark name "x+"…: is longer than 2048/);
  });
});
