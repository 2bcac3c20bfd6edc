import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compare, parseCompareOptions } from "../../src/commands/compare.js";
import {
  failedRunsError,
  fillTemplate,
  parseRunCommandOptions,
  runCommand,
  type RunCommandSummary,
} from "../../src/commands/run-command.js";
import { ConfigurationError, type Result } from "../../src/model/index.js";
import { runCommandText } from "../../src/report/run-summary.js";
import {
  cleanEnv,
  gitRepoFrom,
  REDIS,
  requireOrSkip,
  ROOT,
  tempDir,
  toolMissing,
  toolRequired,
  resultsFileRows,
} from "../support/helpers.js";
import { startRedis, type RedisServer } from "../support/redis-server.js";

const project = gitRepoFrom(path.join(ROOT, "fixtures/command-bench"), path.join(tempDir(), "command-bench"));
const env = { ...cleanEnv(), PATH: process.env.PATH };

/** The stored records of a run, as its results file holds them (the rows a publish writes). */
const storedRows = (summary: RunCommandSummary): Result[] => resultsFileRows(summary.resultsFile!);

function run(options: Record<string, unknown>) {
  const outputDir = tempDir("lance-bench-run-command-");
  return runCommand(
    parseRunCommandOptions({ repo: project, publish: false, cacheDir: tempDir(), outputDir, ...options }),
    { env },
  );
}

const row = (rows: Result[], benchmark: string, metric: string, repetition?: number) => {
  const found = rows.filter(
    (r) =>
      r.benchmark_name === benchmark &&
      r.metric === metric &&
      (repetition === undefined || JSON.parse(r.metadata).repetition === repetition),
  );
  expect(found, `${benchmark} ${metric}`).toHaveLength(1);
  return found[0]!;
};

