import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ResultFileError } from "../../src/model/index.js";
import { parseCommandOutput, StageCollector, parseStageSignal } from "../../src/parse/command-formats.js";
import { csvFields } from "../../src/parse/redis-benchmark.js";
import { stageFieldMetric } from "../../src/parse/stage-model.js";
import { sample } from "../support/helpers.js";

const captured = (name: string) => readFileSync(sample(`run-command/${name}`), "utf8");

/** The ResultFileError message a bad output gives. */
function failure(format: Parameters<typeof parseCommandOutput>[0], stdout: string): string {
  try {
    parseCommandOutput(format, stdout, "run 3 of bench");
  } catch (error) {
    expect(error).toBeInstanceOf(ResultFileError);
    return (error as Error).message;
  }
  throw new Error("expected a ResultFileError");
}

describe("redis-benchmark --csv", () => {
  it("reads every test of a captured redis-benchmark 7.0 run: qps up, six latencies down, in ms", () => {
    const output = parseCommandOutput("redis-benchmark-csv", captured("redis-benchmark.csv"), "run 1");
    expect(output.status).toBe("ok");
    const tests = [...new Set(output.metrics.map((m) => m.benchmark))];
    expect(tests).toHaveLength(20);
    expect(tests).toContain("LRANGE_100 (first 100 elements)");
    expect(tests).toContain("MSET (10 keys)");
    const set = output.metrics.filter((m) => m.benchmark === "SET");
    expect(set.map((m) => [m.metric, m.values[0], m.units, m.direction])).toEqual([
      ["qps", 33898.3, "requests/s", "higher_is_better"],
      ["latency_avg", 0.102, "milliseconds", "lower_is_better"],
      ["latency_min", 0.032, "milliseconds", "lower_is_better"],
      ["latency_p50", 0.087, "milliseconds", "lower_is_better"],
      ["latency_p95", 0.135, "milliseconds", "lower_is_better"],
      ["latency_p99", 0.231, "milliseconds", "lower_is_better"],
      ["latency_max", 4.207, "milliseconds", "lower_is_better"],
    ]);
  });

  it("splits CSV fields, quoted or not, with doubled quotes", () => {
    expect(csvFields('"a","b ""c""",3,')).toEqual(["a", 'b "c"', "3", ""]);
    expect(csvFields('"open')).toBeUndefined();
  });

  it("names the run, the format and the line of bad output", () => {
    const header = captured("redis-benchmark-get-set.csv").split("\n")[0]!;
    expect(failure("redis-benchmark-csv", "")).toBe(
      'run 3 of bench, redis-benchmark-csv output: printed no CSV header line ("test","rps",…): was --csv given?',
    );
    expect(failure("redis-benchmark-csv", "====== SET ======\n  100000 requests completed\n")).toMatch(
      /no CSV header line/,
    );
    expect(failure("redis-benchmark-csv", '"test","rps"\n')).toMatch(/line 1: unexpected CSV header/);
    expect(failure("redis-benchmark-csv", `${header}\n"SET","1","2"\n`)).toBe(
      "run 3 of bench, redis-benchmark-csv output: line 2: has 3 fields, expected 8",
    );
    expect(failure("redis-benchmark-csv", `${header}\n"SET","1","2","3","4","5","-6","7"\n`)).toMatch(
      /line 2, field p99_latency_ms: -6 is negative/,
    );
    expect(failure("redis-benchmark-csv", `${header}\n"SET","1","","3","4","5","6","7"\n`)).toMatch(
      /line 2, field avg_latency_ms: "" is not a finite number/,
    );
    expect(failure("redis-benchmark-csv", `${header}\n"SET,"1"\n`)).toMatch(/line 2: a quote is left open/);
    expect(failure("redis-benchmark-csv", `${header}\n`)).toMatch(/line 1: a header and no test rows/);
    const row = captured("redis-benchmark-get-set.csv").split("\n")[1]!;
    expect(failure("redis-benchmark-csv", `${header}\n${row}\n${row}\n`)).toMatch(
      /line 3: test "SET" appears twice \(first on line 2\)/,
    );
  });
});

