import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Measurement } from "../../src/model/index.js";
import { parseInputs } from "../../src/parse/index.js";
import { summarize } from "../../src/stats/summary.js";
import { sample } from "../support/helpers.js";

const byName = (ms: Measurement[]) => new Map(ms.map((m) => [m.benchmarkName, m]));

describe("cargo-criterion JSON lines", () => {
  it("keeps benchmark-complete messages, per-iteration values, throughput", async () => {
    const { measurements, formats } = await parseInputs([sample("cargo-criterion.jsonl")]);
    expect(Object.values(formats)).toEqual(["criterion-json"]);
    const ms = byName(measurements);
    for (const name of ["checksum/adler32_4k", "fibonacci_20", "sort/100", "sort/1000", "sum_of_squares/elements_1k"]) {
      expect(ms.has(name)).toBe(true);
    }
    // Every value is measured_values[i] / iteration_count[i] of the raw message.
    const raw = readFileSync(sample("cargo-criterion.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.includes('"benchmark-complete"'))
      .map((l) => JSON.parse(l))
      .find((m) => m.id === "fibonacci_20");
    const fib = ms.get("fibonacci_20")!;
    expect(fib.values).toEqual(raw.measured_values.map((v: number, i: number) => v / raw.iteration_count[i]));
    // Per-iteration: close to Criterion's own per-iteration mean estimate, not a raw total.
    const summary = summarize(fib.values);
    expect(summary.mean / raw.mean.estimate).toBeGreaterThan(0.8);
    expect(summary.mean / raw.mean.estimate).toBeLessThan(1.25);
    expect(summary.max).toBeLessThan(raw.measured_values[0]);
    expect(fib.metadata).not.toHaveProperty("measured_values");
    expect(fib.metadata).toHaveProperty("iteration_count");
    expect(ms.get("checksum/adler32_4k")!.throughput).toEqual({
      multiplier: 4096,
      name: "bytes",
      unit_system: "binary",
    });
    expect(ms.get("sum_of_squares/elements_1k")!.throughput).toEqual({
      multiplier: 1024,
      name: "elements",
      unit_system: "decimal",
    });
    expect(fib.throughput).toBeNull();
  });
});

describe.each(["0.3", "0.4", "0.5"])("criterion %s target/criterion directory", (version) => {
  it("reads new/{benchmark,sample,estimates}.json with per-iteration values", async () => {
    const { measurements, formats } = await parseInputs([sample(`criterion-${version}`)]);
    expect(Object.values(formats)).toEqual(["criterion-dir"]);
    const ms = byName(measurements);
    expect(ms.has("sort/100")).toBe(true);
    expect(ms.get("sort/100")!.params).toEqual({ parameter: "100" });
    const sampleJson = JSON.parse(readFileSync(sample(`criterion-${version}/sort/100/new/sample.json`), "utf8"));
    expect(ms.get("sort/100")!.values).toEqual(sampleJson.times.map((t: number, i: number) => t / sampleJson.iters[i]));
    expect(ms.get("checksum/adler32_4k")!.throughput).toEqual({
      multiplier: 4096,
      name: "bytes",
      unit_system: "binary",
    });
    expect(ms.get("sum_of_squares/elements_1k")!.throughput?.name).toBe("elements");
    if (ms.has("checksum/adler32_4k_decimal")) {
      expect(ms.get("checksum/adler32_4k_decimal")!.throughput?.unit_system).toBe("decimal");
    }
    for (const m of measurements) {
      expect(m.units).toBe("nanoseconds");
      expect(m.values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
  });
});

describe("criterion 0.8 target/criterion directory (fixtures/rust-criterion-0.8)", () => {
  it("reads every benchmark, including 0.8's new ElementsAndBytes throughput", async () => {
    const { measurements, formats } = await parseInputs([sample("criterion-0.8")]);
    expect(Object.values(formats)).toEqual(["criterion-dir"]);
    const ms = byName(measurements);
    expect([...ms.keys()].sort()).toEqual(["byte_sum/1024", "byte_sum/8192", "digits/rows_512", "lcg_256"]);
    const sampleJson = JSON.parse(readFileSync(sample("criterion-0.8/byte_sum/1024/new/sample.json"), "utf8"));
    expect(ms.get("byte_sum/1024")!.values).toEqual(
      sampleJson.times.map((t: number, i: number) => t / sampleJson.iters[i]),
    );
    expect(ms.get("byte_sum/1024")!.params).toEqual({ parameter: "1024" });
    expect(ms.get("byte_sum/8192")!.throughput).toEqual({ multiplier: 8192, name: "bytes", unit_system: "binary" });
    // Elements are the primary figure (what Criterion puts in the id); the bytes stay in metadata.
    const digits = ms.get("digits/rows_512")!;
    expect(digits.throughput).toEqual({ multiplier: 512, name: "elements", unit_system: "decimal" });
    expect(digits.metadata).toMatchObject({ benchmark: { throughput: { ElementsAndBytes: { bytes: 3986 } } } });
    expect(ms.get("lcg_256")!.throughput).toBeNull();
    for (const m of measurements) {
      expect(m.units).toBe("nanoseconds");
      expect(m.values).toHaveLength(12);
    }
  });
});

describe("libtest bencher lines", () => {
  it("parses Criterion's bencher output", async () => {
    const { measurements } = await parseInputs([sample("bencher.txt")]);
    expect(measurements.map((m) => m.benchmarkName)).toContain("sort/1000");
    expect(measurements.every((m) => m.values.length === 1 && m.sourceFormat === "bencher")).toBe(true);
  });

  it("parses thousands separators, decimals and the MB/s suffix of libtest's #[bench]", async () => {
    const { measurements } = await parseInputs([sample("libtest-bencher.txt")], "bencher");
    const withThroughput = measurements.find((m) => "mb_per_s" in m.metadata);
    expect(withThroughput).toBeDefined();
    expect(measurements.some((m) => m.values[0]! >= 1000)).toBe(true);
  });

  it("parses nightly libtest's padded names and sub-nanosecond decimals", async () => {
    const { measurements } = await parseInputs([sample("libtest-bencher-nightly-decimal.txt")]);
    expect(measurements.length).toBeGreaterThan(0);
    for (const m of measurements) {
      expect(m.benchmarkName).not.toMatch(/\s/);
      expect(Number.isFinite(m.values[0])).toBe(true);
    }
    expect(measurements.some((m) => !Number.isInteger(m.values[0]))).toBe(true);
  });
});

describe.each(["3", "4", "5"])("pytest-benchmark %s JSON", (major) => {
  it("converts per-iteration seconds to nanoseconds and keeps params", async () => {
    const file = sample(`pytest-benchmark-${major}.json`);
    const raw = JSON.parse(readFileSync(file, "utf8"));
    const { measurements, toolchain } = await parseInputs([file]);
    expect(measurements).toHaveLength(raw.benchmarks.length);
    const sort = measurements.find((m) => m.benchmarkName.endsWith("test_sort[1000]"))!;
    const rawSort = raw.benchmarks.find((b: { name: string }) => b.name === "test_sort[1000]");
    expect(sort.params).toEqual({ n: 1000 });
    expect(sort.values).toEqual(rawSort.stats.data.map((s: number) => s * 1e9));
    expect(summarize(sort.values).min).toBeCloseTo(rawSort.stats.min * 1e9, 3);
    expect(sort.metadata).not.toHaveProperty("stats.data");
    expect(toolchain[0]).toMatch(/^CPython 3\./);
  });
});

describe("pytest-benchmark entries without stats.data", () => {
  it("skips them with a warning and refuses a file with no samples at all", async () => {
    const file = sample("pytest-benchmark-5-autosave-nodata.json");
    await expect(parseInputs([file])).rejects.toThrow(/no entry has stats\.data/);
    const mixed = JSON.parse(readFileSync(sample("pytest-benchmark-5.json"), "utf8"));
    delete mixed.benchmarks[0].stats.data;
    const { writeFileSync } = await import("node:fs");
    const { tempDir } = await import("../support/helpers.js");
    const path = `${tempDir()}/mixed.json`;
    writeFileSync(path, JSON.stringify(mixed));
    const parsed = await parseInputs([path]);
    expect(parsed.measurements).toHaveLength(mixed.benchmarks.length - 1);
    expect(parsed.warnings).toHaveLength(1);
    expect(parsed.warnings[0]).toContain(mixed.benchmarks[0].fullname);
  });
});