describe("run-command against a real redis-server", () => {
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    if (toolMissing(REDIS) === undefined) redis = await startRedis();
  }, 30_000);
  afterAll(async () => redis?.stop());

  it("stores qps and latencies of each test, and the process tree's wall, CPU and peak RSS, for every run", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const db = tempDir("lance-bench-run-command-db-");
    const summary = await run({
      benchmarkCommand: "redis-benchmark -h 127.0.0.1 -p {port} -t get,set -n 20000 -c {clients} --csv",
      param: [`port=${redis!.port}`, "clients=8"],
      format: "redis-benchmark-csv",
      repetitions: 2,
      publish: true,
      db,
    });
    expect(summary.runs.map((r) => r.status)).toEqual(["ok", "ok"]);
    expect(summary.command).toContain(String(redis!.port));
    const rows = storedRows(summary);
    // 2 runs × (3 process metrics + 2 tests × 7 metrics)
    expect(rows).toHaveLength(2 * (3 + 14));
    expect(summary.published?.rowsWritten).toBe(rows.length);
    for (const repetition of [1, 2]) {
      for (const test of ["SET", "GET"]) {
        const qps = row(rows, test, "qps", repetition);
        expect(qps).toMatchObject({ units: "requests/s", direction: "higher_is_better", status: "ok" });
        expect(qps.source_format).toBe("redis-benchmark-csv");
        expect(JSON.parse(qps.params!)).toEqual({ port: redis!.port, clients: 8 });
        expect(qps.values[0]).toBeGreaterThan(100);
        const latency = (m: string) => {
          const r = row(rows, test, `latency_${m}`, repetition);
          expect(r).toMatchObject({ units: "milliseconds", direction: "lower_is_better" });
          return r.values[0]!;
        };
        expect(latency("min")).toBeLessThanOrEqual(latency("p50"));
        expect(latency("p50")).toBeLessThanOrEqual(latency("p95"));
        expect(latency("p95")).toBeLessThanOrEqual(latency("p99"));
        expect(latency("p99")).toBeLessThanOrEqual(latency("max"));
        expect(latency("avg")).toBeLessThanOrEqual(latency("max"));
      }
      const wall = row(rows, "redis-benchmark", "wall_time", repetition);
      const cpu = row(rows, "redis-benchmark", "cpu_time", repetition);
      const rss = row(rows, "redis-benchmark", "peak_rss", repetition);
      expect(wall).toMatchObject({ units: "seconds", direction: "lower_is_better" });
      expect(cpu).toMatchObject({ units: "seconds", direction: "lower_is_better" });
      expect(rss).toMatchObject({ units: "bytes", direction: "lower_is_better" });
      expect(cpu.values[0]).toBeGreaterThan(0);
      expect(rss.values[0]).toBeGreaterThan(1024 * 1024);
      expect(wall.values[0]).toBeGreaterThan(0);
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    const report = runCommandText(summary);
    expect(report).toMatch(/2 runs: 2 ok, 0 skipped, 0 failed/);
    expect(report).toMatch(/SET\s+latency_p99/);
  }, 120_000);

  // CI installs perf and inferno and requires real flamegraphs; elsewhere a skipped profile with its reason
  const profilerRequired = process.env.LANCE_BENCH_REQUIRE_PROFILER === "1";
  /** inferno's total: `<title>all (1,234 samples, 100%)</title>` (samples weighted by perf's period). */
  const flamegraphTotal = (svg: string) => Number(/all \(([\d,]+) samples/.exec(svg)![1]!.replace(/,/g, ""));

  it("profiles the server during one stage only: perf attached at START, stopped at END", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const profileOf = async (stage: string) => {
      const summary = await run({
        benchmarkCommand: "python3 stage_load.py {port} 60000",
        param: [`port=${redis!.port}`],
        profileStage: stage,
        profileProcess: String(redis!.pid),
      });
      expect(summary.runs[0]).toMatchObject({ status: "ok" });
      return summary;
    };
    const load = await profileOf("load");
    const profile = load.profile!;
    if (!profilerRequired && profile.status === "skipped") {
      expect(profile.reason).toMatch(/perf|inferno/);
      return;
    }
    expect(profile, JSON.stringify(profile)).toMatchObject({ status: "recorded" });
    if (profile.status !== "recorded") return;
    expect(profile.benchmark).toMatch(new RegExp(`^stage load of pid ${redis!.pid} \\(\\d+\\.\\d+ s\\)$`));
    expect(path.dirname(profile.svg)).toBe(path.dirname(load.resultsFile!));
    const loaded = flamegraphTotal(readFileSync(profile.svg, "utf8"));
    expect(runCommandText(load)).toContain(`flamegraph of stage load`);

    // The idle stage of the same server: perf saw (almost) nothing — the load before it is not in it.
    const idle = (await profileOf("idle")).profile!;
    if (idle.status === "recorded") {
      expect(flamegraphTotal(readFileSync(idle.svg, "utf8"))).toBeLessThan(loaded / 5);
    } else {
      expect(idle.reason).toBe("perf recorded no samples: the process was idle");
    }
  }, 120_000);

  it("says why a stage profile is not recorded: no such process, or the stage never started", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const summary = await run({
      benchmarkCommand: "python3 stage_load.py {port} 1000",
      param: [`port=${redis!.port}`],
      profileStage: "load",
      profileProcess: "no-such-server",
    });
    expect(summary.runs[0]).toMatchObject({ status: "ok" });
    expect(summary.profile).toMatchObject({ status: "skipped" });
    if (summary.profile?.status === "skipped" && !/perf|inferno/.test(summary.profile.reason)) {
      expect(summary.profile.reason).toBe("no running process is named no-such-server");
    }
    const never = await run({
      benchmarkCommand: "python3 stage_load.py {port} 1000",
      param: [`port=${redis!.port}`],
      profileStage: "warmup",
    });
    expect(never.profile).toMatchObject({ status: "skipped" });
    if (never.profile?.status === "skipped" && !/perf|inferno/.test(never.profile.reason)) {
      expect(never.profile.reason).toBe("no run printed [STAGE:START] warmup");
    }
  }, 60_000);

  it("stores another parameter value of the same benchmark under its own ids", async (ctx) => {
    requireOrSkip(ctx, REDIS);
    const once = async (clients: number) =>
      storedRows(
        await run({
          benchmarkCommand: "redis-benchmark -h 127.0.0.1 -p {port} -t get -n 2000 -c {clients} --csv",
          param: [`port=${redis!.port}`, `clients=${clients}`],
          format: "redis-benchmark-csv",
          runId: "same-ci-run",
        }),
      );
    const [a, b] = [await once(2), await once(4)];
    const ids = new Set(a.map((r) => r.id));
    expect(b.some((r) => ids.has(r.id))).toBe(false);
  }, 60_000);
});