describe("valkey-search JSON (its Python wrapper's result fields)", () => {
  it("reads qps, latencies, recall; a null baseline is left out", () => {
    const output = parseCommandOutput("valkey-search-json", captured("valkey-search.json"), "run 1");
    expect(output.metrics.map((m) => [m.benchmark, m.metric, m.values[0], m.units, m.direction])).toEqual([
      ["vec-query", "qps", 1834.7, "queries/s", "higher_is_better"],
      ["vec-query", "latency_avg", 5.41, "milliseconds", "lower_is_better"],
      ["vec-query", "latency_p50", 5.12, "milliseconds", "lower_is_better"],
      ["vec-query", "latency_p95", 8.03, "milliseconds", "lower_is_better"],
      ["vec-query", "latency_p99", 10.9, "milliseconds", "lower_is_better"],
      ["vec-query", "latency_max", 21.4, "milliseconds", "lower_is_better"],
      ["vec-query", "recall_avg", 0.962, "ratio", "higher_is_better"],
      ["vec-query", "recall_min", 0.8, "ratio", "higher_is_better"],
      ["vec-query", "recall_max", 1, "ratio", "higher_is_better"],
    ]);
    expect(output.metrics[0]!.metadata).toMatchObject({ config: { ef_search: 100 } });
  });

  it("takes the last JSON line after logs, and names the line of a bad one", () => {
    const output = parseCommandOutput("valkey-search-json", 'warming up\n{"qps": 10}\n', "run 1");
    expect(output.metrics.map((m) => m.metric)).toEqual(["qps"]);
    expect(failure("valkey-search-json", 'log\n{"qps": 10,\n')).toMatch(
      /^run 3 of bench, valkey-search-json output: line 2: invalid JSON/,
    );
    expect(failure("valkey-search-json", '{"latency_avg": 1}')).toMatch(/line 1: has no qps field/);
    expect(failure("valkey-search-json", '{"qps": "fast"}')).toMatch(
      /line 1, field qps: "fast" is not a finite number/,
    );
    expect(failure("valkey-search-json", '{"qps": 1, "recall_avg": 95}')).toMatch(/field recall_avg: 95 is not in 0–1/);
    expect(failure("valkey-search-json", '{"qps": NaN}')).toMatch(/field qps: is NaN, Infinity or null/);
    expect(failure("valkey-search-json", "no json here")).toMatch(/printed no JSON object on stdout/);
    expect(failure("valkey-search-json", '{"status": "broken"}')).toMatch(
      /field status: "broken" is not "ok" or "skipped"/,
    );
  });
});

