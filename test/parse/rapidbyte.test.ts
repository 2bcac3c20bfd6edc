import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ResultFileError, pipelineMetric, withDerivedRates } from "../../src/model/index.js";
import { parseInputs } from "../../src/parse/index.js";
import { decodePipelineRun, findBenchJson } from "../../src/parse/rapidbyte.js";
import { commitTables, tablesText, variantTables } from "../../src/report/pipeline-report.js";
import { tempDir } from "../support/helpers.js";

const dir = tempDir("lance-bench-rapidbyte-");
const RESULT = {
  records_read: 10000,
  records_written: 0,
  bytes_read: 1_200_000,
  duration_secs: 1.25,
  source_duration_secs: 0.45,
  dest_duration_secs: 0.78,
  dest_flush_secs: 0.7,
  source_module_load_ms: 4,
  source_emit_nanos: 50_000_000,
  source_emit_count: 10,
  retry_count: 0,
};

describe("@@BENCH_JSON@@", () => {
  it("finds the one line among the human-readable output and keeps every field", () => {
    const output = `Pipeline 'bench_pg' completed successfully.\n  Records read:    10000\n@@BENCH_JSON@@${JSON.stringify(RESULT)}\n`;
    const [run, ...more] = findBenchJson(output, "copy at 10000 rows, iteration 1");
    expect(more).toEqual([]);
    expect(run!.line).toBe(3);
    expect(run!.fields).toEqual(RESULT);
  });

  it("flattens newer rapidbyte's canonical_metrics", () => {
    const run = decodePipelineRun(
      { pipeline: "p", canonical_metrics: { duration_secs: 2, records_per_sec: 5000, peak_rss_mb: 40 } },
      "f",
      "line 1",
    );
    expect(run.fields).toEqual({ duration_secs: 2, records_per_sec: 5000, peak_rss_mb: 40 });
    expect(run.context).toEqual({ pipeline: "p" });
  });

  it("collects every line of a command that runs the pipeline more than once", () => {
    const runs = findBenchJson(`@@BENCH_JSON@@{"duration_secs":1}\nx\n@@BENCH_JSON@@{"duration_secs":2}\n`, "o");
    expect(runs.map((r) => [r.line, r.fields.duration_secs])).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it.each([
    ["no line", "Pipeline done\n", /copy, iteration 2: printed no @@BENCH_JSON@@ line/],
    [
      "a bad second line",
      `@@BENCH_JSON@@{"duration_secs":1}\n@@BENCH_JSON@@{"duration_secs":-2}\n`,
      /line 2, field duration_secs: -2 is negative/,
    ],
    ["truncated JSON", 'log\n@@BENCH_JSON@@{"duration_secs": 1.2', /copy, iteration 2: line 2: invalid JSON/],
    ["NaN", '@@BENCH_JSON@@{"duration_secs": NaN}', /line 1, field duration_secs: is NaN/],
    ["a string", '@@BENCH_JSON@@{"duration_secs": "fast"}', /holds no numeric fields|field duration_secs/],
    ["negative", '@@BENCH_JSON@@{"duration_secs": -1}', /field duration_secs: -1 is negative/],
    ["an array", "@@BENCH_JSON@@[1,2]", /line 1: expected a JSON object/],
    ["nothing after the prefix", "@@BENCH_JSON@@   ", /line 1: nothing follows @@BENCH_JSON@@/],
  ])("%s is one ResultFileError naming the iteration and the line", (_, output, expected) => {
    let error: unknown;
    try {
      findBenchJson(output, "copy, iteration 2");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResultFileError);
    expect((error as Error).message).toMatch(/^copy, iteration 2: /);
    expect((error as Error).message).toMatch(expected);
  });
});

describe("units and directions", () => {
  it.each([
    ["duration_secs", "seconds", "lower_is_better"],
    ["dest_flush_secs", "seconds", "lower_is_better"],
    ["source_module_load_ms", "milliseconds", "lower_is_better"],
    ["source_compress_nanos", "nanoseconds", "lower_is_better"],
    ["records_per_sec", "records/s", "higher_is_better"],
    ["mb_per_sec", "MB/s", "higher_is_better"],
    ["peak_rss_mb", "MB", "lower_is_better"],
    ["records_read", "records", "lower_is_better"],
    ["bytes_read", "bytes", "lower_is_better"],
    ["source_emit_count", "count", "lower_is_better"],
    ["retry_count", "count", "lower_is_better"],
  ])("%s is %s, %s", (field, units, direction) => {
    expect(pipelineMetric(field)).toEqual({ units, direction });
  });

  it("derives rows/s and MB/s from counts and the duration when the run does not report them", () => {
    const fields = withDerivedRates({ records_read: 10000, bytes_read: 2_000_000, duration_secs: 2 });
    expect(fields.records_per_sec).toBe(5000);
    expect(fields.mb_per_sec).toBe(1);
    expect(withDerivedRates({ records_per_sec: 7, records_read: 1, duration_secs: 1 }).records_per_sec).toBe(7);
  });
});

describe("publish --format rapidbyte", () => {
  it("reads a results history: one benchmark per mode and row count, one sample per iteration, failures skipped", async () => {
    const file = path.join(dir, "history.jsonl");
    const line = (mode: string, rows: number, duration: number, extra: object = {}) =>
      JSON.stringify({
        ...RESULT,
        duration_secs: duration,
        mode,
        bench_rows: rows,
        aot: true,
        git_sha: "abc1234",
        ...extra,
      });
    writeFileSync(
      file,
      [
        line("insert", 1000, 1.5),
        line("insert", 1000, 1.7),
        line("copy", 1000, 0.5),
        JSON.stringify({ mode: "copy", bench_rows: 1000, git_sha: "abc1234", status: "failed", error: "exit 1" }),
      ].join("\n"),
    );
    const parsed = await parseInputs([file]);
    expect(parsed.formats[file]).toBe("rapidbyte");
    const duration = parsed.measurements.filter((m) => m.metric === "duration_secs");
    expect(duration.map((m) => [m.benchmarkName, m.values, m.units, m.direction])).toEqual([
      ["pipeline/insert/rows=1000", [1.5, 1.7], "seconds", "lower_is_better"],
      ["pipeline/copy/rows=1000", [0.5], "seconds", "lower_is_better"],
    ]);
    const rate = parsed.measurements.find((m) => m.metric === "records_per_sec" && m.benchmarkName.includes("copy"));
    expect(rate).toMatchObject({ values: [20000], units: "records/s", direction: "higher_is_better" });
  });

  it("a bad line is refused naming the file and the line", async () => {
    const file = path.join(dir, "bad.txt");
    writeFileSync(file, `Pipeline ok\n@@BENCH_JSON@@{"duration_secs": 1}\n@@BENCH_JSON@@{"duration_secs": Infinity}\n`);
    await expect(parseInputs([file])).rejects.toThrow(`${file}: line 3, field duration_secs: is NaN, Infinity or null`);
  });
});

describe("reports", () => {
  const iteration = (variant: string, sha: string, duration: number, flush: number) => ({
    variant,
    rows: 10000,
    sha,
    status: "ok" as const,
    fields: { ...RESULT, duration_secs: duration, dest_flush_secs: flush },
  });

  it("rapidbyte bench.sh's INSERT vs COPY table: averages, speedups, throughput and the dataset line", () => {
    const text = tablesText(
      variantTables(
        [iteration("insert", "a", 1.2, 0.7), iteration("insert", "a", 1.4, 0.7), iteration("copy", "a", 0.65, 0.35)],
        ["insert", "copy"],
      ),
    );
    expect(text).toContain("Dataset:     10,000 rows, 1.20 MB (120 B/row)");
    expect(text).toMatch(/Metric \(avg\)\s+INSERT\s+COPY\s+Speedup/);
    expect(text).toMatch(/Total duration \(s\)\s+1\.300\s+0\.650\s+2\.0x/);
    expect(text).toMatch(/ {4}Flush\s+0\.700\s+0\.350\s+2\.0x/);
    expect(text).toMatch(/Throughput \(rows\/s\)\s+7,738\s+15,385\s+2\.0x/);
    // Fields no run reported get no row.
    expect(text).not.toContain("Commit");
  });

  it("two commits: per-metric averages and the change in percent", () => {
    const text = tablesText(
      commitTables([iteration("insert", "a", 1.0, 0.5), iteration("insert", "b", 1.1, 0.4)], ["a", "b"]),
    );
    expect(text).toContain("Mode: INSERT, 10,000 rows");
    expect(text).toMatch(/Total duration \(s\)\s+1\.000\s+1\.100\s+\+10\.0%/);
    expect(text).toMatch(/Flush\s+0\.500\s+0\.400\s+-20\.0%/);
  });
});