it("REDIS: .ci/run installs redis and requires its tests", () => {
  const ci = readFileSync(path.join(ROOT, ".ci/run"), "utf8");
  expect(ci).toMatch(/apt-get install[^\n]*redis-server redis-tools/);
  expect(ci).toMatch(/export LANCE_BENCH_REQUIRE_REDIS=1/);
  if (toolRequired(REDIS)) expect(toolMissing(REDIS)).toBeUndefined();
});

describe("run-command with the fixture programs", () => {
  it("measures a process tree: the child's memory and CPU count, stage signals become stage metrics", async () => {
    const summary = await run({ benchmarkCommand: "python3 tree.py 96", format: "metrics-json" });
    expect(summary.runs[0]).toMatchObject({ status: "ok" });
    const rows = storedRows(summary);
    const rss = row(rows, "python3", "peak_rss").values[0]!;
    // the child alone holds 96 MiB; the sampler sums the tree
    expect(rss).toBeGreaterThan(96 * 1024 * 1024);
    expect(row(rows, "python3", "cpu_time").values[0]).toBeGreaterThan(0.02);
    const load = row(rows, "python3", "stage/load");
    expect(load).toMatchObject({ units: "seconds", direction: "lower_is_better" });
    expect(load.values[0]).toBeGreaterThan(0.3); // the child sleeps 0.4 s
    expect(row(rows, "python3", "stage/query:warm").values).toHaveLength(1);
    expect(row(rows, "python3", "rows_per_sec")).toMatchObject({
      values: [1234.5],
      units: "rows/s",
      direction: "higher_is_better",
      source_format: "metrics-json",
    });
    expect(row(rows, "query", "latency").values).toEqual([1.5, 1.25, 1.75]);
  }, 60_000);

  it("reads a stage model: one metric per stage and field, with units; disabled stages and nulls left out", async () => {
    const summary = await run({ benchmarkCommand: "python3 stage_model.py", format: "stage-model" });
    const rows = storedRows(summary);
    expect(row(rows, "smoke", "stage/fetch/elapsed_seconds")).toMatchObject({ values: [0.5], units: "seconds" });
    expect(row(rows, "smoke", "stage/fetch/rows_fetched")).toMatchObject({ units: "rows" });
    expect(row(rows, "smoke", "stage/duckdb_scan/peak_rss_bytes")).toMatchObject({
      values: [83886080],
      units: "bytes",
      direction: "lower_is_better",
    });
    expect(rows.some((r) => r.metric.startsWith("stage/polars_scan"))).toBe(false);
    expect(rows.some((r) => r.metric === "stage/fetch/peak_rss_bytes")).toBe(false);
  }, 60_000);

  it("fails a run whose parity invariants disagree, naming the invariant", async () => {
    const summary = await run({ benchmarkCommand: "python3 stage_model.py broken", format: "stage-model" });
    expect(summary.runs[0]).toMatchObject({ status: "failed" });
    expect(summary.runs[0]!.reason).toBe("invariant row_count disagrees: duckdb=1000, polars=999");
    const [stored] = storedRows(summary);
    expect(stored).toMatchObject({ status: "failed", status_reason: summary.runs[0]!.reason, values: [] });
    expect(failedRunsError(summary)?.message).toMatch(/1 of 1 runs of python3 failed.*row_count/);
  }, 60_000);

  it("exit code 2 is skipped, with the reason the program gave; not an error", async () => {
    const summary = await run({ benchmarkCommand: "./skip_exit.sh", repetitions: 2 });
    expect(summary.runs.map((r) => r.status)).toEqual(["skipped", "skipped"]);
    const rows = storedRows(summary);
    expect(rows).toHaveLength(2);
    for (const r of rows) {
      expect(r).toMatchObject({ status: "skipped", benchmark_name: "skip_exit.sh", values: [], summary: null });
      expect(r.status_reason).toBe("exit code 2: preflight: mode=tor host=example.org reason=proxy_failed");
    }
    expect(failedRunsError(summary)).toBeUndefined();
    expect(runCommandText(summary)).toMatch(/SKIPPED run 1: exit code 2: preflight/);
  }, 60_000);

  it("another skip exit code can be configured; then 2 is a failure", async () => {
    const summary = await run({ benchmarkCommand: "./skip_exit.sh", skipExitCode: 77 });
    expect(summary.runs[0]).toMatchObject({ status: "failed", exitCode: 2 });
    expect(summary.runs[0]!.reason).toMatch(/^exited with code 2: preflight/);
  }, 60_000);

  it('a "status": "skipped" record is skipped, with its reason', async () => {
    for (const format of ["metrics-json", "valkey-search-json"]) {
      const summary = await run({ benchmarkCommand: "python3 skip_record.py", format });
      const [stored] = storedRows(summary);
      expect(stored).toMatchObject({ status: "skipped", status_reason: "DNS unavailable in this sandbox" });
    }
  }, 60_000);

  it("a command that hangs is killed with its process group at the budget and recorded as failed", async () => {
    const started = Date.now();
    const summary = await run({ benchmarkCommand: "./hang.sh", budgetMinutes: 0.05 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(summary.runs[0]).toMatchObject({ status: "failed" });
    expect(summary.runs[0]!.reason).toMatch(/^killed at its time budget \(budget-minutes 0.05\)/);
    expect(storedRows(summary)[0]).toMatchObject({ status: "failed" });
  }, 60_000);

  it("unreadable output fails the run, naming the run, the format and the line", async () => {
    const summary = await run({ benchmarkCommand: "./garbage.sh", format: "redis-benchmark-csv" });
    expect(summary.runs[0]!.reason).toBe(
      'run 1 of garbage.sh, redis-benchmark-csv output: line 2, field rps: "fast" is not a finite number',
    );
  }, 60_000);
});

describe("run-command options", () => {
  it("fills placeholders inside arguments, never through a shell", () => {
    expect(
      fillTemplate("bench --clients={clients} -m '{mode} x' '{\"json\": 1}'", [
        { name: "clients", value: "8" },
        { name: "mode", value: "a; rm -rf /" },
      ]),
    ).toEqual(["bench", "--clients=8", "-m", "a; rm -rf / x", '{"json": 1}']);
  });

  it("refuses a placeholder without a value, a value without a placeholder, and a shell", () => {
    expect(() => fillTemplate("bench {clients}", [])).toThrow(/placeholder \{clients\} has no value: pass --param/);
    expect(() => fillTemplate("bench", [{ name: "x", value: "1" }])).toThrow(/param: x: no \{placeholder\}/);
    expect(() => fillTemplate("bench | tee x", [])).toThrow(ConfigurationError);
    expect(() => parseRunCommandOptions({ repo: ".", benchmarkCommand: "b", param: ["no-equals"] })).toThrow(
      /param: "no-equals" is not name=value/,
    );
    expect(() => parseRunCommandOptions({ repo: ".", benchmarkCommand: "b {x}", param: ["x=a\nb"] })).toThrow(
      /one line/,
    );
    expect(() => parseRunCommandOptions({ repo: ".", benchmarkCommand: "b", format: "csv" })).toThrow(/format/);
  });
});

describe("comparisons leave skipped runs out", () => {
  it("a benchmark skipped on the head is not compared, so never a regression", async () => {
    const base = await run({
      benchmarkCommand: "python3 stage_model.py",
      format: "stage-model",
      benchmarkName: "smoke",
    });
    const skipped = await run({ benchmarkCommand: "./skip_exit.sh", benchmarkName: "smoke" });
    const head = await run({ benchmarkCommand: "python3 stage_model.py", format: "stage-model", benchmarkName: "py" });
    expect(storedRows(skipped)[0]).toMatchObject({ benchmark_name: "smoke", metric: "wall_time", status: "skipped" });
    const outcome = await compare(
      parseCompareOptions({ base: [base.resultsFile!], head: [skipped.resultsFile!, head.resultsFile!] }),
      { env },
    );
    const wall = outcome.benchmarks.find((b) => b.name === "smoke" && b.metric === "wall_time")!;
    // the base measured it, the head did not: nothing to compare
    expect(wall).toMatchObject({ verdict: "removed", head: null });
    expect(outcome.benchmarks.filter((b) => b.name === "smoke" && b.metric.startsWith("stage/")).length).toBe(9);
    expect(outcome.counts.regressed).toBe(0);
  }, 60_000);
});