describe("the intermine314 stage model", () => {
  it("one metric per enabled stage and numeric field, with the unit its name says", () => {
    const output = parseCommandOutput("stage-model", captured("stage-model.json"), "run 1");
    expect(output.status).toBe("ok");
    const byMetric = Object.fromEntries(output.metrics.map((m) => [m.metric, [m.values[0], m.units, m.direction]]));
    expect(byMetric).toEqual({
      "stage/fetch/elapsed_seconds": [0.5, "seconds", "lower_is_better"],
      "stage/fetch/cpu_seconds": [0.25, "seconds", "lower_is_better"],
      "stage/fetch/rows_fetched": [1000, "rows", "higher_is_better"],
      "stage/fetch/retries": [0, "count", "lower_is_better"],
      "stage/fetch/bytes_out": [52000, "bytes", "lower_is_better"],
      "stage/duckdb_scan/elapsed_seconds": [0.125, "seconds", "lower_is_better"],
      "stage/duckdb_scan/cpu_seconds": [0.2, "seconds", "lower_is_better"],
      "stage/duckdb_scan/peak_rss_bytes": [83886080, "bytes", "lower_is_better"],
      "stage/analytics/elapsed_seconds": [0.0625, "seconds", "lower_is_better"],
    });
    expect(output.metrics.every((m) => m.benchmark === "smoke")).toBe(true);
    expect(stageFieldMetric("elapsed")).toEqual({ units: "seconds", direction: "lower_is_better" });
    expect(stageFieldMetric("rows_per_sec")).toEqual({ units: "rows/s", direction: "higher_is_better" });
  });

  it("fails the run on invariants that disagree or a parity report that is not equivalent", () => {
    const model = JSON.parse(captured("stage-model.json"));
    const broken = (patch: object) =>
      parseCommandOutput("stage-model", JSON.stringify({ ...model, ...patch }), "run 1");
    expect(broken({ invariants: { sample_hash: { duckdb: "ab", polars: "ac" } } })).toEqual({
      status: "failed",
      reason: 'invariant sample_hash disagrees: duckdb="ab", polars="ac"',
      metrics: [],
    });
    expect(
      broken({
        parity: { duckdb_vs_polars: { rows: { match: false }, sample: { hash_match: false }, equivalent: false } },
      }).reason,
    ).toBe("parity duckdb_vs_polars broken: rows.match, sample.hash_match false");
    // a column order that differs is still equivalent when the report says so
    expect(broken({ parity: { a: { schema: { order_match: false }, equivalent: true } } }).status).toBe("ok");
  });

  it("reads intermine314's own verdicts: an invariant's match, all_equivalent, a summary of booleans", () => {
    const model = JSON.parse(captured("stage-model.json"));
    const judged = (patch: object) =>
      parseCommandOutput("stage-model", JSON.stringify({ ...model, ...patch }), "run 1");
    // bench_io.compare_csv_parquet_parity's invariants: the sides, their context, and the verdict
    const invariants = (match: boolean) => ({
      row_count: { csv: 1000, parquet: 1000, match: true },
      groupby_count: { stable_identifier: "Gene.primaryIdentifier", csv: null, parquet: null, match: true },
      sample_hash: { seed: 42, stable_identifier: "Gene.primaryIdentifier", csv: "ab", parquet: "ab", match },
    });
    expect(judged({ invariants: invariants(true) }).status).toBe("ok");
    expect(judged({ invariants: invariants(false) }).reason).toBe(
      'invariant sample_hash disagrees: seed=42, stable_identifier="Gene.primaryIdentifier", csv="ab", parquet="ab"',
    );
    // bench_parquet_join_engines: all_equivalent over its runs
    const engines = (ok: boolean) => ({
      join_engines: { sample_size: 64, all_equivalent: ok, runs: [{ equivalent: ok }] },
    });
    expect(judged({ parity: engines(true) }).status).toBe("ok");
    expect(judged({ parity: engines(false) }).reason).toBe("parity join_engines broken (all_equivalent: false)");
    // benchmarks.py's parity summary: one verdict per comparison, null where it was not made
    const summary = { storage_compare_equivalent: null, join_engines_equivalent: true };
    expect(judged({ parity: summary }).status).toBe("ok");
    expect(judged({ parity: { ...summary, engine_pipelines_equivalent: false } })).toEqual({
      status: "failed",
      reason: "parity engine_pipelines_equivalent is false",
      metrics: [],
    });
    expect(failure("stage-model", JSON.stringify({ ...model, parity: { a: 1 } }))).toMatch(
      /field parity.a: is not an object/,
    );
  });

  it("names the field of a bad model", () => {
    expect(failure("stage-model", '{"schema_version": "v2", "stages": {}}')).toBe(
      'run 3 of bench, stage-model output: line 1, field schema_version: "v2" is not "benchmark_stage_model_v1"',
    );
    const v1 = '"schema_version": "benchmark_stage_model_v1"';
    expect(failure("stage-model", `{${v1}, "stages": []}`)).toMatch(/field stages: is not an object/);
    expect(failure("stage-model", `{${v1}, "stages": {"fetch": {"elapsed_seconds": -1}}}`)).toMatch(
      /field stages.fetch.elapsed_seconds: -1 is negative/,
    );
    expect(failure("stage-model", `{${v1}, "stages": {"fetch": {"enabled": false}}}`)).toMatch(
      /no enabled stage has a number/,
    );
    expect(failure("stage-model", `{${v1}, "stages": {"a": {"x": 1}}, "invariants": {"rows": {"only": 1}}}`)).toMatch(
      /field invariants.rows: is not an object of two or more values/,
    );
  });
});

describe("lance-bench metrics JSON", () => {
  it("reads value or values, unit, direction and an optional benchmark", () => {
    const output = parseCommandOutput(
      "metrics-json",
      JSON.stringify({
        metrics: [
          { name: "throughput", value: 12.5, unit: "MB/s", direction: "higher_is_better" },
          { name: "latency", values: [1, 2], unit: "ms", direction: "lower_is_better", benchmark: "q1" },
        ],
      }),
      "run 1",
    );
    expect(output.metrics).toEqual([
      { metric: "throughput", values: [12.5], units: "MB/s", direction: "higher_is_better" },
      { benchmark: "q1", metric: "latency", values: [1, 2], units: "ms", direction: "lower_is_better" },
    ]);
  });

  it("names the field of a bad entry", () => {
    const entry = { name: "x", unit: "s", direction: "lower_is_better" };
    expect(failure("metrics-json", JSON.stringify({ metrics: [entry] }))).toBe(
      "run 3 of bench, metrics-json output: line 1, field metrics[0]: needs value or values (one of them)",
    );
    expect(failure("metrics-json", JSON.stringify({ metrics: [{ ...entry, value: 1, direction: "up" }] }))).toMatch(
      /line 1, field metrics\[0\].direction/,
    );
    expect(failure("metrics-json", JSON.stringify({ metrics: [] }))).toMatch(/field metrics: is empty/);
    expect(
      failure(
        "metrics-json",
        JSON.stringify({
          metrics: [
            { ...entry, value: 1 },
            { ...entry, value: 2 },
          ],
        }),
      ),
    ).toMatch(/field metrics\[1\]: "x" appears twice/);
  });

  it("a skipped record needs no metrics", () => {
    expect(parseCommandOutput("metrics-json", '{"status": "skipped", "reason": "no GPU"}', "run 1")).toEqual({
      status: "skipped",
      reason: "no GPU",
      metrics: [],
    });
  });
});

describe("stage signals", () => {
  it("reads START and END lines with tags and durations, and nothing else", () => {
    expect(parseStageSignal("[STAGE:START] vec-query:ef_100")).toEqual({ kind: "start", stage: "vec-query:ef_100" });
    expect(parseStageSignal("[STAGE:END] vec-query:ef_100 duration=1.234s")).toEqual({
      kind: "end",
      stage: "vec-query:ef_100",
      durationSeconds: 1.234,
    });
    expect(parseStageSignal("INFO [STAGE:START] x")).toBeUndefined();
    expect(parseStageSignal("[STAGE:START] two words")).toBeUndefined();
  });

  it("collects durations across chunks: stated, else measured; repeated stages are samples", () => {
    let t = 0;
    const collector = new StageCollector(() => t);
    collector.feed("[STAGE:START] load\nnoise\n[STAGE:END] load dur");
    collector.feed("ation=0.500s\n[STAGE:START] q\n");
    t = 250;
    collector.feed("[STAGE:END] q\n[STAGE:START] load\n[STAGE:END] load duration=0.25s\n[STAGE:START] never");
    collector.end();
    expect(Object.fromEntries(collector.durations)).toEqual({ load: [0.5, 0.25], q: [0.25] });
    expect(collector.unfinished).toEqual(["never"]);
  });
});
